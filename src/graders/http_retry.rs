//! `http_retry` — retries with exponential backoff, `Retry-After`, and a cap.
//!
//! Four runs of the program, each against a freshly scripted order API:
//! 503, 503, 503 then 200 (the server measures the gaps between attempts:
//! they must grow exponentially from `NETLINGS_BASE_DELAY_MS`); a 429 with
//! `Retry-After: 1` (the next attempt must wait that second); a 404 (never
//! retried); a 503 forever (the program must stop after
//! `NETLINGS_MAX_ATTEMPTS`, say so, and exit non-zero - or be stopped by
//! netlings the moment it sends one attempt too many).
//!
//! Gaps are judged loosely: never shorter than asked, growing overall by at
//! least half the ideal factor; a loaded machine only ever makes them longer.

use std::time::Duration;

use serde_json::json;

use super::{client_exit, expect_success, stdout_lines};
use crate::harness::process::describe_exit;
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::http::{Log, Reply, Server};

/// `NETLINGS_BASE_DELAY_MS`: the first backoff; each next one doubles.
const BASE: Duration = Duration::from_millis(100);
/// `NETLINGS_MAX_ATTEMPTS` of the runs that end in success or a 404.
const MAX_ATTEMPTS: usize = 5;
/// The `Retry-After` of the 429, in seconds (the header counts seconds).
const RETRY_AFTER_SECS: u64 = 1;
/// How much longer than asked a wait may be before it counts as wrong.
const SLACK: Duration = Duration::from_secs(2);

/// One run: a server scripted for one order, and the program fetching it.
struct Run {
    server: Server,
    program: Program,
    path: String,
}

/// A fresh order id: `ord-` and six letters.
fn new_order(g: &Grading) -> String {
    format!("ord-{}", g.rng(|r| r.word(6)))
}

/// The API answers `replies` in turn for `order`; the program is started
/// with `max_attempts`. Waits for its first request.
async fn start(
    g: &Grading,
    order: &str,
    max_attempts: usize,
    replies: Vec<Reply>,
) -> Result<Run, Failure> {
    let order = order.to_string();
    let path = format!("/v1/orders/{order}");
    let server = Server::start(g).await?;
    server.sequence(&path, replies);
    let mut env = server.client_env();
    env.push(("NETLINGS_ORDER", order.clone()));
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

/// An order as the API returns it.
fn order_body(g: &Grading, order: &str) -> serde_json::Value {
    let (items, cents) = g.rng(|r| (r.range(1, 6), r.range(500, 20_000)));
    json!({ "id": order, "status": "shipped", "items": items, "total_cents": cents })
}

/// The wait before attempt `n` (from 2): the base, doubled each time.
fn backoff(n: usize) -> Duration {
    BASE * 2u32.pow(n as u32 - 2)
}

/// The gaps the server measured: from the answer to attempt k to the
/// arrival of attempt k + 1.
fn gaps(log: &Log, path: &str) -> Vec<Duration> {
    let attempts = log.on_path(path);
    attempts
        .windows(2)
        .map(|w| {
            w[1].arrived
                .saturating_duration_since(w[0].ended.unwrap_or(w[0].arrived))
        })
        .collect()
}

fn millis(gaps: &[Duration]) -> String {
    let ms: Vec<String> = gaps.iter().map(|d| d.as_millis().to_string()).collect();
    format!("{} ms", ms.join(", "))
}

pub async fn grade(g: &Grading) -> Outcome {
    recovers_from_503s(g).await?;
    honours_retry_after(g).await?;
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
            start(g, &order, MAX_ATTEMPTS, replies).await
        })
        .await?;

    g.check("retries after a 503 Service Unavailable", async {
        let within = backoff(2) + SLACK + g.limits.io;
        run.server
            .expect(&run.program, within, "its second attempt", |log| {
                (log.on_path(&run.path).len() >= 2).then_some(())
            })
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
            run.server
                .expect(
                    &run.program,
                    within,
                    &format!("attempt {}", failures + 1),
                    |log| (log.on_path(&run.path).len() > failures).then_some(()),
                )
                .await?;
            let measured = gaps(&run.server.log(), &run.path);
            let measured = &measured[..failures];
            let said = format!(
                "your program waited {} before attempts 2 to {}; exponential backoff from \
                 NETLINGS_BASE_DELAY_MS ({} ms) waits {}",
                millis(measured),
                failures + 1,
                BASE.as_millis(),
                millis(&expected)
            );
            let exponential = "double the wait after every failed attempt: \
                 NETLINGS_BASE_DELAY_MS × 2^(attempt - 1), e.g. `delay *= 2` in the loop - \
                 a constant pause keeps hammering a server that is struggling";
            for (i, (got, want)) in measured.iter().zip(&expected).enumerate() {
                if *got < want.mul_f64(0.8) {
                    return Err(Failure::fail(format!(
                        "attempt {} came {} ms after the answer to attempt {}, sooner than the {} ms \
                         it should wait",
                        i + 2,
                        got.as_millis(),
                        i + 1,
                        want.as_millis()
                    ))
                    .and(said.clone())
                    .because(exponential));
                }
                if *got > *want * 2 + SLACK {
                    return Err(Failure::fail(format!(
                        "attempt {} came {} ms after the answer to attempt {}, far more than the {} ms \
                         it should wait",
                        i + 2,
                        got.as_millis(),
                        i + 1,
                        want.as_millis()
                    ))
                    .and(said.clone())
                    .because("NETLINGS_BASE_DELAY_MS counts milliseconds"));
                }
            }
            let growth = measured[failures - 1].as_secs_f64() / measured[0].as_secs_f64().max(1e-3);
            let ideal = 2f64.powi(failures as i32 - 1);
            if growth < ideal / 2.0 {
                return Err(Failure::fail(format!(
                    "your waits did not grow: the last was {growth:.1} times the first, where \
                     exponential backoff makes it {ideal:.0} times"
                ))
                .and(said)
                .because(exponential));
            }
            Ok(())
        },
    )
    .await?;

    g.check(
        "prints the order after the 200 and exits with status 0",
        async { prints_order(&mut run, g, &body).await },
    )
    .await
}

/// The program exits 0 having printed the order's JSON on a line.
async fn prints_order(run: &mut Run, g: &Grading, body: &serde_json::Value) -> Result<(), Failure> {
    let status = client_exit(&mut run.program, g.limits.io, "netlings answered 200 OK").await?;
    let printed = stdout_lines(&run.program)
        .iter()
        .any(|l| serde_json::from_str::<serde_json::Value>(l.trim()).is_ok_and(|v| v == *body));
    if !printed {
        return Err(Failure::mismatch(
            "your program did not print the order's JSON on a line of its own",
            "your program's output",
            format!("{body}\n"),
            run.program.stdout_bytes(),
        ));
    }
    expect_success(&run.program, status)
}

async fn honours_retry_after(g: &Grading) -> Outcome {
    let wait = Duration::from_secs(RETRY_AFTER_SECS);
    let order = new_order(g);
    let body = order_body(g, &order);
    let mut run = g
        .check(
            &format!("honours `Retry-After: {RETRY_AFTER_SECS}` after a 429 Too Many Requests"),
            async {
                let run = start(
                    g,
                    &order,
                    MAX_ATTEMPTS,
                    vec![
                        Reply::error(429, "too many requests: slow down")
                            .header("retry-after", RETRY_AFTER_SECS),
                        Reply::json(200, &body),
                    ],
                )
                .await?;
                let within = wait + SLACK + g.limits.io;
                run.server
                    .expect(&run.program, within, "its second attempt", |log| {
                        (log.on_path(&run.path).len() >= 2).then_some(())
                    })
                    .await
                    .map_err(|f| {
                        f.because("429 is worth retrying: wait as long as Retry-After says, then ask again")
                    })?;
                let gap = gaps(&run.server.log(), &run.path)[0];
                if gap < wait.mul_f64(0.9) {
                    return Err(Failure::fail(format!(
                        "your program asked again {} ms after the 429; its Retry-After header said \
                         {RETRY_AFTER_SECS} s",
                        gap.as_millis()
                    ))
                    .because(
                        "the server says how long to wait: read the header \
                         (response.headers().get(reqwest::header::RETRY_AFTER)), parse the seconds, \
                         and wait that long instead of your own backoff",
                    ));
                }
                if gap > wait * 2 + SLACK {
                    return Err(Failure::fail(format!(
                        "your program waited {:.1} s after the 429; its Retry-After header said \
                         {RETRY_AFTER_SECS} s",
                        gap.as_secs_f64()
                    ))
                    .because("Retry-After counts seconds"));
                }
                Ok(run)
            },
        )
        .await?;
    g.check(
        "prints the order after the 429 and exits with status 0",
        async { prints_order(&mut run, g, &body).await },
    )
    .await
}

async fn does_not_retry_404(g: &Grading) -> Outcome {
    g.check(
        "does not retry a 404 Not Found: prints `error: 404 …`, exits non-zero",
        async {
            let mut run = start(
                g,
                &new_order(g),
                MAX_ATTEMPTS,
                vec![Reply::error(404, "no such order")],
            )
            .await?;
            let path = run.path.clone();
            let within = g.limits.io;
            let status = tokio::select! {
                biased;
                status = run.program.exited() => status,
                again = run.server.wait_for(within, |log| {
                    (log.on_path(&path).len() >= 2).then_some(())
                }) => {
                    return Err(match again {
                        Some(()) => Failure::fail(
                            "your program asked again after a 404 Not Found",
                        )
                        .because(
                            "a 404 will not change by asking again (nor will 400, 401, 403): retry \
                             only what is temporary - 429, 502, 503, 504 - and report the rest at once",
                        ),
                        None => Failure::timeout(format!(
                            "your program was still running {:.1} s after the 404: it should report \
                             the error and exit",
                            within.as_secs_f64()
                        )),
                    });
                }
            };
            let _ = client_exit(&mut run.program, g.limits.io, "it exited").await;
            let attempts = run.server.log().on_path(&path).len();
            if attempts > 1 {
                return Err(Failure::fail(format!(
                    "your program sent {attempts} requests for a 404 Not Found"
                )));
            }
            let lines = stdout_lines(&run.program);
            if !lines.iter().any(|l| l.trim().starts_with("error: 404")) {
                return Err(Failure::mismatch(
                    "your program did not print `error: 404 …` on a line of its own",
                    "your program's output",
                    b"error: 404 Not Found\n".to_vec(),
                    run.program.stdout_bytes(),
                )
                .because("print `error: ` and the status, e.g. `println!(\"error: {}\", response.status())`"));
            }
            if status.success() {
                return Err(Failure::fail(
                    "your program exited with status 0 after a 404: a failure must exit non-zero",
                ));
            }
            Ok(())
        },
    )
    .await
}

async fn gives_up_after_the_cap(g: &Grading) -> Outcome {
    let cap = g.rng(|r| r.range(3, 5)) as usize;
    g.check(
        &format!(
            "gives up after NETLINGS_MAX_ATTEMPTS ({cap}) attempts: prints `gave up after {cap} attempts`, exits non-zero"
        ),
        async {
            g.transcript.event(None, "this server answers 503 to every attempt");
            let mut run = start(
                g,
                &new_order(g),
                cap,
                vec![Reply::error(503, "the order service is down")],
            )
            .await?;
            let path = run.path.clone();
            let schedule: Duration = (2..=cap).map(backoff).sum();
            let within = schedule * 3 + g.limits.io;
            let status = tokio::select! {
                biased;
                status = run.program.exited() => status,
                extra = run.server.wait_for(within, |log| {
                    (log.on_path(&path).len() > cap).then_some(())
                }) => {
                    let sent = run.server.log().on_path(&path).len();
                    // Returning ends the check; netlings then stops the program.
                    return Err(match extra {
                        Some(()) => Failure::fail(format!(
                            "your program sent attempt {sent}; NETLINGS_MAX_ATTEMPTS is {cap}, so it \
                             should have given up after attempt {cap} failed. netlings stopped it"
                        ))
                        .because(
                            "count the attempts and stop at the cap: a client that retries forever \
                             hangs its caller and keeps loading a server that is down",
                        ),
                        None => Failure::timeout(format!(
                            "your program was still running {:.1} s after it started, having sent \
                             {sent} attempts; it should have given up after {cap}",
                            within.as_secs_f64()
                        )),
                    });
                }
            };
            let _ = client_exit(&mut run.program, g.limits.io, "it exited").await;
            let sent = run.server.log().on_path(&path).len();
            if sent != cap {
                let exit = describe_exit(status, &run.program.stderr_text());
                return Err(Failure::fail(format!(
                    "your program {} after {sent} attempts; NETLINGS_MAX_ATTEMPTS is {cap}",
                    exit.summary
                )));
            }
            let expected = format!("gave up after {cap} attempts");
            if !stdout_lines(&run.program)
                .iter()
                .any(|l| l.trim().starts_with(&expected))
            {
                return Err(Failure::mismatch(
                    format!("your program did not print `{expected}`"),
                    "your program's output",
                    format!("{expected}\n"),
                    run.program.stdout_bytes(),
                ));
            }
            if status.success() {
                return Err(Failure::fail(
                    "your program exited with status 0 after giving up: a failure must exit non-zero",
                ));
            }
            Ok(())
        },
    )
    .await
}
