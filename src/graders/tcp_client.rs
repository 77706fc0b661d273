//! `tcp_client` — connect, send `HELLO <name>\n`, read the reply to EOF, print it.
//!
//! netlings is the server: it checks the request line byte for byte, sends a
//! multi-line reply in three parts 100 ms apart (so one `read` cannot see it
//! all), closes, and compares stdout with what it sent.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write a client for a tiny greeting protocol: | — | the introduction of the steps below |
//! | Connect to the server at `NETLINGS_ADDR` (for example `127.0.0.1:41234`). | `connects to NETLINGS_ADDR` | `tcp_client__ipv6_loopback` |
//! | Send one request line: `HELLO <name>\n`, where `<name>` is the value of `NETLINGS_NAME`. | `sends the request line` | `tcp_client__no_newline` `hostile_client_hangs_silently` |
//! | Read the server's reply until the server closes the connection (EOF). | `prints the whole reply` | `tcp_client__one_read` |
//! | The reply is several lines and arrives in pieces, with pauses between. | — | what netlings' server does: the reason for the sentence above |
//! | Print the reply to stdout exactly as received, and exit with status 0. | `prints the whole reply` | `tcp_client__one_read` |

use std::time::Duration;

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::net::listen;
use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::tcp::Conn;

pub const CHECKS: &[&str] = &[
    "connects to NETLINGS_ADDR",
    "sends the request line `HELLO <name>`",
    "prints the whole reply, read until the server closes",
];

/// The pause between the parts of the reply: the reply arrives in pieces, as
/// replies from real servers do.
const PAUSE: Duration = Duration::from_millis(100);

pub async fn grade(g: &Grading) -> Outcome {
    let name = g.rng(|r| r.word(6));
    let (mut program, mut conn) = g
        .check("connects to NETLINGS_ADDR", async {
            let listener = listen(g).await?;
            let addr = listener
                .local_addr()
                .map_or(String::new(), |a| a.to_string());
            let program = g.start(&[
                ("NETLINGS_ADDR", addr.clone()),
                ("NETLINGS_NAME", name.clone()),
            ])?;
            let conn = Conn::accept(g, &program, &listener, "NETLINGS_ADDR").await?;
            Ok((program, conn))
        })
        .await?;
    g.reproduce(format!(
        "printf 'Welcome!\\nbye\\n' | nc -l 127.0.0.1 7000 & {}",
        g.run_command(&[
            ("NETLINGS_ADDR", "127.0.0.1:7000"),
            ("NETLINGS_NAME", &name)
        ])
    ));

    g.check("sends the request line `HELLO <name>`", async {
        let expected = format!("HELLO {name}\n");
        let line = conn.recv_line("the request line").await.map_err(|f| {
            f.because("the request is one line: `HELLO <NETLINGS_NAME>` followed by `\\n`")
        })?;
        expect_bytes(
            "the request line",
            expected.as_bytes(),
            &line,
            "the request line differs from the protocol's",
        )
    })
    .await?;

    let parts = [
        format!("Welcome, {name}!\n"),
        format!(
            "Today's words: {}\n",
            g.rng(|r| (0..300).map(|_| r.word(6)).collect::<Vec<_>>().join(" "))
        ),
        format!("bye {}\n", g.rng(|r| r.word(8))),
    ];
    let reply = parts.concat();
    g.check(
        "prints the whole reply, read until the server closes",
        async {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    tokio::time::sleep(PAUSE).await;
                }
                // A client that stopped reading early resets the connection:
                // what it printed is then the verdict.
                if conn.send(part.as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = conn.half_close().await;
            let status =
                expect_exit(&mut program, g.limits.io, "netlings closed the connection").await?;
            if program.not_judged("whether it printed the whole reply") {
                return Ok(());
            }
            let printed = program.stdout_bytes();
            let trimmed = trim_newlines(&printed);
            if trimmed != trim_newlines(reply.as_bytes()) {
                let mut failure = Failure::mismatch(
                    "what your program printed differs from the reply netlings sent",
                    "the reply",
                    reply.as_bytes(),
                    printed.clone(),
                );
                if !trimmed.is_empty() && reply.as_bytes().starts_with(trimmed) {
                    failure = failure.because(
                    "you printed only the beginning: one read() returns what has arrived so far, \
                     not the whole reply. Read until read() returns 0 (read_to_end).",
                );
                }
                return Err(failure);
            }
            expect_success(&program, status)
        },
    )
    .await?;
    Ok(())
}

/// Bytes without trailing newlines (`println!` of the reply adds one).
fn trim_newlines(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |i| i + 1);
    &bytes[..end]
}
