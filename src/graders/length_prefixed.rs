//! `length_prefixed` — 4-byte big-endian length, then the payload; the reply
//! is the payload reversed; a length over 1 MiB closes that connection.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Another way to frame messages on a byte stream: put each message's length in front of it. | — | context |
//! | Build a server for this protocol: | — | the introduction of the list below |
//! | A frame is a 4-byte **big-endian** unsigned length `n`, then `n` bytes of payload (any bytes). | `replies to a frame` `reads a frame sent one byte per write` `handles a 1 MiB frame` | `length_prefixed__little_endian` `length_prefixed__read_not_read_exact` |
//! | The reply to each frame is a frame holding the same payload reversed (`hello` → `olleh`). | `replies to a frame` `answers an empty frame` | `length_prefixed__little_endian` `length_prefixed__empty_closes` |
//! | A length over 1 MiB (1 048 576) is a broken client: close that connection without a reply. | `closes a connection that announces more` | `length_prefixed__no_limit` |
//! | Other connections carry on. | `closes a connection that announces more` | `length_prefixed__limit_ends_server` |
//! | A connection carries any number of frames. | `answers three frames` | `length_prefixed__bufreader_per_frame` |
//! | Listen on `NETLINGS_ADDR`. | `listens on NETLINGS_ADDR` | `length_prefixed__ipv6_loopback` |

use crate::harness::expect::ended_early;
use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::tcp::{self, Conn};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "replies to a frame with its payload reversed",
    "reads a frame sent one byte per write (header included)",
    "answers three frames sent in one write, in order",
    "answers an empty frame with an empty frame",
    "handles a 1 MiB frame of binary data (the largest allowed)",
    "closes a connection that announces more than 1 MiB, and only that one",
];

const MAX_FRAME: usize = 1024 * 1024;

/// How long a program whose connection just ended may take to be seen
/// exiting, when it did exit (it is reaped within a moment of its end).
const EXIT_SEEN_WITHIN: std::time::Duration = std::time::Duration::from_millis(500);

const ENDIANNESS: &str = "the length is big-endian (network byte order): the header 00 00 00 05 \
means 5. Read as little-endian it means 83 886 080, and a server waits for bytes that never come. \
Decode it with u32::from_be_bytes.";

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

/// Receives one reply frame and checks it holds `payload` reversed.
async fn expect_reversed(conn: &mut Conn, payload: &[u8], what: &str) -> Result<(), Failure> {
    let header = conn
        .recv_exact(4, &format!("the 4-byte header of the reply to {what}"))
        .await?;
    let mut reversed = payload.to_vec();
    reversed.reverse();
    expect_bytes(
        "the reply's length header",
        &(payload.len() as u32).to_be_bytes(),
        &header,
        format!("the reply to {what} has the wrong length header"),
    )?;
    let body = conn
        .recv_exact(
            payload.len(),
            &format!("the payload of the reply to {what}"),
        )
        .await?;
    expect_bytes(
        "the reversed payload",
        &reversed,
        &body,
        format!("the reply to {what} is not its payload reversed"),
    )
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, mut conn) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    g.reproduce(format!(
        "{}, then: printf '\\x00\\x00\\x00\\x05hello' | nc 127.0.0.1 7000 | xxd",
        g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")])
    ));

    g.check("replies to a frame with its payload reversed", async {
        let payload = format!("hello {}", g.rng(|r| r.word(8)));
        conn.send(&frame(payload.as_bytes())).await?;
        expect_reversed(&mut conn, payload.as_bytes(), "a 14-byte frame")
            .await
            .map_err(|f| f.because(ENDIANNESS))
    })
    .await?;

    g.check("reads a frame sent one byte per write (header included)", async {
        let payload = g.rng(|r| r.bytes(9));
        conn.send_in_pieces(&frame(&payload), 1).await?;
        expect_reversed(&mut conn, &payload, "a frame sent byte by byte")
            .await
            .map_err(|f| f.because("read_exact reads exactly n bytes however they arrive; one read() may return fewer"))
    })
    .await?;

    g.check("answers three frames sent in one write, in order", async {
        let payloads: Vec<Vec<u8>> = (0..3).map(|i| g.rng(|r| r.bytes(5 + i * 7))).collect();
        let all: Vec<u8> = payloads.iter().flat_map(|p| frame(p)).collect();
        conn.send(&all).await?;
        for (i, payload) in payloads.iter().enumerate() {
            expect_reversed(&mut conn, payload, &format!("frame {} of 3", i + 1)).await?;
        }
        Ok(())
    })
    .await?;

    g.check("answers an empty frame with an empty frame", async {
        conn.send(&frame(b"")).await?;
        expect_reversed(&mut conn, b"", "an empty frame").await
    })
    .await?;

    g.check("handles a 1 MiB frame of binary data (the largest allowed)", async {
        let payload = g.rng(|r| r.bytes(MAX_FRAME));
        conn.send(&frame(&payload)).await?;
        expect_reversed(&mut conn, &payload, "a 1 MiB frame")
            .await
            .map_err(|f| f.because("a length of exactly 1 MiB (1 048 576) is allowed; only longer ones are refused"))
    })
    .await?;

    g.check("closes a connection that announces more than 1 MiB, and only that one", async {
        let mut bystander = Conn::connect(g, addr).await?;
        let absurd = g.rng(|r| r.range(MAX_FRAME as u64 + 1, u64::from(u32::MAX))) as u32;
        g.transcript.event(Some(conn.id), format!("netlings announces a frame of {absurd} bytes and sends no payload"));
        conn.send(&absurd.to_be_bytes()).await?;
        conn.expect_close(g.limits.io, &format!("after a header announcing {absurd} bytes"))
            .await
            .map_err(|f| {
                f.because("check the length against the 1 MiB limit before reading (or allocating) the payload, and close the connection")
            })?;
        let payload = g.rng(|r| r.bytes(32));
        bystander.send(&frame(&payload)).await?;
        let Err(failure) = expect_reversed(&mut bystander, &payload, "a frame on another connection").await else {
            return Ok(());
        };
        // The other connection ended: did the whole program?
        if failure.seen.ended()
            && let Ok(status) = tokio::time::timeout(EXIT_SEEN_WITHIN, program.exited()).await
        {
            return Err(ended_early(&program, status, &format!("after a header announcing {absurd} bytes on another connection"))
                .because("one broken client must not harm the others: close its connection, not the server"));
        }
        Err(failure.because("one broken client must not harm the others"))
    })
    .await?;
    drop(program);
    Ok(())
}
