//! `send_all` — a large payload to a slow reader, every byte.
//!
//! The reference server reads through a small receive buffer, starts late
//! and reads in small paced steps. The payload is four times the largest
//! send buffer the kernel grants, so one `write` — which returns after
//! filling the send buffer — can never carry it all, however fast the
//! machine: a single `write` whose count is ignored fails every time.
//! (A *blocking* std socket's `write` waits until it has sent everything on
//! Linux, which is correct on the wire and passes.)

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{client_exit, expect_printed, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::report::size;

/// The receive buffer of the slow reader: small, so the window stays small.
const RECV_BUFFER: u32 = 64 * 1024;
/// How long the server waits before its first read, and between reads.
const FIRST_READ_AFTER: Duration = Duration::from_millis(100);
const READ_PAUSE: Duration = Duration::from_millis(2);

/// Four times the largest send buffer the kernel autotunes to (tcp_wmem),
/// between 8 and 64 MiB.
fn payload_size() -> usize {
    let wmem_max = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .nth(2)
                .and_then(|v| v.parse::<usize>().ok())
        })
        .unwrap_or(4 * 1024 * 1024);
    (4 * wmem_max).clamp(8 << 20, 64 << 20)
}

fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

pub async fn grade(g: &Grading) -> Outcome {
    let total = payload_size();
    let (mut program, mut conn) = g
        .check("connects to NETLINGS_ADDR", async {
            let socket = tokio::net::TcpSocket::new_v4()
                .and_then(|s| {
                    s.set_recv_buffer_size(RECV_BUFFER)?;
                    s.bind("127.0.0.1:0".parse().expect("an address"))?;
                    Ok(s)
                })
                .map_err(|e| Failure::error(format!("netlings cannot set up its server: {e}")))?;
            let listener = socket
                .listen(8)
                .map_err(|e| Failure::error(format!("netlings cannot listen: {e}")))?;
            let addr = listener
                .local_addr()
                .map_or(String::new(), |a| a.to_string());
            let program = g.start(&[
                ("NETLINGS_ADDR", addr),
                ("NETLINGS_SIZE", total.to_string()),
            ])?;
            let conn = super::accept_client(g, &program, &listener, "NETLINGS_ADDR").await?;
            Ok((program, conn.into_stream()))
        })
        .await?;

    g.check(&format!("delivers all {} of the payload, intact", size(total)), async {
        tokio::time::sleep(FIRST_READ_AFTER).await;
        g.transcript.event(None, format!("netlings reads slowly: 64 KiB at a time, through a {} receive buffer", size(RECV_BUFFER as usize)));
        let mut buf = vec![0u8; 64 * 1024];
        let mut received = 0usize;
        loop {
            let n = match tokio::time::timeout(g.limits.io, conn.read(&mut buf)).await {
                Err(_) => {
                    return Err(Failure::timeout(format!(
                        "received {} of {}, then nothing for {} s",
                        size(received),
                        size(total),
                        g.limits.io.as_secs()
                    ))
                    .because("send the rest, then shut down the sending side so the server sees the end"));
                }
                Ok(Err(e)) => {
                    return Err(Failure::fail(format!(
                        "after {} of {}, reading failed: {e}",
                        size(received),
                        size(total)
                    )));
                }
                Ok(Ok(n)) => n,
            };
            if n == 0 {
                break;
            }
            if let Some(bad) = (0..n).find(|&k| buf[k] != pattern(received + k)) {
                let at = received + bad;
                let from = bad.saturating_sub(16);
                let to = (bad + 16).min(n);
                return Err(Failure::mismatch(
                    format!("byte {at} of the payload is wrong"),
                    format!("payload bytes {}..{}", received + from, received + to),
                    (from..to).map(|k| pattern(received + k)).collect::<Vec<u8>>(),
                    buf[from..to].to_vec(),
                ));
            }
            received += n;
            if received > total {
                return Err(Failure::fail(format!(
                    "received {} — more than the {} of NETLINGS_SIZE",
                    size(received),
                    size(total)
                )));
            }
            tokio::time::sleep(READ_PAUSE).await;
        }
        g.transcript.event(None, format!("netlings received {received} bytes, then EOF"));
        if received < total {
            let mut failure = Failure::fail(format!(
                "received only {} of the {} payload, then your client closed its side",
                size(received),
                size(total)
            ));
            failure = failure.because(
                "write() sends what fits in the socket's buffer right now and returns that count; \
                 the rest is never sent unless you write it. write_all() loops until every byte is sent.",
            );
            return Err(failure);
        }
        conn.write_all(format!("OK {received}\n").as_bytes())
            .await
            .map_err(|e| {
                Failure::fail(format!("netlings could not send its reply: {e}"))
                    .because("shut down only the sending side (shutdown()), then read the reply before closing")
            })?;
        let _ = conn.shutdown().await;
        Ok(())
    })
    .await?;

    g.check(
        "prints the server's reply `OK <bytes>` and exits with status 0",
        async {
            let status = client_exit(&mut program, g.limits.io, "netlings replied").await?;
            let expected = format!("OK {total}");
            expect_printed(&program, &expected)?;
            expect_success(&program, status)
        },
    )
    .await?;
    Ok(())
}
