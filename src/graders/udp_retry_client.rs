//! `udp_retry_client` — retransmit after a timeout, give up after N tries.
//!
//! Two reference servers, both measuring what they receive: one ignores the
//! first datagrams and answers a later one (the gaps between tries must be
//! about one timeout); one never answers (the client must try exactly
//! `NETLINGS_TRIES` times, then give up, say so, and exit non-zero).
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | UDP may lose a datagram (or, more rarely, deliver it twice), and it never tells you. | — | context |
//! | A client that needs an answer must retransmit. | `retransmits after` | `udp_retry_client__no_retry` |
//! | Write one: | — | the introduction of the steps below |
//! | Send the request datagram — the bytes of `NETLINGS_REQUEST` — to the server at `NETLINGS_ADDR`. | `sends the request datagram` | `udp_retry_client__request_with_newline` |
//! | Wait up to `NETLINGS_TIMEOUT_MS` milliseconds for a reply datagram. | `retransmits after` | `udp_retry_client__micros_not_millis` |
//! | No reply in time? Send the same request again. | `retransmits after` | `udp_retry_client__no_retry` |
//! | Try at most `NETLINGS_TRIES` times in all. | `gives up after` | `udp_retry_client__one_try_too_many` |
//! | On a reply: print its text on one line and exit with status 0. | `prints the reply and exits` | `udp_retry_client__prints_whole_buffer` |
//! | After the last try times out: print `gave up after N tries` (N is `NETLINGS_TRIES`) and exit with a non-zero status. | `gives up after` | `udp_retry_client__one_try_too_many` |

use std::time::{Duration, Instant};

use crate::harness::expect::{
    Race, expect_exit, expect_failure_status, expect_printed, expect_success, race,
};
use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::udp::Socket;

pub const CHECKS: &[&str] = &[
    "sends the request datagram to NETLINGS_ADDR",
    "retransmits after NETLINGS_TIMEOUT_MS (300 ms) without a reply",
    "prints the reply and exits with status 0",
    "gives up after NETLINGS_TRIES tries, says so, exits non-zero",
];

/// Slack on top of the client's own timeout before a wait counts as "never".
const SLACK: Duration = Duration::from_secs(2);

pub async fn grade(g: &Grading) -> Outcome {
    answered_after_losses(g).await?;
    never_answered(g).await
}

async fn answered_after_losses(g: &Grading) -> Outcome {
    let timeout = Duration::from_millis(300);
    let tries = 5;
    let ignored = g.rng(|r| r.range(1, 3)) as usize;
    let request = format!("TIME {}", g.rng(|r| r.word(6)));
    let answer = format!("OK {}", g.rng(|r| r.word(8)));
    let (server, mut program) = g
        .check("sends the request datagram to NETLINGS_ADDR", async {
            let server = Socket::bind(g).await?;
            let program = g.start(&[
                ("NETLINGS_ADDR", server.local_addr().to_string()),
                ("NETLINGS_REQUEST", request.clone()),
                ("NETLINGS_TIMEOUT_MS", timeout.as_millis().to_string()),
                ("NETLINGS_TRIES", tries.to_string()),
            ])?;
            let (first, _) = server
                .recv_from_program(&program, g.limits.ready, "the first request")
                .await?;
            expect_bytes(
                "the request",
                request.as_bytes(),
                &first,
                "the request differs from NETLINGS_REQUEST",
            )?;
            Ok((server, program))
        })
        .await?;

    let from = g
        .check(
            &format!("retransmits after NETLINGS_TIMEOUT_MS ({} ms) without a reply", timeout.as_millis()),
            async {
                g.transcript.event(None, "netlings ignores that datagram (as if it were lost)");
                // Gaps between arrivals, as the kernel stamped them: what
                // the program did, however late netlings read them.
                let mut last = server.last_arrival().unwrap_or_else(Instant::now);
                let mut from = None;
                for n in 1..=ignored {
                    let (bytes, sender) = server
                        .recv(timeout + SLACK)
                        .await
                        .ok_or_else(|| {
                            Failure::fail(format!(
                                "no retransmission: {:.1} s after try {n} went unanswered, your client had not sent again",
                                (timeout + SLACK).as_secs_f64()
                            ))
                            .because("UDP may lose a datagram silently: after the timeout, send the request again")
                        })?;
                    let arrived = server.last_arrival().unwrap_or_else(Instant::now);
                    let gap = arrived.saturating_duration_since(last);
                    if gap < timeout / 2 {
                        return Err(Failure::fail(format!(
                            "try {} came only {} ms after try {n}; the timeout is {} ms",
                            n + 1,
                            gap.as_millis(),
                            timeout.as_millis()
                        ))
                        .because("wait NETLINGS_TIMEOUT_MS for the reply before sending again"));
                    }
                    expect_bytes("the retransmitted request", request.as_bytes(), &bytes, "a retransmission must repeat the request exactly")?;
                    last = arrived;
                    from = Some(sender);
                    if n < ignored {
                        g.transcript.event(None, "netlings ignores that one too");
                    }
                }
                Ok(from.expect("at least one retransmission"))
            },
        )
        .await?;

    g.check("prints the reply and exits with status 0", async {
        server.send_to(answer.as_bytes(), from).await?;
        let status = expect_exit(&mut program, g.limits.io, "netlings answered").await?;
        expect_printed(&program, &answer)?;
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

async fn never_answered(g: &Grading) -> Outcome {
    let timeout = Duration::from_millis(200);
    let tries: usize = g.rng(|r| r.range(2, 5)) as usize;
    let request = format!("TIME {}", g.rng(|r| r.word(6)));
    g.check(
        "gives up after NETLINGS_TRIES tries, says so, exits non-zero",
        async {
            let server = Socket::bind(g).await?;
            let mut program = g.start(&[
                ("NETLINGS_ADDR", server.local_addr().to_string()),
                ("NETLINGS_REQUEST", request.clone()),
                ("NETLINGS_TIMEOUT_MS", timeout.as_millis().to_string()),
                ("NETLINGS_TRIES", tries.to_string()),
            ])?;
            g.transcript.event(None, "this server never answers");
            let limit = timeout * tries as u32 + SLACK + g.limits.ready;
            let started = Instant::now();
            let mut sent = 0usize;
            let status = loop {
                let left = limit.saturating_sub(started.elapsed());
                match race(&program, left, server.recv(left)).await {
                    Race::Exited(status) => break status,
                    Race::Done(Some(_)) => {
                        sent += 1;
                        // Run by hand, its exit is not seen: a try more is.
                        if sent == tries && program.is_by_hand() {
                            sent += usize::from(server.recv(timeout + SLACK).await.is_some());
                            break crate::harness::process::by_hand_status();
                        }
                    }
                    Race::Done(None) | Race::TimedOut => {
                        return Err(Failure::timeout(format!(
                            "your program was still running {:.1} s after it started, having sent {sent} datagrams; \
                             with {tries} tries of {} ms it should have given up long before",
                            limit.as_secs_f64(),
                            timeout.as_millis()
                        )));
                    }
                }
            };
            let _ = expect_exit(&mut program, g.limits.io, "it exited").await;
            // Datagrams sent just before the exit may still be queued.
            while server.recv(Duration::from_millis(50)).await.is_some() {
                sent += 1;
            }
            if sent != tries {
                return Err(Failure::fail(format!(
                    "your program sent {sent} datagram{} before giving up; NETLINGS_TRIES is {tries}",
                    if sent == 1 { "" } else { "s" }
                )));
            }
            expect_printed(&program, &format!("gave up after {tries} tries"))?;
            expect_failure_status(status, "after giving up")
        },
    )
    .await
}
