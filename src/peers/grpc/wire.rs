//! The protobuf wire format of `netlings.wire.v1.Batch`, spelled out: the
//! canonical bytes (prost's encoding: fields in number order, defaults
//! left out, repeated scalars packed), the text a `protobuf_wire` program
//! reads, and any encoding annotated field by field - so a learner sees
//! where their bytes and the canonical ones part.
//!
//! Every field starts with a tag, the varint `number << 3 | wire type`:
//! wire type 0 (VARINT) is followed by a varint, 2 (LEN) by a varint length
//! and that many bytes (a string, a nested message, a packed list).

use prost::Message as _;

pub use super::proto::wire::{Batch, Reading};

/// The canonical encoding.
pub fn encode(batch: &Batch) -> Vec<u8> {
    batch.encode_to_vec()
}

/// What prost makes of `bytes`, or why it cannot.
pub fn decode(bytes: &[u8]) -> Result<Batch, String> {
    Batch::decode(bytes).map_err(|e| e.to_string())
}

/// The program's input for `batch`: its readings, then the `flags`,
/// `last` and `offset` lines in the order `extras` gives (by name), each
/// only if listed there - a line may state a default (`last false`).
pub fn input_text(batch: &Batch, extras: &[&str]) -> String {
    let mut text = String::new();
    for r in &batch.readings {
        text.push_str(&format!("reading {} {} {}\n", r.sensor, r.seq, r.value));
    }
    for extra in extras {
        match *extra {
            "flags" => {
                let flags: Vec<String> = batch.flags.iter().map(u32::to_string).collect();
                if flags.is_empty() {
                    text.push_str("flags\n");
                } else {
                    text.push_str(&format!("flags {}\n", flags.join(" ")));
                }
            }
            "last" => text.push_str(&format!("last {}\n", batch.last)),
            "offset" => text.push_str(&format!("offset {}\n", batch.offset)),
            _ => {}
        }
    }
    text
}

/// How a field's bytes are read, by the schema.
#[derive(Clone, Copy)]
enum Kind {
    Uint,
    Sint,
    Int32,
    Bool,
    Text,
    Message(&'static [(u64, &'static str, Kind)]),
    PackedUint,
}

const READING: &[(u64, &str, Kind)] = &[
    (1, "sensor", Kind::Text),
    (2, "seq", Kind::Uint),
    (3, "value", Kind::Sint),
];

const BATCH: &[(u64, &str, Kind)] = &[
    (1, "readings", Kind::Message(READING)),
    (2, "flags", Kind::PackedUint),
    (3, "last", Kind::Bool),
    (4, "offset", Kind::Int32),
];

/// `bytes` as annotated hex, one field per line, nested messages indented:
/// `0a 05 …  field 1 readings, LEN 5: Reading {`.
pub fn annotate(bytes: &[u8]) -> String {
    let mut lines = Vec::new();
    if bytes.is_empty() {
        lines.push("(no bytes: every field has its default value)".to_string());
    }
    walk(bytes, BATCH, 0, 0, &mut lines);
    lines.join("\n")
}

fn hex(bytes: &[u8]) -> String {
    const SHOWN: usize = 12;
    let mut text: Vec<String> = bytes
        .iter()
        .take(SHOWN)
        .map(|b| format!("{b:02x}"))
        .collect();
    if bytes.len() > SHOWN {
        text.push(format!("… ({} bytes)", bytes.len()));
    }
    text.join(" ")
}

/// Reads a varint at `at`: its value and its length in bytes.
pub fn varint(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.get(at..)?.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn line(lines: &mut Vec<String>, depth: usize, offset: usize, raw: &[u8], what: String) {
    lines.push(format!(
        "{:>4}  {}{:<38} {what}",
        offset,
        "  ".repeat(depth),
        hex(raw)
    ));
}

fn walk(
    bytes: &[u8],
    schema: &[(u64, &str, Kind)],
    base: usize,
    depth: usize,
    lines: &mut Vec<String>,
) {
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let Some((tag, n)) = varint(bytes, at) else {
            line(
                lines,
                depth,
                base + at,
                &bytes[at..],
                "a tag that never ends (truncated varint)".into(),
            );
            return;
        };
        at += n;
        let (number, wire) = (tag >> 3, tag & 7);
        let field = schema.iter().find(|(f, _, _)| *f == number);
        let name = field.map_or("(no such field in the proto)", |(_, name, _)| name);
        match wire {
            0 => {
                let Some((value, m)) = varint(bytes, at) else {
                    line(
                        lines,
                        depth,
                        base + start,
                        &bytes[start..],
                        format!("field {number} {name}, VARINT: truncated"),
                    );
                    return;
                };
                at += m;
                let meaning = match field.map(|(_, _, k)| *k) {
                    Some(Kind::Sint) => format!("{} (zigzag of {value})", unzigzag(value)),
                    Some(Kind::Int32) => format!("{}", value as i64 as i32),
                    Some(Kind::Bool) => format!("{}", value != 0),
                    _ => format!("{value}"),
                };
                line(
                    lines,
                    depth,
                    base + start,
                    &bytes[start..at],
                    format!("field {number} {name}, VARINT: {meaning}"),
                );
            }
            2 => {
                let Some((len, m)) = varint(bytes, at) else {
                    line(
                        lines,
                        depth,
                        base + start,
                        &bytes[start..],
                        format!("field {number} {name}, LEN: truncated length"),
                    );
                    return;
                };
                let body = at + m;
                let Some(end) = body.checked_add(len as usize).filter(|e| *e <= bytes.len()) else {
                    line(
                        lines,
                        depth,
                        base + start,
                        &bytes[start..],
                        format!(
                            "field {number} {name}, LEN {len}: only {} bytes follow",
                            bytes.len() - body
                        ),
                    );
                    return;
                };
                let payload = &bytes[body..end];
                match field.map(|(_, _, k)| *k) {
                    Some(Kind::Message(inner)) => {
                        line(
                            lines,
                            depth,
                            base + start,
                            &bytes[start..body],
                            format!("field {number} {name}, LEN {len}: Reading {{"),
                        );
                        walk(payload, inner, base + body, depth + 1, lines);
                        lines.push(format!("{:>4}  {}}}", "", "  ".repeat(depth)));
                    }
                    Some(Kind::PackedUint) => {
                        let mut values = Vec::new();
                        let mut p = 0;
                        while p < payload.len() {
                            match varint(payload, p) {
                                Some((v, k)) => {
                                    values.push(v.to_string());
                                    p += k;
                                }
                                None => {
                                    values.push("(truncated)".into());
                                    break;
                                }
                            }
                        }
                        line(
                            lines,
                            depth,
                            base + start,
                            &bytes[start..end],
                            format!(
                                "field {number} {name}, LEN {len}: packed [{}]",
                                values.join(", ")
                            ),
                        );
                    }
                    _ => {
                        let text = String::from_utf8_lossy(payload);
                        line(
                            lines,
                            depth,
                            base + start,
                            &bytes[start..end],
                            format!("field {number} {name}, LEN {len}: {text:?}"),
                        );
                    }
                }
                at = end;
            }
            1 | 5 => {
                let width = if wire == 1 { 8 } else { 4 };
                let end = (at + width).min(bytes.len());
                line(
                    lines,
                    depth,
                    base + start,
                    &bytes[start..end],
                    format!(
                        "field {number} {name}, {}: fixed-width, which this proto never uses",
                        if wire == 1 { "I64" } else { "I32" }
                    ),
                );
                at = end;
            }
            other => {
                line(
                    lines,
                    depth,
                    base + start,
                    &bytes[start..],
                    format!("field {number} {name}: wire type {other}, which does not exist"),
                );
                return;
            }
        }
    }
}

/// sint64's zigzag back to the signed value: 0, 1, 2, 3 → 0, -1, 1, -2.
fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The offset of the first byte where `a` and `b` differ.
pub fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_bytes_are_protobufs() {
        let batch = Batch {
            readings: vec![Reading {
                sensor: "é".into(),
                seq: 300,
                value: -1,
            }],
            flags: vec![1, 128],
            last: true,
            offset: -1,
        };
        let bytes = encode(&batch);
        assert_eq!(
            bytes,
            [
                0x0a, 0x09, 0x0a, 0x02, 0xc3, 0xa9, 0x10, 0xac, 0x02, 0x18, 0x01, // readings
                0x12, 0x03, 0x01, 0x80, 0x01, // flags, packed
                0x18, 0x01, // last
                0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // offset -1
            ]
        );
        let text = annotate(&bytes);
        assert!(text.contains("field 2 seq, VARINT: 300"), "{text}");
        assert!(
            text.contains("field 3 value, VARINT: -1 (zigzag of 1)"),
            "{text}"
        );
        assert!(text.contains("packed [1, 128]"), "{text}");
        assert!(text.contains("field 4 offset, VARINT: -1"), "{text}");
        assert_eq!(decode(&bytes).unwrap(), batch);
        assert!(annotate(&[0x0a, 0x05, 0x01]).contains("only 1 bytes follow"));
        assert_eq!(
            input_text(&batch, &["offset", "flags"]),
            "reading é 300 -1\noffset -1\nflags 1 128\n"
        );
    }
}
