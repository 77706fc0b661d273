//! `concurrent_server` — the line protocol, many clients at once, idle
//! connections closed after `NETLINGS_IDLE_TIMEOUT_MS`.
//!
//! First run (timeout far away): a slowloris connection trickles a request
//! that never ends while ten clients connect and are asked last-first. Second
//! run (a short timeout): an idle connection must close after the timeout -
//! not before, not much after - while a connection that keeps talking stays.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | A blocking `read` waits until its client sends something — maybe never. | — | context |
//! | A server that serves one connection at a time is then stuck, and so is every other client. | — | context: the bug the rows below catch |
//! | Serve the `line_protocol` protocol again, this time: | — | the introduction of the list below |
//! | to many clients at once: one slow or idle client must not delay the others (a thread per connection, or a tokio task per connection); | `serves 10 clients` | `concurrent_server__sequential_with_timeout` |
//! | closing a connection that has been idle (no bytes received) for longer than `NETLINGS_IDLE_TIMEOUT_MS` milliseconds. | `closes a connection idle` `keeps open a connection` | `concurrent_server__no_timeout` `concurrent_server__lifetime_timeout` |
//! | The protocol, as in `line_protocol`: requests `ADD a b` / `MUL a b` (i64) one per line, reply the decimal result as a line; many requests per connection. | `serves 10 clients` | `concurrent_server__i32_numbers` |
//! | Listen on `NETLINGS_ADDR`. | `listens on NETLINGS_ADDR` | `concurrent_server__ipv6_loopback` |

use std::time::{Duration, Instant};

use crate::harness::{Failure, Grading, Outcome};
use crate::peers::calculator::{Request, ask};
use crate::peers::tcp::{self, Conn};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "serves 10 clients, last first, while another trickles a request that never ends",
    "listens on NETLINGS_ADDR",
    "closes a connection idle for NETLINGS_IDLE_TIMEOUT_MS (800 ms), not before",
    "keeps open a connection that talks more often than the timeout",
];

/// Idle timeout of the first run: never reached while it is graded.
const FAR_AWAY_MS: u64 = 120_000;
/// Idle timeout of the second run.
const IDLE_MS: u64 = 800;
const CLIENTS: usize = 10;

pub async fn grade(g: &Grading) -> Outcome {
    concurrency(g).await?;
    idle_timeout(g).await
}

async fn concurrency(g: &Grading) -> Outcome {
    let env = [("NETLINGS_IDLE_TIMEOUT_MS", FAR_AWAY_MS.to_string())];
    let (program, addr, slowloris) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &env))
        .await?;
    let run = g.run_command(&[
        ("NETLINGS_ADDR", "127.0.0.1:7000"),
        ("NETLINGS_IDLE_TIMEOUT_MS", "60000"),
    ]);
    g.reproduce(format!("{run}, then open `nc 127.0.0.1 7000` in one terminal, type nothing, and `nc 127.0.0.1 7000` in another"));

    g.check(
        &format!("serves {CLIENTS} clients, last first, while another trickles a request that never ends"),
        async {
            let slow_id = slowloris.id;
            // The slowloris: a request that never ends, one digit at a time,
            // so the connection is never idle and never complete.
            let _trickle = slowloris.trickle(b"ADD 1 ", b"9", Duration::from_millis(100));
            let mut clients = Vec::new();
            for _ in 0..CLIENTS {
                clients.push(Conn::connect(g, addr).await?);
            }
            for client in clients.iter_mut().rev() {
                ask(client, &g.rng(Request::random)).await.map_err(|f| {
                    f.because(format!(
                        "connection #{slow_id} was busy sending a request that never ends: a server that \
                         serves one connection at a time is stuck on it, and every other client waits. \
                         Give each connection its own thread or task."
                    ))
                })?;
            }
            Ok(())
        },
    )
    .await?;
    drop(program);
    Ok(())
}

async fn idle_timeout(g: &Grading) -> Outcome {
    let idle = Duration::from_millis(IDLE_MS);
    let env = [("NETLINGS_IDLE_TIMEOUT_MS", IDLE_MS.to_string())];
    let (program, addr, mut quiet) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &env))
        .await?;
    let run = g.run_command(&[
        ("NETLINGS_ADDR", "127.0.0.1:7000"),
        ("NETLINGS_IDLE_TIMEOUT_MS", "3000"),
    ]);
    g.reproduce(format!(
        "{run}, then `nc 127.0.0.1 7000`: send one request and wait"
    ));

    g.check(
        &format!("closes a connection idle for NETLINGS_IDLE_TIMEOUT_MS ({IDLE_MS} ms), not before"),
        async {
            ask(&mut quiet, &g.rng(Request::random)).await?;
            let since = Instant::now();
            g.transcript.event(Some(quiet.id), "netlings stays silent");
            let slack = Duration::from_secs(3);
            quiet
                .expect_close(idle + slack, &format!("{IDLE_MS} ms of silence later"))
                .await
                .map_err(|f| {
                    f.because(format!(
                        "NETLINGS_IDLE_TIMEOUT_MS is {IDLE_MS}: a read that waits longer than that should give up and close the connection \
                         (set_read_timeout, or tokio::time::timeout around the read)"
                    ))
                })?;
            let after = since.elapsed();
            // The server's clock starts when it has read the request, which is
            // before netlings read the reply: allow a fifth for that.
            if after < idle * 4 / 5 {
                return Err(Failure::fail(format!(
                    "the connection closed after {} ms of silence, before the idle timeout of {IDLE_MS} ms",
                    after.as_millis()
                )));
            }
            Ok(())
        },
    )
    .await?;

    g.check("keeps open a connection that talks more often than the timeout", async {
        let mut busy = Conn::connect(g, addr).await?;
        let started = Instant::now();
        // Requests every quarter timeout, for twice the timeout: a server
        // that times out the connection's whole life (not its silences)
        // closes it midway.
        while started.elapsed() < idle * 2 {
            ask(&mut busy, &g.rng(Request::random)).await.map_err(|f| {
                f.because(format!(
                    "this connection was never silent for {IDLE_MS} ms: the timeout is for idleness, \
                     so each request restarts it"
                ))
            })?;
            tokio::time::sleep(idle / 4).await;
        }
        Ok(())
    })
    .await?;
    drop(program);
    Ok(())
}
