//! `concurrent_server` — the line protocol, many clients at once, idle
//! connections closed after `NETLINGS_IDLE_TIMEOUT_MS`.
//!
//! First run (timeout far away): a slowloris connection trickles a request
//! that never ends while ten clients connect and are asked last-first. Second
//! run (a short timeout): an idle connection must close after the timeout -
//! not before, not much after - while a connection that keeps talking stays.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

use super::line_protocol::{expect_reply, random_request};
use super::start_tcp_server;
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::tcp::Conn;

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
    let (program, addr, slowloris) =
        start_tcp_server(g, &[("NETLINGS_IDLE_TIMEOUT_MS", FAR_AWAY_MS.to_string())]).await?;
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
            let mut stream = slowloris.into_stream();
            let trickle = tokio::spawn(async move {
                let _ = stream.write_all(b"ADD 1 ").await;
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if stream.write_all(b"9").await.is_err() {
                        return;
                    }
                }
            });
            g.transcript.event(Some(slow_id), "netlings sends `ADD 1 ` and then one digit every 100 ms, never a newline");
            let result = async {
                let mut clients = Vec::new();
                for _ in 0..CLIENTS {
                    clients.push(Conn::connect(g, addr).await?);
                }
                for client in clients.iter_mut().rev() {
                    let request = g.rng(random_request);
                    client.send(request.line.as_bytes()).await?;
                    expect_reply(client, &request).await.map_err(|f| {
                        f.because(format!(
                            "connection #{slow_id} was busy sending a request that never ends: a server that \
                             serves one connection at a time is stuck on it, and every other client waits. \
                             Give each connection its own thread or task."
                        ))
                    })?;
                }
                Ok(())
            }
            .await;
            trickle.abort();
            result
        },
    )
    .await?;
    drop(program);
    Ok(())
}

async fn idle_timeout(g: &Grading) -> Outcome {
    let idle = Duration::from_millis(IDLE_MS);
    let (program, addr, mut quiet) =
        start_tcp_server(g, &[("NETLINGS_IDLE_TIMEOUT_MS", IDLE_MS.to_string())]).await?;
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
            let request = g.rng(random_request);
            quiet.send(request.line.as_bytes()).await?;
            expect_reply(&mut quiet, &request).await?;
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
            let request = g.rng(random_request);
            busy.send(request.line.as_bytes()).await?;
            expect_reply(&mut busy, &request).await.map_err(|f| {
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
