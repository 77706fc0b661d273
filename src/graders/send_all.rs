//! `send_all` — a large payload to a slow reader, every byte.
//!
//! The reference server reads through a small receive buffer, starts late
//! and reads in small paced steps. The payload is four times the largest
//! send buffer the kernel grants, so one `write` — which returns after
//! filling the send buffer — can never carry it all, however fast the
//! machine: a single `write` whose count is ignored fails every time.
//! (A *blocking* std socket's `write` waits until it has sent everything on
//! Linux, which is correct on the wire and passes.)
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | This client sends a large payload to a server that reads slowly, and it has a bug: the server receives only part of the payload. | `delivers all` | `send_all__single_write` |
//! | Find and fix it. | `delivers all` | `send_all__single_write` |
//! | The protocol: | — | the introduction of the steps below |
//! | Connect to `NETLINGS_ADDR`. | `connects to NETLINGS_ADDR` | `send_all__wrong_variable` |
//! | Send the `NETLINGS_SIZE` bytes that `payload` below makes. | `delivers all` | `send_all__wrong_pattern` |
//! | Shut down the sending side (`shutdown()`), so the server sees EOF. | `delivers all` | `send_all__no_half_close` |
//! | Read the server's one-line reply (`OK <bytes received>`), print it, and exit with status 0. | `prints the server's reply` | `send_all__short_reply_buffer` |

use std::time::Duration;

use crate::harness::expect::{expect_exit, expect_printed, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::tcp::SlowReader;
use crate::report::size;

pub const CHECKS: &[&str] = &[
    "connects to NETLINGS_ADDR",
    "delivers all of the payload (NETLINGS_SIZE bytes), intact",
    "prints the server's reply `OK <bytes>` and exits with status 0",
];

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

/// The payload's byte at `offset`: a pattern of 251 values (a prime, so a
/// lost or repeated 2^n-byte block never lines up again).
fn pattern(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// The piece of the payload that arrived at `offset` is the pattern, and
/// not past its end.
fn check_piece(offset: usize, piece: &[u8], total: usize) -> Result<(), Failure> {
    if let Some(bad) = (0..piece.len()).find(|&k| piece[k] != pattern(offset + k)) {
        let at = offset + bad;
        let from = bad.saturating_sub(16);
        let to = (bad + 16).min(piece.len());
        return Err(Failure::mismatch(
            format!("byte {at} of the payload is wrong"),
            format!("payload bytes {}..{}", offset + from, offset + to),
            (from..to).map(|k| pattern(offset + k)).collect::<Vec<u8>>(),
            piece[from..to].to_vec(),
        ));
    }
    if offset + piece.len() > total {
        return Err(Failure::fail(format!(
            "received {} — more than the {} of NETLINGS_SIZE",
            size(offset + piece.len()),
            size(total)
        )));
    }
    Ok(())
}

pub async fn grade(g: &Grading) -> Outcome {
    let total = payload_size();
    let (mut program, mut conn) = g
        .check("connects to NETLINGS_ADDR", async {
            let server = SlowReader::listen(RECV_BUFFER)?;
            let program = g.start(&[
                ("NETLINGS_ADDR", server.addr()),
                ("NETLINGS_SIZE", total.to_string()),
            ])?;
            let conn = server.accept(g, &program, "NETLINGS_ADDR").await?;
            Ok((program, conn))
        })
        .await?;

    g.check(
        "delivers all of the payload (NETLINGS_SIZE bytes), intact",
        async {
            let received = conn
                .read_slowly(total, FIRST_READ_AFTER, READ_PAUSE, |offset, piece| {
                    check_piece(offset, piece, total)
                })
                .await
                .map_err(|f| {
                    if f.status == crate::report::Status::Timeout {
                        f.because("send the rest, then shut down the sending side so the server sees the end")
                    } else {
                        f
                    }
                })?;
            if received < total {
                return Err(Failure::fail(format!(
                    "received only {} of the {} payload, then your client closed its side",
                    size(received),
                    size(total)
                ))
                .because(
                    "write() sends what fits in the socket's buffer right now and returns that count; \
                     the rest is never sent unless you write it. write_all() loops until every byte is sent.",
                ));
            }
            conn.reply(format!("OK {received}\n").as_bytes())
                .await
                .map_err(|f| {
                    f.because("shut down only the sending side (shutdown()), then read the reply before closing")
                })
        },
    )
    .await?;

    g.check(
        "prints the server's reply `OK <bytes>` and exits with status 0",
        async {
            let status = expect_exit(&mut program, g.limits.io, "netlings replied").await?;
            expect_printed(&program, &format!("OK {total}"))?;
            expect_success(&program, status)
        },
    )
    .await?;
    Ok(())
}
