//! `tcp_echo_server` — RFC 862 echo over TCP, binary-safe, many clients.
//!
//! The script: a line echoes; 1 MiB of random bytes echoes intact while
//! netlings is still sending; after netlings' half-close the rest echoes and
//! the server closes; a second client is served after the first left, and
//! while another is connected; a client that vanishes mid-echo does not take
//! the server down.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Build an echo server (RFC 862): every byte a client sends comes back to it. | `echoes a line` `echoes 1 MiB` | `hostile_speaks_garbage` `tcp_echo_server__text_lines` |
//! | Listen on the address in `NETLINGS_ADDR` (for example `127.0.0.1:41234`). | `listens on NETLINGS_ADDR` | `hostile_listens_elsewhere` |
//! | Accept connections in a loop, and serve each one in its own thread (or tokio task): one quiet client must not block the others. | `serves another client` `serves two clients at once` | `tcp_echo_server__one_client` `tcp_echo_server__sequential` |
//! | Echo exactly the bytes you read: any bytes, not just text. | `echoes 1 MiB` | `tcp_echo_server__text_lines` |
//! | When `read` returns 0, the client has half-closed (it will send no more). Write back whatever is left, then close the connection. | `after the client's half-close` | `tcp_echo_server__ignores_half_close` |
//! | A client that disappears (a failed write) ends its connection, not the server. | `survives a client that vanishes` | `tcp_echo_server__error_ends_server` |
//! | std::net (as below) or tokio::net: your choice. | — | a freedom: the solution uses std::net, a variant tokio |

use std::time::Duration;

use crate::harness::expect::ended_early;
use crate::harness::{Failure, Grading, Outcome, Seen, expect_bytes};
use crate::peers::tcp::{self, Conn};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "echoes a line",
    "echoes 1 MiB of random bytes intact",
    "after the client's half-close, echoes the rest and closes",
    "serves another client after the first one left",
    "serves two clients at once",
    "survives a client that vanishes mid-echo",
];

const BINARY_RULE: &str = "an echo server writes back exactly the bytes it read, as it reads them: \
every byte value, not text, not lines (a String replaces bytes that are not UTF-8)";

/// Why a connection that echoed a line ends before the echo of more.
const ENDED_RULE: &str = "your program ended the connection while netlings was still sending: a \
connection is served in a loop, read then write, until read() returns 0 (the client's half-close); \
an error that ends it early (a failed conversion to text, a read_exact past the end) ends the echo too";

/// Why an echo stops coming while netlings is still sending.
const STALLED_RULE: &str = "the echo stopped coming: write back what each read() returned at once \
(waiting for a newline, or for the whole input, stalls a client that sends more than fits in the \
buffers before it reads)";

/// How long the server must go on serving after a client vanished (it dies
/// of a reset, if it does, within a millisecond or two of it).
const SERVES_ON_FOR: Duration = Duration::from_millis(100);

const VANISH_RULE: &str = "a failed read or write (connection reset, broken pipe) must end that \
connection, not the server: handle the error in the connection's thread or task";

const HALF_CLOSE_RULE: &str = "read() returning 0 means the client has finished sending: \
write back what is left, then close the connection";

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, mut first) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);

    g.reproduce(format!(
        "{run}, then in another terminal: nc 127.0.0.1 7000"
    ));
    g.check("echoes a line", async {
        let line = format!("hello, {}\n", g.rng(|r| r.word(8)));
        first.send(line.as_bytes()).await?;
        let echo = first.recv_exact(line.len(), "the echo of the line").await?;
        expect_bytes(
            "the echo",
            line.as_bytes(),
            &echo,
            "the echo differs from what was sent",
        )
    })
    .await?;

    g.reproduce(format!(
        "{run}, then: head -c 1048576 /dev/urandom > in.bin; nc -N 127.0.0.1 7000 < in.bin > out.bin; cmp in.bin out.bin"
    ));
    g.check("echoes 1 MiB of random bytes intact", async {
        let payload = g.rng(|r| r.bytes(1024 * 1024));
        let echo = first
            .send_while_receiving(&payload, "the echo of 1 MiB of random bytes")
            .await
            .map_err(|f| {
                f.because_when(|seen| seen == Seen::WrongBytes, BINARY_RULE)
                    .because_when(Seen::ended, ENDED_RULE)
                    .because_when(|seen| seen == Seen::Silence, STALLED_RULE)
            })?;
        expect_bytes(
            "the echo of 1 MiB of random bytes",
            &payload,
            &echo,
            "the echo differs: bytes were changed, lost or reordered",
        )
        .map_err(|f| f.because(BINARY_RULE))
    })
    .await?;

    g.check(
        "after the client's half-close, echoes the rest and closes",
        async {
            let tail = g.rng(|r| r.bytes(64 * 1024));
            first.send(&tail).await?;
            first.half_close().await?;
            let echo = first
                .recv_exact(
                    tail.len(),
                    "the echo of the last 64 KiB, sent just before the half-close",
                )
                .await
                .map_err(|f| f.because(HALF_CLOSE_RULE))?;
            expect_bytes(
                "the echo of the last 64 KiB",
                &tail,
                &echo,
                "the echo differs",
            )?;
            first
                .expect_close(g.limits.io, "after netlings' half-close and the full echo")
                .await
                .map_err(|f| f.because(HALF_CLOSE_RULE))
        },
    )
    .await?;

    g.reproduce(format!(
        "{run}, then run `nc 127.0.0.1 7000` twice, one after the other"
    ));
    g.check("serves another client after the first one left", async {
        const KEEP_ACCEPTING: &str =
            "an accept loop keeps accepting: the server must not stop after its first client";
        let mut second = Conn::connect(g, addr)
            .await
            .map_err(|f| f.because(KEEP_ACCEPTING))?;
        // A server on its way out may still complete this connect (the
        // kernel accepts it into the backlog) and then reset it: no echo
        // at all has the same cause as a refused connect.
        echo_line(g, &mut second).await.map_err(|f| {
            if f.mismatch.is_none() {
                f.because(KEEP_ACCEPTING)
            } else {
                f
            }
        })
    })
    .await?;

    g.reproduce(format!(
        "{run}, then `nc 127.0.0.1 7000` in two terminals at once"
    ));
    g.check("serves two clients at once", async {
        let mut idle = Conn::connect(g, addr).await?;
        let mut busy = Conn::connect(g, addr).await?;
        echo_line(g, &mut busy).await.map_err(|f| {
            f.because(format!(
                "connection #{} was open and quiet meanwhile: a server that handles one connection \
                 before accepting the next stalls every other client. Serve each connection in its own thread or task.",
                idle.id
            ))
        })?;
        echo_line(g, &mut idle).await
    })
    .await?;

    g.check("survives a client that vanishes mid-echo", async {
        let mut vanishing = Conn::connect(g, addr).await?;
        let junk = g.rng(|r| r.bytes(256 * 1024));
        // Send without reading, then drop: the kernel resets the connection,
        // and the server's next write fails. That must end one connection,
        // not the server.
        let _ = tokio::time::timeout(Duration::from_millis(500), vanishing.send(&junk)).await;
        drop(vanishing);
        g.transcript.event(
            None,
            "netlings dropped that connection without reading the echo",
        );
        let mut after = Conn::connect(g, addr)
            .await
            .map_err(|f| f.because(VANISH_RULE))?;
        // The server learns of the reset asynchronously, within a moment:
        // it must go on serving for a while after it, not just once.
        let dropped = std::time::Instant::now();
        while dropped.elapsed() < SERVES_ON_FOR {
            echo_line(g, &mut after)
                .await
                .map_err(|f| f.because(VANISH_RULE))?;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if let Some(status) = program.exit_status() {
            return Err(
                ended_early(&program, status, "after netlings dropped a connection")
                    .because(VANISH_RULE),
            );
        }
        Ok(())
    })
    .await?;

    drop(program);
    Ok(())
}

async fn echo_line(g: &Grading, conn: &mut Conn) -> Result<(), Failure> {
    let line = format!("{} {}\n", g.rng(|r| r.word(5)), g.rng(|r| r.word(7)));
    conn.send(line.as_bytes()).await?;
    let echo = conn
        .recv_exact(line.len(), &format!("the echo on connection #{}", conn.id))
        .await?;
    expect_bytes(
        "the echo",
        line.as_bytes(),
        &echo,
        "the echo differs from what was sent",
    )
}
