//! mutant of: protobuf_wire
//! bug: keeps `flags` as an Option and writes the field whenever a `flags` line came, even one with no numbers
//! fails: defaults are left out
use std::io::{Read, Write};

/// Wire type 0: a varint follows (ints, bools).
const VARINT: u64 = 0;
/// Wire type 2: a varint length, then that many bytes (strings, nested
/// messages, packed lists).
const LEN: u64 = 2;

/// 7 bits a byte, the lowest first; the top bit says "more bytes follow".
/// 1 takes 1 byte, 300 takes 2, u64::MAX takes 10.
fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A field's key: its number and its wire type in one varint.
fn tag(out: &mut Vec<u8>, field: u64, wire_type: u64) {
    varint(out, field << 3 | wire_type);
}

/// sint64 maps small negative numbers to small unsigned ones
/// (0, -1, 1, -2 → 0, 1, 2, 3), so -1 is one byte instead of ten.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// A length-delimited field: the tag, the byte length, the bytes.
fn len_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    tag(out, field, LEN);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[derive(Default)]
struct Batch {
    readings: Vec<(String, u64, i64)>,
    flags: Option<Vec<u32>>,
    last: bool,
    offset: i32,
}

impl Batch {
    /// Fields in number order; a field at its default value is not written
    /// at all - the reader assumes the default for what is missing.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (sensor, seq, value) in &self.readings {
            let mut reading = Vec::new();
            if !sensor.is_empty() {
                len_field(&mut reading, 1, sensor.as_bytes());
            }
            if *seq != 0 {
                tag(&mut reading, 2, VARINT);
                varint(&mut reading, *seq);
            }
            if *value != 0 {
                tag(&mut reading, 3, VARINT);
                varint(&mut reading, zigzag(*value));
            }
            // Each element of a repeated message is sent, even an empty one.
            len_field(&mut out, 1, &reading);
        }
        if let Some(flags) = &self.flags {
            // Packed: one LEN field holding every varint, not a tag each.
            let mut packed = Vec::new();
            for flag in flags {
                varint(&mut packed, u64::from(*flag));
            }
            len_field(&mut out, 2, &packed);
        }
        if self.last {
            tag(&mut out, 3, VARINT);
            varint(&mut out, 1);
        }
        if self.offset != 0 {
            // int32 is sign-extended to 64 bits: a negative one is 10 bytes
            // (which is why sint32/sint64 exist).
            tag(&mut out, 4, VARINT);
            varint(&mut out, self.offset as i64 as u64);
        }
        out
    }
}

fn parse(input: &str) -> Result<Batch, String> {
    let mut batch = Batch::default();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |i: usize| -> Result<&str, String> {
            words
                .get(i)
                .copied()
                .ok_or(format!("line {line:?} is short"))
        };
        match words[0] {
            "reading" => batch.readings.push((
                number(1)?.to_string(),
                number(2)?.parse().map_err(|e| format!("{line:?}: {e}"))?,
                number(3)?.parse().map_err(|e| format!("{line:?}: {e}"))?,
            )),
            "flags" => {
                batch.flags = Some(
                    words[1..]
                        .iter()
                        .map(|w| w.parse().map_err(|e| format!("{line:?}: {e}")))
                        .collect::<Result<_, _>>()?,
                );
            }
            "last" => batch.last = number(1)? == "true",
            "offset" => batch.offset = number(1)?.parse().map_err(|e| format!("{line:?}: {e}"))?,
            other => return Err(format!("unknown line kind {other:?}")),
        }
    }
    Ok(batch)
}

fn main() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())?;
    let bytes = parse(&input)?.encode();
    // Bytes, not text: write_all, never print!.
    std::io::stdout()
        .write_all(&bytes)
        .map_err(|e| e.to_string())
}
