//! `http_retry` — retries with exponential backoff, `Retry-After`, and a cap.
//!
//! Five runs of the program, each against a freshly scripted order API:
//! 503, 503, 503 then 200 (the server measures the gaps between attempts:
//! they must grow exponentially from `NETLINGS_BASE_DELAY_MS`); a 429 with
//! `Retry-After: 1` (the next attempt must wait that second); a 502 then a
//! 504 then 200 (retried like a 503); a 404 (never retried); a 503 forever
//! (the program must stop after `NETLINGS_MAX_ATTEMPTS`, say so, and exit
//! non-zero - or be stopped by netlings the moment it sends one attempt too
//! many).
//!
//! Gaps are judged loosely: never shorter than asked, growing overall by at
//! least half the ideal factor; a loaded machine only ever makes them longer.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Fetch an order from a flaky API, retrying exactly the failures that are worth retrying: | `retries after a 503` `does not retry a 404` | `http_retry__error_for_status_first` `http_retry__retries_404` |
//! | GET `<NETLINGS_BASE_URL>/v1/orders/<NETLINGS_ORDER>`. | `sends GET` | `http_retry__order_as_query` |
//! | 200: print the body (one line of JSON) and exit with status 0. | `prints the order after the 200` `prints the order after the 429` | `http_retry__partial_order` `http_retry__retry_after_shadowed` |
//! | 429, 502, 503 or 504 mean "not now": try again after a pause. | `retries after a 503` `retries after 502` | `http_retry__error_for_status_first` `http_retry__only_429_and_503` |
//! | If the answer has a `Retry-After: <seconds>` header, wait that long. | `honours` | `http_retry__ignores_retry_after` |
//! | Otherwise back off exponentially: wait `NETLINGS_BASE_DELAY_MS` before the 2nd attempt, twice that before the 3rd, four times that before the 4th… (100, 200, 400 ms). | `backs off exponentially` | `http_retry__constant_gaps` |
//! | No jitter in this exercise: netlings measures your waits. | — | why the waits of the row above are exact; `backs off exponentially` judges them |
//! | Any other status (404, say) will not change by asking again: print `error: <status>` (`error: 404 Not Found`) and exit non-zero at once. | `does not retry a 404` | `http_retry__retries_404` |
//! | Make at most `NETLINGS_MAX_ATTEMPTS` attempts in all. When the last one fails too, print `gave up after <N> attempts` and exit non-zero. | `gives up after` | `http_retry__no_cap` |

use std::process::ExitStatus;
use std::time::Duration;

use serde_json::json;

use crate::harness::expect::{
    ended_early, expect_exit, expect_failure_status, expect_line, expect_success,
};
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::http::{Ended, Reply, Server, expect_printed_json};
use crate::report::{Plot, PlotKind};

pub const CHECKS: &[&str] = &[
    "sends GET /v1/orders/<NETLINGS_ORDER>",
    "retries after a 503 Service Unavailable",
    "backs off exponentially: waits 100, 200, 400 ms between attempts",
    "prints the order after the 200 and exits with status 0",
    "honours `Retry-After: 1` after a 429 Too Many Requests",
    "prints the order after the 429 and exits with status 0",
    "retries after 502 Bad Gateway and 504 Gateway Timeout too, then prints the order",
    "does not retry a 404 Not Found: prints `error: 404 …`, exits non-zero",
    "gives up after NETLINGS_MAX_ATTEMPTS attempts: prints `gave up after <n> attempts`, exits non-zero",
];

/// `NETLINGS_BASE_DELAY_MS`: the first backoff; each next one doubles.
const BASE: Duration = Duration::from_millis(100);
/// `NETLINGS_MAX_ATTEMPTS` of the runs that end in success or a 404.
const MAX_ATTEMPTS: usize = 5;
/// The `Retry-After` of the 429, in seconds (the header counts seconds).
const RETRY_AFTER_SECS: u64 = 1;
/// How much longer than asked a wait may be before it counts as wrong.
const SLACK: Duration = Duration::from_secs(2);

const EXPONENTIAL: &str = "double the wait after every failed attempt: \
NETLINGS_BASE_DELAY_MS × 2^(attempt - 1), e.g. `delay *= 2` in the loop - \
a constant pause keeps hammering a server that is struggling";

/// One run: a server scripted for one order, and the program fetching it.
struct Run {
    server: Server,
    program: Program,
    path: String,
}

impl Run {
    /// The API answers `replies` in turn for a fresh order; the program is
    /// started with `max_attempts`. Waits for its first request.
    async fn start(
        g: &Grading,
        order: &str,
        max_attempts: usize,
        replies: Vec<Reply>,
    ) -> Result<Run, Failure> {
        let path = format!("/v1/orders/{order}");
        let server = Server::start(g).await?;
        server.sequence(&path, replies);
        let mut env = server.client_env();
        env.push(("NETLINGS_ORDER", order.to_string()));
        env.push(("NETLINGS_MAX_ATTEMPTS", max_attempts.to_string()));
        env.push(("NETLINGS_BASE_DELAY_MS", BASE.as_millis().to_string()));
        let program = g.start(&env)?;
        server
            .expect_first_get(g, &program, &path)
            .await
            .map_err(|f| {
                f.because("the URL is NETLINGS_BASE_URL, then `/v1/orders/`, then NETLINGS_ORDER")
            })?;
        Ok(Run {
            server,
            program,
            path,
        })
    }

    /// How many attempts the server has seen.
    fn attempts(&self) -> usize {
        self.server.log().on_path(&self.path).len()
    }

    /// Waits for attempt `n`, at most `within`.
    async fn expect_attempt(&self, n: usize, within: Duration) -> Result<(), Failure> {
        self.server
            .expect_nth(&self.program, &self.path, n, within)
            .await
    }

    /// Waits for the program to stop by itself after `attempts` attempts,
    /// at most `within`: fails with `too_many` the moment it sends one
    /// more, and when it is still running or stopped after fewer.
    async fn stops_after(
        &mut self,
        g: &Grading,
        attempts: usize,
        within: Duration,
        too_many: Failure,
    ) -> Result<ExitStatus, Failure> {
        let status = match self
            .server
            .until_exit(&self.program, within, |log| {
                log.on_path(&self.path).len() > attempts
            })
            .await
        {
            Ended::Exited(status) => status,
            Ended::TooFar => return Err(too_many),
            Ended::StillRunning => {
                return Err(Failure::timeout(format!(
                    "your program was still running {:.1} s later, having sent {} attempts; it \
                     should have stopped after {attempts}",
                    within.as_secs_f64(),
                    self.attempts()
                )));
            }
        };
        let _ = expect_exit(&mut self.program, g.limits.io, "it exited").await;
        let sent = self.attempts();
        if sent != attempts {
            return Err(ended_early(
                &self.program,
                status,
                &format!("after {sent} attempts, where it should have made {attempts}"),
            ));
        }
        Ok(status)
    }

    /// The waits between attempts, as the server measured them.
    fn gaps(&self) -> Vec<Duration> {
        self.server.log().gaps(&self.path)
    }

    /// The program exits 0 having printed the order's JSON on a line.
    async fn prints_order(&mut self, g: &Grading, body: &serde_json::Value) -> Result<(), Failure> {
        let status =
            expect_exit(&mut self.program, g.limits.io, "netlings answered 200 OK").await?;
        expect_printed_json(&self.program, "the order's JSON", body)?;
        expect_success(&self.program, status)
    }
}

/// A fresh order id: `ord-` and six letters.
fn new_order(g: &Grading) -> String {
    format!("ord-{}", g.rng(|r| r.word(6)))
}

/// An order as the API returns it.
fn order_body(g: &Grading, order: &str) -> serde_json::Value {
    let (items, cents) = g.rng(|r| (r.range(1, 6), r.range(500, 20_000)));
    json!({ "id": order, "status": "shipped", "items": items, "total_cents": cents })
}

/// The wait before attempt `n` (from 2): the base, doubled each time.
fn backoff(n: usize) -> Duration {
    BASE * 2u32.pow(n as u32 - 2)
}

fn millis(gaps: &[Duration]) -> String {
    let ms: Vec<String> = gaps.iter().map(|d| d.as_millis().to_string()).collect();
    format!("{} ms", ms.join(", "))
}

/// The waits the server measured against the ranges [`judge_wait`] lets
/// them fall in.
fn waits_plot(measured: &[Duration], expected: &[Duration]) -> Plot {
    Plot {
        title: format!(
            "waits before attempts 2 to {}, measured by the server, against exponential backoff ({})",
            measured.len() + 1,
            millis(expected)
        ),
        kind: PlotKind::Gaps {
            measured: measured.to_vec(),
            expected: expected
                .iter()
                .map(|want| (want.mul_f64(0.8), *want * 2 + SLACK))
                .collect(),
        },
    }
}

/// A measured wait against the one asked for. Judged loosely: a loaded
/// machine only ever makes waits longer, so "too short" allows a fifth for
/// clocks, and "too long" twice the wait plus SLACK.
enum Wait {
    Fits,
    TooShort,
    TooLong,
}

fn judge_wait(got: Duration, want: Duration) -> Wait {
    if got < want.mul_f64(0.8) {
        Wait::TooShort
    } else if got > want * 2 + SLACK {
        Wait::TooLong
    } else {
        Wait::Fits
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    recovers_from_503s(g).await?;
    honours_retry_after(g).await?;
    retries_gateway_errors(g).await?;
    does_not_retry_404(g).await?;
    gives_up_after_the_cap(g).await
}

async fn recovers_from_503s(g: &Grading) -> Outcome {
    let failures = 3;
    let order = new_order(g);
    let body = order_body(g, &order);
    let mut run = g
        .check("sends GET /v1/orders/<NETLINGS_ORDER>", async {
            let mut replies = vec![Reply::error(503, "the order service is restarting"); failures];
            replies.push(Reply::json(200, &body));
            Run::start(g, &order, MAX_ATTEMPTS, replies).await
        })
        .await?;

    g.check("retries after a 503 Service Unavailable", async {
        run.expect_attempt(2, backoff(2) + SLACK + g.limits.io)
            .await
            .map_err(|f| {
                f.because(
                    "503 means \"not now\": the server is overloaded or restarting. Wait \
                     NETLINGS_BASE_DELAY_MS and send the same request again",
                )
            })
    })
    .await?;

    let expected: Vec<Duration> = (2..=failures + 1).map(backoff).collect();
    g.check(
        &format!(
            "backs off exponentially: waits {} between attempts",
            millis(&expected)
        ),
        async {
            let within = expected.iter().sum::<Duration>() * 3 + g.limits.io;
            run.expect_attempt(failures + 1, within).await?;
            let measured = &run.gaps()[..failures];
            g.plot(waits_plot(measured, &expected));
            let said = format!(
                "your program waited {} before attempts 2 to {}; exponential backoff from \
                 NETLINGS_BASE_DELAY_MS ({} ms) waits {}",
                millis(measured),
                failures + 1,
                BASE.as_millis(),
                millis(&expected)
            );
            for (i, (got, want)) in measured.iter().zip(&expected).enumerate() {
                let (how, why) = match judge_wait(*got, *want) {
                    Wait::Fits => continue,
                    Wait::TooShort => ("sooner than", EXPONENTIAL),
                    Wait::TooLong => (
                        "far more than",
                        "NETLINGS_BASE_DELAY_MS counts milliseconds",
                    ),
                };
                return Err(Failure::fail(format!(
                    "attempt {} came {} ms after the answer to attempt {}, {how} the {} ms it \
                     should wait",
                    i + 2,
                    got.as_millis(),
                    i + 1,
                    want.as_millis()
                ))
                .and(said)
                .because(why));
            }
            let growth = measured[failures - 1].as_secs_f64() / measured[0].as_secs_f64().max(1e-3);
            let ideal = 2f64.powi(failures as i32 - 1);
            if growth < ideal / 2.0 {
                return Err(Failure::fail(format!(
                    "your waits did not grow: the last was {growth:.1} times the first, where \
                     exponential backoff makes it {ideal:.0} times"
                ))
                .and(said)
                .because(EXPONENTIAL));
            }
            Ok(())
        },
    )
    .await?;

    g.check(
        "prints the order after the 200 and exits with status 0",
        run.prints_order(g, &body),
    )
    .await
}

async fn honours_retry_after(g: &Grading) -> Outcome {
    let wait = Duration::from_secs(RETRY_AFTER_SECS);
    let order = new_order(g);
    let body = order_body(g, &order);
    let mut run = g
        .check(
            &format!("honours `Retry-After: {RETRY_AFTER_SECS}` after a 429 Too Many Requests"),
            async {
                let replies = vec![
                    Reply::error(429, "too many requests: slow down")
                        .header("retry-after", RETRY_AFTER_SECS),
                    Reply::json(200, &body),
                ];
                let run = Run::start(g, &order, MAX_ATTEMPTS, replies).await?;
                run.expect_attempt(2, wait + SLACK + g.limits.io)
                    .await
                    .map_err(|f| {
                        f.because("429 is worth retrying: wait as long as Retry-After says, then ask again")
                    })?;
                let gap = run.gaps()[0];
                let said = format!("its Retry-After header said {RETRY_AFTER_SECS} s");
                match judge_wait(gap, wait) {
                    Wait::Fits => Ok(run),
                    Wait::TooShort => Err(Failure::fail(format!(
                        "your program asked again {} ms after the 429; {said}",
                        gap.as_millis()
                    ))
                    .because(
                        "the server says how long to wait: read the header \
                         (response.headers().get(reqwest::header::RETRY_AFTER)), parse the seconds, \
                         and wait that long instead of your own backoff",
                    )),
                    Wait::TooLong => Err(Failure::fail(format!(
                        "your program waited {:.1} s after the 429; {said}",
                        gap.as_secs_f64()
                    ))
                    .because("Retry-After counts seconds")),
                }
            },
        )
        .await?;
    g.check(
        "prints the order after the 429 and exits with status 0",
        run.prints_order(g, &body),
    )
    .await
}

/// 502 and 504 are "not now" too: a proxy in front of the API could not
/// reach it, or not in time.
async fn retries_gateway_errors(g: &Grading) -> Outcome {
    let order = new_order(g);
    let body = order_body(g, &order);
    g.check(
        "retries after 502 Bad Gateway and 504 Gateway Timeout too, then prints the order",
        async {
            let replies = vec![
                Reply::error(502, "the gateway could not reach the order service"),
                Reply::error(504, "the order service did not answer the gateway in time"),
                Reply::json(200, &body),
            ];
            let mut run = Run::start(g, &order, MAX_ATTEMPTS, replies).await?;
            for (n, status) in [(2, "502 Bad Gateway"), (3, "504 Gateway Timeout")] {
                run.expect_attempt(n, backoff(n) * 3 + SLACK + g.limits.io)
                    .await
                    .map_err(|f| {
                        f.and(format!("attempt {} was answered {status}", n - 1)).because(
                            "502 and 504 are temporary like 503: a gateway in front of the API could \
                             not reach it, or not in time. Retry 429, 502, 503 and 504",
                        )
                    })?;
            }
            run.prints_order(g, &body).await
        },
    )
    .await
}

async fn does_not_retry_404(g: &Grading) -> Outcome {
    g.check(
        "does not retry a 404 Not Found: prints `error: 404 …`, exits non-zero",
        async {
            let replies = vec![Reply::error(404, "no such order")];
            let mut run = Run::start(g, &new_order(g), MAX_ATTEMPTS, replies).await?;
            let asked_again = Failure::fail("your program asked again after a 404 Not Found").because(
                "a 404 will not change by asking again (nor will 400, 401, 403): retry only what \
                 is temporary - 429, 502, 503, 504 - and report the rest at once",
            );
            let status = run.stops_after(g, 1, g.limits.io, asked_again).await?;
            expect_line(&run.program, "`error: 404 …`", "error: 404 Not Found", |l| {
                l.starts_with("error: 404")
            })
            .map_err(|f| {
                f.because("print `error: ` and the status, e.g. `println!(\"error: {}\", response.status())`")
            })?;
            expect_failure_status(status, "after a 404")
        },
    )
    .await
}

async fn gives_up_after_the_cap(g: &Grading) -> Outcome {
    let cap = g.rng(|r| r.range(3, 5)) as usize;
    g.check(
        "gives up after NETLINGS_MAX_ATTEMPTS attempts: prints `gave up after <n> attempts`, exits non-zero",
        async {
            g.transcript.event(None, "this server answers 503 to every attempt");
            let replies = vec![Reply::error(503, "the order service is down")];
            let mut run = Run::start(g, &new_order(g), cap, replies).await?;
            let schedule: Duration = (2..=cap).map(backoff).sum();
            // Returning this ends the check; netlings then stops the program.
            let one_too_many = Failure::fail(format!(
                "your program sent attempt {}; NETLINGS_MAX_ATTEMPTS is {cap}, so it should have \
                 given up after attempt {cap} failed. netlings stopped it",
                cap + 1
            ))
            .because(
                "count the attempts and stop at the cap: a client that retries forever hangs its \
                 caller and keeps loading a server that is down",
            );
            let status = run
                .stops_after(g, cap, schedule * 3 + g.limits.io, one_too_many)
                .await?;
            let expected = format!("gave up after {cap} attempts");
            expect_line(&run.program, &format!("`{expected}`"), &expected, |l| {
                l.starts_with(&expected)
            })?;
            expect_failure_status(status, "after giving up")
        },
    )
    .await
}
