//! `client_timeouts` — a client that gives up when the server never answers.
//!
//! Two reference servers: one answers `PONG <token>` after a short pause (the
//! client must wait for it and print it); one accepts, reads the PING, and
//! never answers (the client must give up after its timeout - not much
//! before, not much after - print `timeout`, and exit non-zero).
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | A blocking read waits until data comes — forever, if the server accepted the connection and then hung. | — | context |
//! | Write a client that gives up in time: | — | the introduction of the steps below |
//! | Connect to `NETLINGS_ADDR` and send the line `PING\n`. | `` connects and sends `PING` `` | `client_timeouts__ping_without_newline` |
//! | Wait for one reply line, `PONG <token>`, for at most `NETLINGS_TIMEOUT_MS` milliseconds. | `prints the reply of a server` `gives up after` | `client_timeouts__micros_for_millis` `client_timeouts__no_timeout` |
//! | If it comes: print it (`PONG <token>`) and exit with status 0. | `prints the reply of a server` | `client_timeouts__micros_for_millis` |
//! | If it does not: print `timeout` and exit with a non-zero status. | `gives up after` | `client_timeouts__exits_zero` |

use std::time::{Duration, Instant};

use crate::harness::expect::{expect_exit, expect_failure_status, expect_printed, expect_success};
use crate::harness::net::listen;
use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::tcp::Conn;

pub const CHECKS: &[&str] = &[
    "connects and sends `PING`",
    "prints the reply of a server that answers in time",
    "gives up after NETLINGS_TIMEOUT_MS (600 ms) when the server never answers",
];

const SLACK: Duration = Duration::from_secs(3);

pub async fn grade(g: &Grading) -> Outcome {
    answered(g).await?;
    never_answered(g).await
}

async fn answered(g: &Grading) -> Outcome {
    let token = g.rng(|r| r.word(10));
    let (mut program, mut conn) = g
        .check("connects and sends `PING`", async {
            let listener = listen(g).await?;
            let program = g.start(&[
                (
                    "NETLINGS_ADDR",
                    listener
                        .local_addr()
                        .map_or(String::new(), |a| a.to_string()),
                ),
                ("NETLINGS_TIMEOUT_MS", "3000".to_string()),
            ])?;
            let mut conn = Conn::accept(g, &program, &listener, "NETLINGS_ADDR").await?;
            let line = conn.recv_line("the PING line").await?;
            expect_bytes(
                "the request",
                b"PING\n",
                &line,
                "the request must be the line `PING`",
            )?;
            Ok((program, conn))
        })
        .await?;
    g.check("prints the reply of a server that answers in time", async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let reply = format!("PONG {token}\n");
        conn.send(reply.as_bytes()).await?;
        let status = expect_exit(&mut program, g.limits.io, "netlings answered").await?;
        expect_printed(&program, reply.trim())?;
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

async fn never_answered(g: &Grading) -> Outcome {
    let timeout = Duration::from_millis(600);
    g.check(
        &format!("gives up after NETLINGS_TIMEOUT_MS ({} ms) when the server never answers", timeout.as_millis()),
        async {
            let listener = listen(g).await?;
            let mut program = g.start(&[
                ("NETLINGS_ADDR", listener.local_addr().map_or(String::new(), |a| a.to_string())),
                ("NETLINGS_TIMEOUT_MS", timeout.as_millis().to_string()),
            ])?;
            let mut conn = Conn::accept(g, &program, &listener, "NETLINGS_ADDR").await?;
            let accepted = Instant::now();
            let _ = conn.recv_line("the PING line").await?;
            g.transcript.event(Some(conn.id), "netlings reads the PING and never answers");
            let status = expect_exit(&mut program, timeout + SLACK, "its connection was accepted")
                .await
                .map_err(|f| {
                    f.because(format!(
                        "its timeout was {} ms: without a read timeout, a read waits forever for a server that \
                         never answers (set_read_timeout, or tokio::time::timeout)",
                        timeout.as_millis()
                    ))
                })?;
            let waited = accepted.elapsed();
            if waited < timeout / 2 {
                return Err(Failure::fail(format!(
                    "your program gave up after {} ms; its timeout is {} ms",
                    waited.as_millis(),
                    timeout.as_millis()
                )));
            }
            expect_printed(&program, "timeout")?;
            expect_failure_status(status, "after a timeout")?;
            drop(conn);
            Ok(())
        },
    )
    .await
}
