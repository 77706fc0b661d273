//! `protobuf_wire` — `netlings.wire.v1.Batch` encoded by hand, byte for
//! byte: varints, zigzag, tags, length-delimited strings and messages,
//! packed repeated fields, defaults left out.
//!
//! Each check runs the program on one batch (as text on stdin) and
//! compares its stdout with the canonical encoding (prost's); a difference
//! is shown as both encodings annotated field by field, with what prost
//! makes of the program's bytes. The inputs are seeded and cover the
//! edges: 0, 127, 128, 300, `u64::MAX`, `i64::MIN`, negative offsets,
//! names that are not ASCII, a name of over 127 bytes (a two-byte
//! length), empty lists.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Encode a `netlings.wire.v1.Batch` (proto/wire.proto) **by hand** - no prost, no protobuf crate - and see where the efficiency comes from: | — | the point of the exercise, which the bytes cannot show: the rows below judge the encoding, however it was made |
//! | Read the batch from stdin, one item per line: | — | the introduction of the list below |
//! | `reading <sensor> <seq> <value>` - the readings, in order (sensor names have no spaces); | `one reading` `varints at their edges` | `protobuf_wire__fixed_width_seq` `protobuf_wire__numbers_as_i64` |
//! | then at most one each, in any order: `flags <n>…` (`flags` alone is an empty list), `last true` or `last false`, `offset <n>`. | `flags packed` `defaults are left out` | `protobuf_wire__fields_in_input_order` `protobuf_wire__flags_option` |
//! | Write the protobuf encoding of that `Batch` to stdout, and nothing else: | `empty input` | `protobuf_wire__trailing_newline` |
//! | each field is a tag - the varint `field_number << 3 \| wire_type` - then its value; integers are varints (wire type 0): 7 bits a byte, low bits first, the top bit set on every byte but the last; | `one reading` `varints at their edges` | `protobuf_wire__fixed_width_seq` `protobuf_wire__numbers_as_i64` |
//! | `sint64` is zigzag-encoded first; a negative `int32` is sign-extended to 64 bits, a ten-byte varint; | `one reading` `a negative offset` | `protobuf_wire__unzigzagged_sint64` `protobuf_wire__offset_as_u32` |
//! | strings and nested messages are length-delimited (wire type 2): the tag, the length in bytes as a varint, the bytes; | `a sensor name that is not ASCII` `a seeded batch` | `protobuf_wire__chars_not_bytes` `protobuf_wire__length_one_byte` |
//! | `flags` is packed: one length-delimited field holding all the varints; | `flags packed` | `protobuf_wire__unpacked_flags` |
//! | a field with its default value (0, false, "", an empty list) is left out; fields come in the order of their numbers. | `defaults are left out` `flags packed` | `protobuf_wire__flags_option` `protobuf_wire__fields_in_input_order` |
//! | Empty input is an empty `Batch`: zero bytes. | `empty input` | `protobuf_wire__trailing_newline` |
//! | Environment: none; the input is on stdin. | — | context |

use crate::harness::expect::expect_success;
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::grpc::wire::{self, Batch, Reading};

pub const CHECKS: &[&str] = &[
    "empty input is an empty Batch: zero bytes",
    "one reading: a nested message with a string, a varint and a zigzag sint64",
    "varints at their edges: 0, 127, 128, 300, u64::MAX, i64::MIN, i64::MAX",
    "a sensor name that is not ASCII: its length counts bytes",
    "flags packed, `last true`, a positive offset",
    "defaults are left out: `flags` with no numbers, `last false`, `offset 0`",
    "a negative offset is a ten-byte varint",
    "a seeded batch of many readings, one with a name of over 127 bytes, with every line",
];

fn reading(sensor: &str, seq: u64, value: i64) -> Reading {
    Reading {
        sensor: sensor.to_string(),
        seq,
        value,
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let name = |g: &Grading| format!("{}-{}", g.rng(|r| r.word(5)), g.rng(|r| r.range(0, 99)));

    g.check(CHECKS[0], async {
        expect_encoding(g, &Batch::default(), &[]).await
    })
    .await?;

    g.check(CHECKS[1], async {
        let value = -(g.rng(|r| r.range(2, 5000)) as i64);
        let batch = Batch {
            readings: vec![reading(&name(g), g.rng(|r| r.range(1, 120)), value)],
            ..Batch::default()
        };
        expect_encoding(g, &batch, &[]).await
    })
    .await?;

    g.check(CHECKS[2], async {
        let s = name(g);
        let batch = Batch {
            readings: vec![
                reading(&s, 0, 0),
                reading(&s, 127, 1),
                reading(&s, 128, -64),
                reading(&s, 300, 64),
                reading(&s, u64::MAX, i64::MIN),
                reading(&s, 1 << 35, i64::MAX),
            ],
            ..Batch::default()
        };
        expect_encoding(g, &batch, &[]).await
    })
    .await?;

    g.check(CHECKS[3], async {
        let names = ["température", "датчик-7", "センサー", "ölçer_°C"];
        let pick = g.rng(|r| r.range(0, names.len() as u64)) as usize;
        let batch = Batch {
            readings: vec![
                reading(names[pick], 1, 21),
                reading(&format!("{}é", name(g)), 2, -3),
            ],
            ..Batch::default()
        };
        expect_encoding(g, &batch, &[]).await
    })
    .await?;

    g.check(CHECKS[4], async {
        let batch = Batch {
            readings: vec![reading(&name(g), 1, 5)],
            flags: vec![0, 1, 127, 128, 300, u32::MAX],
            last: true,
            offset: g.rng(|r| r.range(1, 100_000)) as i32,
        };
        expect_encoding(g, &batch, &["last", "flags", "offset"]).await
    })
    .await?;

    g.check(CHECKS[5], async {
        let batch = Batch {
            readings: vec![reading(&name(g), 2, -2)],
            ..Batch::default()
        };
        expect_encoding(g, &batch, &["offset", "flags", "last"]).await
    })
    .await?;

    g.check(CHECKS[6], async {
        let batch = Batch {
            readings: Vec::new(),
            flags: vec![7],
            last: false,
            offset: -(g.rng(|r| r.range(1, 1000)) as i32),
        };
        expect_encoding(g, &batch, &["offset", "flags"]).await
    })
    .await?;

    g.check(CHECKS[7], async {
        let n = g.rng(|r| r.range(8, 20));
        let readings = (0..n)
            .map(|i| {
                let value = g.rng(|r| r.range(0, 1 << 40)) as i64 - (1 << 39);
                reading(&name(g), i * g.rng(|r| r.range(1, 1 << 20)), value)
            })
            .collect::<Vec<_>>();
        // One sensor's name is long: its length, and its reading's, take
        // two varint bytes (the earlier batches' lengths all fit in one).
        let mut readings = readings;
        let long = g.rng(|r| r.range(0, n)) as usize;
        readings[long].sensor = (0..g.rng(|r| r.range(12, 20)))
            .map(|_| g.rng(|r| r.word(10)))
            .collect::<Vec<_>>()
            .join("-");
        let flags = (0..g.rng(|r| r.range(1, 8)))
            .map(|_| g.rng(|r| r.range(0, 1 << 31)) as u32)
            .collect();
        let batch = Batch {
            readings,
            flags,
            last: true,
            offset: g.rng(|r| r.range(0, 1 << 31)) as i32 - (1 << 30),
        };
        let mut extras = vec!["flags", "last", "offset"];
        g.rng(|r| {
            let i = r.range(0, 3) as usize;
            extras.swap(0, i);
        });
        expect_encoding(g, &batch, &extras).await
    })
    .await
}

/// Runs the program on `batch` as text and compares its output with the
/// canonical bytes.
async fn expect_encoding(g: &Grading, batch: &Batch, extras: &[&str]) -> Result<(), Failure> {
    let input = wire::input_text(batch, extras);
    let shown = input.replace('\'', "'\\''");
    g.reproduce(format!(
        "printf '{}' | {} | xxd",
        shown.replace('\n', "\\n"),
        g.run_command(&[]).trim_start()
    ));
    g.transcript.said(
        crate::report::Who::Netlings,
        None,
        format!(
            "(stdin) {}",
            crate::report::escape_abridged(input.as_bytes(), 400)
        ),
    );
    let mut program = g.start_with_input(&[], Some(input.as_bytes()))?;
    let status = program.wait(g.limits.io).await.ok_or_else(|| {
        Failure::timeout(format!(
            "your program was still running {:.0} s after its input ended",
            g.limits.io.as_secs_f64()
        ))
        .because("read stdin to its end (read_to_string, or lines() until None), write the bytes, and exit")
    })?;
    expect_success(&program, status)?;
    let expected = wire::encode(batch);
    let actual = program.stdout_bytes();
    if actual == expected {
        return Ok(());
    }
    let at = wire::first_difference(&expected, &actual);
    let decoded = match wire::decode(&actual) {
        Ok(b) if b == *batch => "prost decodes your bytes to the same values: only the encoding differs (order, defaults, packing, or a longer varint than needed)".to_string(),
        Ok(b) => format!("prost decodes your bytes as {b:?}"),
        Err(e) => format!("prost cannot decode your bytes: {e}"),
    };
    Err(Failure::mismatch(
        format!(
            "your encoding differs from the canonical one at byte {at}\n\
             the canonical encoding of {batch:?}:\n{}\n\
             your program wrote:\n{}\n{decoded}",
            wire::annotate(&expected),
            wire::annotate(&actual)
        ),
        "the encoding",
        expected.clone(),
        actual.clone(),
    )
    .because(diagnose(batch, &expected, &actual)))
}

/// The likely bug, from what differs.
fn diagnose(batch: &Batch, expected: &[u8], actual: &[u8]) -> &'static str {
    let text = wire::annotate(actual);
    let canonical = wire::annotate(expected);
    let offset_line = |t: &str| {
        t.lines()
            .find(|l| l.contains("field 4 offset"))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
    };
    let non_ascii = batch.readings.iter().any(|r| !r.sensor.is_ascii());
    if non_ascii && actual.len() == expected.len() {
        "lengths count bytes, not characters: `sensor.len()` (UTF-8 bytes), never \
         `chars().count()` - a reader skips exactly that many bytes"
    } else if text.contains("fixed-width") {
        "every integer of this proto is a varint (wire type 0): 7 bits a byte, low bits first, \
         the top bit set on all but the last - never a fixed 4 or 8 bytes"
    } else if text.contains("field 2 flags, VARINT") {
        "repeated scalars are packed in proto3: one field 2 of wire type 2 (LEN) holding all the \
         varints, not one tag per number"
    } else if canonical.contains("zigzag")
        && text.contains("(zigzag of")
        && wire::decode(actual).is_ok()
    {
        "sint64 is zigzag-encoded before the varint: (v << 1) ^ (v >> 63), so -1 is 1, 1 is 2, \
         -2 is 3 - a plain `v as u64` makes every negative number ten bytes and the wrong value"
    } else if canonical.contains("field 4 offset, VARINT: -")
        && offset_line(&canonical) != offset_line(&text)
    {
        "a negative int32 is sign-extended to 64 bits before the varint (`v as i64 as u64`): \
         always ten bytes - its 32-bit pattern (`v as u32`) is another number to a reader"
    } else if actual.len() > expected.len() {
        "leave out every field that has its default value (0, false, an empty string or list); \
         write fields in the order of their numbers"
    } else {
        "write fields in the order of their numbers; lengths count bytes (a UTF-8 `str::len()`), \
         not characters"
    }
}
