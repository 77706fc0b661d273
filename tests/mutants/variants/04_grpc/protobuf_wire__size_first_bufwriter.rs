//! variant of: protobuf_wire
//! how: the message sizes computed first, then everything written straight into a BufWriter on stdout (no Vec per message); input read with BufRead, lines matched by prefix
use std::io::{BufRead, BufWriter, Write};

fn varint_len(mut n: u64) -> u64 {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn put_varint(w: &mut impl Write, mut n: u64) -> std::io::Result<()> {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            return w.write_all(&[byte]);
        }
        w.write_all(&[byte | 0x80])?;
    }
}

struct Reading {
    sensor: String,
    seq: u64,
    zigzag: u64,
}

impl Reading {
    fn size(&self) -> u64 {
        let mut size = 0;
        if !self.sensor.is_empty() {
            size += 1 + varint_len(self.sensor.len() as u64) + self.sensor.len() as u64;
        }
        if self.seq != 0 {
            size += 1 + varint_len(self.seq);
        }
        if self.zigzag != 0 {
            size += 1 + varint_len(self.zigzag);
        }
        size
    }
}

fn main() -> std::io::Result<()> {
    let mut readings = Vec::new();
    let mut flags: Vec<u64> = Vec::new();
    let mut last = false;
    let mut offset: i64 = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        match words.next() {
            Some("reading") => {
                let sensor = words.next().unwrap_or_default().to_string();
                let seq = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let value: i64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                readings.push(Reading {
                    sensor,
                    seq,
                    zigzag: ((value << 1) ^ (value >> 63)) as u64,
                });
            }
            Some("flags") => flags = words.filter_map(|w| w.parse().ok()).collect(),
            Some("last") => last = words.next() == Some("true"),
            Some("offset") => offset = words.next().and_then(|w| w.parse().ok()).unwrap_or(0),
            _ => {}
        }
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for r in &readings {
        out.write_all(&[0x0a])?;
        put_varint(&mut out, r.size())?;
        if !r.sensor.is_empty() {
            out.write_all(&[0x0a])?;
            put_varint(&mut out, r.sensor.len() as u64)?;
            out.write_all(r.sensor.as_bytes())?;
        }
        if r.seq != 0 {
            out.write_all(&[0x10])?;
            put_varint(&mut out, r.seq)?;
        }
        if r.zigzag != 0 {
            out.write_all(&[0x18])?;
            put_varint(&mut out, r.zigzag)?;
        }
    }
    if !flags.is_empty() {
        out.write_all(&[0x12])?;
        put_varint(&mut out, flags.iter().map(|f| varint_len(*f)).sum())?;
        for f in &flags {
            put_varint(&mut out, *f)?;
        }
    }
    if last {
        out.write_all(&[0x18, 0x01])?;
    }
    if offset != 0 {
        out.write_all(&[0x20])?;
        put_varint(&mut out, offset as u64)?;
    }
    out.flush()
}
