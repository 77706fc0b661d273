//! # protobuf_wire
//!
//! Q11. How does gRPC use Protocol Buffers, and why are they efficient?
//!
//! Encode a `netlings.wire.v1.Batch` (proto/wire.proto) **by hand** - no
//! prost, no protobuf crate - and see where the efficiency comes from:
//!
//! ```text
//! message Reading { string sensor = 1; uint64 seq = 2; sint64 value = 3; }
//! message Batch   { repeated Reading readings = 1; repeated uint32 flags = 2; bool last = 3; int32 offset = 4; }
//! ```
//!
//! Read the batch from stdin, one item per line:
//! - `reading <sensor> <seq> <value>` - the readings, in order (sensor
//!   names have no spaces);
//! - then at most one each, in any order: `flags <n>…` (`flags` alone is
//!   an empty list), `last true` or `last false`, `offset <n>`.
//!
//! Write the protobuf encoding of that `Batch` to stdout, and nothing else:
//! - each field is a tag - the varint `field_number << 3 | wire_type` -
//!   then its value; integers are varints (wire type 0): 7 bits a byte,
//!   low bits first, the top bit set on every byte but the last;
//! - `sint64` is zigzag-encoded first; a negative `int32` is sign-extended
//!   to 64 bits, a ten-byte varint;
//! - strings and nested messages are length-delimited (wire type 2): the
//!   tag, the length in bytes as a varint, the bytes;
//! - `flags` is packed: one length-delimited field holding all the varints;
//! - a field with its default value (0, false, "", an empty list) is left
//!   out; fields come in the order of their numbers. Empty input is an
//!   empty `Batch`: zero bytes.
//!
//! How it is graded: netlings runs your program on seeded batches - 0, 127,
//! 128, 300, `u64::MAX`, `i64::MIN`, negative offsets, names that are not
//! ASCII, empty lists - and compares your bytes with the canonical
//! encoding; a difference is shown as both, annotated field by field, and
//! what prost decodes from yours.
//!
//! Environment: none; the input is on stdin.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{Read, Write};

/// Appends `n` as a varint.
fn varint(out: &mut Vec<u8>, n: u64) {
    // TODO: 7 bits a byte, lowest first, top bit set on all but the last.
    out.push(todo!("varint: 7 bits a byte, top bit = more"))
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut out = Vec::new();
    // TODO: parse the lines, encode the Batch into `out`.
    for line in input.lines() {
        varint(&mut out, 0);
    }
    std::io::stdout().write_all(&out).unwrap();
}
