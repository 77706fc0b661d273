//! `http_timeouts` — a request to a server that never answers must end in
//! the client's own timeout.
//!
//! Two runs. In the first, the report takes 300 ms, well within
//! `NETLINGS_TIMEOUT_MS` (2 s): the program must wait for it and print it.
//! In the second, the server reads the request and never answers: the
//! program must give up after about `NETLINGS_TIMEOUT_MS` (800 ms), print
//! `timeout` and exit non-zero. A program that waits on is stopped by
//! netlings, with the verdict that it hung.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | This client works - until the server accepts the request and never answers. Then it waits forever: reqwest's async `Client` has no timeout unless you give it one. | — | context: the stub's bug, which the rows below judge |
//! | Make it give up in time: | `gives up after` | `http_timeouts__no_timeout` |
//! | GET `<NETLINGS_BASE_URL>/v1/reports/<NETLINGS_REPORT>`. | `prints the report` | `http_timeouts__report_as_query` |
//! | If the answer comes within `NETLINGS_TIMEOUT_MS` milliseconds, print its body (one line of JSON) and exit with status 0. | `prints the report` | `http_timeouts__fixed_250ms` |
//! | If it does not, give up: print `timeout` and exit with a non-zero status. | `gives up after` | `http_timeouts__no_timeout` `http_timeouts__connect_timeout_only` `http_timeouts__keeps_a_margin` |

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::expect::{expect_exit, expect_failure_status, expect_line, expect_success};
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::http::{Reply, Server, expect_printed_json};

pub const CHECKS: &[&str] = &[
    "prints the report when the server answers within NETLINGS_TIMEOUT_MS (2000 ms)",
    "gives up after NETLINGS_TIMEOUT_MS (800 ms) when the server never answers: prints `timeout`, exits non-zero",
];

/// How long past its timeout a program may take before it counts as hung.
const SLACK: Duration = Duration::from_secs(3);

/// How much sooner than its timeout a program may seem to give up: clocks
/// tick in milliseconds, and timers round up, never down.
const TIMER_GRAIN: Duration = Duration::from_millis(10);

/// Starts the program against `server` for `report`, and waits for its
/// request; returns the program and when the request arrived.
async fn start(
    g: &Grading,
    server: &Server,
    report: &str,
    timeout: Duration,
) -> Result<(Program, Instant), Failure> {
    let path = format!("/v1/reports/{report}");
    let mut env = server.client_env();
    env.push(("NETLINGS_REPORT", report.to_string()));
    env.push(("NETLINGS_TIMEOUT_MS", timeout.as_millis().to_string()));
    let program = g.start(&env)?;
    let first = server
        .expect_first_get(g, &program, &path)
        .await
        .map_err(|f| {
            f.because("the URL is NETLINGS_BASE_URL, then `/v1/reports/`, then NETLINGS_REPORT")
        })?;
    Ok((program, first.arrived))
}

pub async fn grade(g: &Grading) -> Outcome {
    answered_in_time(g).await?;
    never_answered(g).await
}

async fn answered_in_time(g: &Grading) -> Outcome {
    let timeout = Duration::from_secs(2);
    let delay = Duration::from_millis(300);
    let report = format!("rep-{}", g.rng(|r| r.word(6)));
    let body = g.rng(|r| json!({ "id": report, "state": "ready", "rows": r.range(10, 5000) }));
    g.check(
        &format!(
            "prints the report when the server answers within NETLINGS_TIMEOUT_MS ({} ms)",
            timeout.as_millis()
        ),
        async {
            let server = Server::start(g).await?;
            server.route(
                &format!("/v1/reports/{report}"),
                Reply::json(200, &body).after(delay),
            );
            let (mut program, _) = start(g, &server, &report, timeout).await?;
            let status = expect_exit(&mut program, g.limits.io, "it sent its request").await?;
            expect_printed_json(&program, "the report's JSON", &body).map_err(|failure| {
                if !program
                    .stdout_lines()
                    .iter()
                    .any(|l| l.trim().starts_with("timeout"))
                {
                    return failure;
                }
                failure.because(format!(
                    "your program timed out, but the server answered after {} ms and the timeout \
                     is {} ms: is the timeout built from NETLINGS_TIMEOUT_MS in milliseconds \
                     (Duration::from_millis)?",
                    delay.as_millis(),
                    timeout.as_millis()
                ))
            })?;
            expect_success(&program, status)
        },
    )
    .await
}

async fn never_answered(g: &Grading) -> Outcome {
    let timeout = Duration::from_millis(800);
    let report = format!("rep-{}", g.rng(|r| r.word(6)));
    g.reproduce(format!(
        "nc -l 127.0.0.1 7000 & {}   (nc reads your request and never answers; `curl --max-time \
         0.8 http://127.0.0.1:7000/` against it shows a client that gives up)",
        g.run_command(&[
            ("NETLINGS_BASE_URL", "http://127.0.0.1:7000"),
            ("NETLINGS_REPORT", &report),
            ("NETLINGS_TIMEOUT_MS", &timeout.as_millis().to_string()),
        ])
    ));
    g.check(
        &format!(
            "gives up after NETLINGS_TIMEOUT_MS ({} ms) when the server never answers: prints \
             `timeout`, exits non-zero",
            timeout.as_millis()
        ),
        async {
            let server = Server::start(g).await?;
            server.route(&format!("/v1/reports/{report}"), Reply::hang());
            // Before the program exists, so before its timer can start.
            let started = Instant::now();
            let (mut program, asked) = start(g, &server, &report, timeout).await?;
            let by_hand = program.is_by_hand();
            if by_hand {
                // Run by hand, it is seen giving up on the wire only: when
                // it drops its request.
                server
                    .wait_for(g.limits.io, |log| log.requests.first().and_then(|r| r.ended))
                    .await;
            }
            // Its start is not seen either: its request reaching netlings is.
            let started = if by_hand { asked } else { started };
            let status = match program.wait(timeout + SLACK).await {
                Some(status) => status,
                None => {
                    return Err(Failure::timeout(format!(
                        "your program was still waiting {:.1} s after netlings received its request, \
                         which this server never answers: your client hung, so netlings stopped it",
                        asked.elapsed().as_secs_f64()
                    ))
                    .because(format!(
                        "its timeout was {} ms. reqwest's async Client has no timeout unless you set \
                         one (the blocking Client waits 30 s), and connect_timeout covers only the \
                         connect: set ClientBuilder::timeout(Duration::from_millis(timeout_ms)), \
                         which bounds the whole request",
                        timeout.as_millis()
                    )));
                }
            };
            // When it gave up: the server saw the request abandoned, or the
            // program ended, whichever came first.
            let gave_up = server
                .log()
                .requests
                .first()
                .and_then(|r| r.ended)
                .unwrap_or_else(Instant::now);
            // A timer never fires early, and the program's started after
            // `started`: giving up sooner than the timeout after it is
            // giving up early, whatever connecting and sending took.
            let lived = gave_up.saturating_duration_since(started);
            if lived + TIMER_GRAIN < timeout {
                return Err(Failure::fail(format!(
                    "your program gave up {} ms after it was started ({} ms after its request \
                     reached netlings); its timeout is {} ms, which had not passed yet",
                    lived.as_millis(),
                    gave_up.saturating_duration_since(asked).as_millis(),
                    timeout.as_millis()
                ))
                .because(
                    "wait the whole NETLINGS_TIMEOUT_MS (in milliseconds) for the answer: the \
                     timeout is the server's due, not a budget to keep a margin of",
                ));
            }
            expect_line(&program, "`timeout`", "timeout", |l| l.starts_with("timeout")).map_err(|f| {
                f.because(
                    "tell a timeout from other errors with reqwest::Error::is_timeout(), and print \
                     `timeout` for it",
                )
            })?;
            expect_failure_status(status, "after a timeout")
        },
    )
    .await
}
