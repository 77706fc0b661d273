//! `grpc_client` — a `KeyValue` client as production code writes one:
//! metadata and a deadline on every call, `UNAVAILABLE` retried with
//! growing pauses, every other failure reported at once.
//!
//! One run against netlings' reference server, scripted per key: plain
//! values, a key nobody put (`NOT_FOUND`), a Put and a Get that are
//! `UNAVAILABLE` at first, a Get that is `UNAVAILABLE` for good, and one
//! that never answers in time. The server records every call (its
//! metadata, its `grpc-timeout`, when it came and when it was answered),
//! and each check judges one rule on that record and on what the program
//! printed.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Call netlings' `KeyValue` server (`proto/kv.proto`) with the generated client, `protos::kv::key_value_client::KeyValueClient`: | `calls the KeyValue server` | `grpc_client__tonic_example_url` |
//! | `Put` each `key=value` of `NETLINGS_PUTS` (comma-separated), in order. | `Puts every` | `grpc_client__retries_gets_only` |
//! | Puts print nothing on stdout. | `prints one line per Get` | `grpc_client__prints_puts` |
//! | Then `Get` each key of `NETLINGS_GETS` (comma-separated), in order, printing one line per Get: | `prints one line per Get` | `grpc_client__prints_puts` |
//! | `key=value` (the value as UTF-8), | `prints one line per Get` | `grpc_client__debug_bytes` |
//! | `key: not found` for `NOT_FOUND`, | `a Get answered NOT_FOUND` | `grpc_client__retries_every_error` |
//! | `key: timed out` when the call's deadline passed (`DEADLINE_EXCEEDED`, or the `CANCELLED` "Timeout expired" that tonic's own timeout gives), | `a Get whose deadline passes` | `grpc_client__retries_timeouts` |
//! | `key: unavailable` when it is still `UNAVAILABLE` after 3 attempts. | `after the third UNAVAILABLE` | `grpc_client__no_unavailable_arm` |
//! | Exit with status 0. | `prints one line per Get` | `grpc_client__exits_one_on_error` |
//! | Every call carries the metadata `authorization: Bearer <NETLINGS_TOKEN>` and a deadline of `NETLINGS_TIMEOUT_MS`. | `every call carries` | `grpc_client__auth_on_puts_only` `grpc_client__no_deadline` |
//! | A call that fails with `UNAVAILABLE` is tried 3 times in all, 100 ms then 200 ms apart; no other failure is retried. | `UNAVAILABLE is tried` `a Get answered NOT_FOUND` `a Get whose deadline passes` | `grpc_client__four_attempts` `grpc_client__constant_gap` `grpc_client__retries_without_gap` `grpc_client__retries_every_error` `grpc_client__retries_timeouts` |
//! | Environment: `NETLINGS_URL` (`http://127.0.0.1:port`), `NETLINGS_TOKEN`, `NETLINGS_TIMEOUT_MS`, `NETLINGS_PUTS`, `NETLINGS_GETS`. | — | the variables the rows above use |

use std::time::Duration;

use crate::harness::expect::{Race, ended_early, expect_success, race};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::grpc::kv_server::{Call, KvServer, Script};
use crate::report::{Plot, PlotKind};

pub const CHECKS: &[&str] = &[
    "calls the KeyValue server at NETLINGS_URL",
    "every call carries `authorization: Bearer <NETLINGS_TOKEN>`",
    "every call carries a deadline (`grpc-timeout`) of at most NETLINGS_TIMEOUT_MS",
    "Puts every key=value of NETLINGS_PUTS, retrying one that is UNAVAILABLE",
    "a Get answered NOT_FOUND is not retried, and prints `<key>: not found`",
    "UNAVAILABLE is tried 3 times in all, 100 ms then 200 ms apart",
    "after the third UNAVAILABLE, prints `<key>: unavailable`",
    "a Get whose deadline passes is not retried, and prints `<key>: timed out`",
    "prints one line per Get, in the order of NETLINGS_GETS, and exits with status 0",
];

/// `NETLINGS_TIMEOUT_MS`.
const TIMEOUT: Duration = Duration::from_millis(300);
/// The pauses before the 2nd and the 3rd attempt.
const GAPS: [Duration; 2] = [Duration::from_millis(100), Duration::from_millis(200)];

/// The keys of one run, each with its part in the script.
struct Keys {
    plain: String,
    flaky_put: String,
    flaky_get: String,
    missing: String,
    slow: String,
    down: String,
}

pub async fn grade(g: &Grading) -> Outcome {
    let word = |prefix: &str| format!("{prefix}{}", g.rng(|r| r.word(4)));
    let keys = Keys {
        plain: word("a"),
        flaky_put: word("p"),
        flaky_get: word("f"),
        missing: word("m"),
        slow: word("s"),
        down: word("d"),
    };
    let value = |key: &str| format!("v-{key}-{}", key.len());
    let token = format!("tok-{}", g.rng(|r| r.word(10)));
    let puts = [
        &keys.plain,
        &keys.flaky_put,
        &keys.flaky_get,
        &keys.slow,
        &keys.down,
    ];
    let mut gets = [
        &keys.plain,
        &keys.missing,
        &keys.flaky_get,
        &keys.slow,
        &keys.down,
        &keys.flaky_put,
    ];
    // The first Get stays first (the plain one), the rest in a seeded order.
    g.rng(|r| {
        for i in (2..gets.len()).rev() {
            let j = 1 + r.range(0, i as u64) as usize;
            gets.swap(i, j);
        }
    });
    let expected: Vec<String> = gets
        .iter()
        .map(|k| match k.as_str() {
            k if k == keys.missing => format!("{k}: not found"),
            k if k == keys.slow => format!("{k}: timed out"),
            k if k == keys.down => format!("{k}: unavailable"),
            k => format!("{k}={}", value(k)),
        })
        .collect();

    let mut started = g
        .check(CHECKS[0], async {
            let server = KvServer::start(g, &token).await?;
            server.script("Put", &keys.flaky_put, Script::Unavailable(1));
            server.script("Get", &keys.flaky_get, Script::Unavailable(2));
            server.script("Get", &keys.slow, Script::Hang);
            server.script("Get", &keys.down, Script::Unavailable(usize::MAX));
            let puts: Vec<String> = puts.iter().map(|k| format!("{k}={}", value(k))).collect();
            let gets: Vec<&str> = gets.iter().map(|k| k.as_str()).collect();
            let env = vec![
                ("NETLINGS_URL", server.url()),
                ("NETLINGS_TOKEN", token.clone()),
                ("NETLINGS_TIMEOUT_MS", TIMEOUT.as_millis().to_string()),
                ("NETLINGS_PUTS", puts.join(",")),
                ("NETLINGS_GETS", gets.join(",")),
            ];
            let mut program = g.start(&env)?;
            let first = race(
                &program,
                g.limits.ready,
                server.wait_for(g.limits.ready, |log| log.first().cloned()),
            )
            .await;
            match first {
                Race::Done(Some(_)) => {}
                Race::Exited(status) => {
                    // Its first call may still be on its way in.
                    let late =
                        server.wait_for(Duration::from_millis(200), |log| log.first().cloned());
                    if late.await.is_none() {
                        return Err(ended_early(&program, status, "without calling the server"));
                    }
                }
                Race::Done(None) | Race::TimedOut => {
                    return Err(Failure::timeout(format!(
                        "your program made no call to NETLINGS_URL ({}) within {} s",
                        server.url(),
                        g.limits.ready.as_secs()
                    )));
                }
            }
            // The whole script takes about 1.2 s; a program that hangs (no
            // deadline) is judged on what it did meanwhile.
            let budget = Duration::from_secs(3) + g.limits.io;
            if program.is_by_hand() {
                // Run by hand, its exit is not seen, its calls are: it is
                // done once its last Get ended and no call came for a while.
                let last = gets.last().map(|k| k.to_string());
                server
                    .wait_for(g.limits.io, |log| {
                        log.iter()
                            .any(|c| {
                                c.method == "Get"
                                    && Some(&c.key) == last.as_ref()
                                    && c.ended.is_some()
                            })
                            .then_some(())
                    })
                    .await;
                let mut seen = server.log().len();
                while let Some(n) = server
                    .wait_for(TIMEOUT * 3, |log| (log.len() > seen).then_some(log.len()))
                    .await
                {
                    seen = n;
                }
            }
            let status = program.wait(budget).await;
            Ok((server, program, status))
        })
        .await?;
    let (server, program, status) = (&started.0, &mut started.1, started.2);
    let log = server.log();

    g.check(CHECKS[1], async {
        let bearer = format!("Bearer {token}");
        match log.iter().find(|c| c.authorization.as_deref() != Some(bearer.as_str())) {
            None => Ok(()),
            Some(call) => {
                server.show(call);
                Err(Failure::fail(format!(
                    "call #{} ({} of {:?}) carried {}",
                    call.n,
                    call.method,
                    call.key,
                    match &call.authorization {
                        Some(a) => format!("`authorization: {a}`"),
                        None => "no `authorization` metadata".to_string(),
                    }
                ))
                .because(
                    "put the metadata on every request: `request.metadata_mut().insert(\"authorization\", \
                     format!(\"Bearer {token}\").parse()?)` - or once, with an interceptor \
                     (`KeyValueClient::with_interceptor`)",
                ))
            }
        }
    })
    .await?;

    g.check(CHECKS[2], async {
        for call in &log {
            let fault = match (call.timeout, &call.grpc_timeout) {
                // gRPC libraries round the deadline up to the unit they
                // send (grpcio sends 300 ms as `301m`): 5 % is rounding.
                (Some(t), _) if t <= TIMEOUT + TIMEOUT / 20 && !t.is_zero() => continue,
                (Some(t), _) => format!("a deadline of {} ms", t.as_millis()),
                (None, Some(raw)) => format!("`grpc-timeout: {raw}`, which is not a valid timeout"),
                (None, None) => "no deadline (no `grpc-timeout` metadata)".to_string(),
            };
            server.show(call);
            return Err(Failure::fail(format!(
                "call #{} ({} of {:?}) carried {fault}; NETLINGS_TIMEOUT_MS is {}",
                call.n,
                call.method,
                call.key,
                TIMEOUT.as_millis()
            ))
            .because(
                "a call without a deadline can wait forever: `request.set_timeout(timeout)` on \
                 each request sends it as `grpc-timeout`, and the server stops when it passes",
            ));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        for key in puts {
            if server.stored(key).as_deref() != Some(value(key).as_bytes()) {
                let attempts = server.calls("Put", key);
                return Err(Failure::fail(format!(
                    "after your program ended, the server holds {:?} under {key:?}; NETLINGS_PUTS \
                     has `{key}={}` ({} Put calls for it came)",
                    server
                        .stored(key)
                        .map(|v| String::from_utf8_lossy(&v).into_owned()),
                    value(key),
                    attempts.len()
                ))
                .because(if key == &keys.flaky_put {
                    "this Put was answered UNAVAILABLE once: a Put is retried like a Get"
                } else {
                    "Put each `key=value` of NETLINGS_PUTS (comma-separated) before the Gets"
                }));
            }
        }
        Ok(())
    })
    .await?;

    let by_hand = program.not_judged("what it printed for each Get");
    let lines = program.stdout_lines();
    let printed = |line: &str| by_hand || lines.iter().any(|l| l.trim() == line);
    let output = program.stdout_bytes();
    let said = |want: &str| {
        Failure::mismatch(
            format!("your program did not print `{want}` on a line of its own"),
            "your program's output",
            format!("{}\n", expected.join("\n")),
            output.clone(),
        )
    };

    g.check(CHECKS[4], async {
        let calls = server.calls("Get", &keys.missing);
        if calls.len() > 1 {
            server.show(&calls[1]);
            return Err(Failure::fail(format!(
                "your program asked for {:?} {} times; the first answer was NOT_FOUND",
                keys.missing,
                calls.len()
            ))
            .because(
                "NOT_FOUND will not change by asking again: retry only UNAVAILABLE (the server \
                 could not take the call at all), report the rest at once",
            ));
        }
        let want = format!("{}: not found", keys.missing);
        if !printed(&want) {
            return Err(said(&want));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        for key in [&keys.down, &keys.flaky_get] {
            let calls = server.calls("Get", key);
            if calls.len() > 1 {
                g.plot(waits_plot(&calls, key));
            }
            let expected_calls = 3;
            if calls.len() != expected_calls {
                if let Some(extra) = calls.get(expected_calls) {
                    server.show(extra);
                }
                return Err(Failure::fail(format!(
                    "the server answered UNAVAILABLE to Get {key:?} {} and your program made {} \
                     attempts in all",
                    if key == &keys.down {
                        "every time"
                    } else {
                        "twice, then OK"
                    },
                    calls.len()
                ))
                .because("3 attempts in all: the first, and 2 retries"));
            }
            check_gaps(&calls, key)?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[6], async {
        let want = format!("{}: unavailable", keys.down);
        if !printed(&want) {
            return Err(said(&want));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[7], async {
        let calls = server.calls("Get", &keys.slow);
        if calls.len() > 1 {
            server.show(&calls[1]);
            return Err(Failure::fail(format!(
                "your program asked for {:?} {} times; its deadline passed the first time",
                keys.slow,
                calls.len()
            ))
            .because("a deadline is the caller's budget for the call: once it passed, report it, do not retry"));
        }
        let want = format!("{}: timed out", keys.slow);
        if !printed(&want) {
            return Err(said(&want).because(
                "a deadline that passes is DEADLINE_EXCEEDED (4) - or CANCELLED with the message \
                 \"Timeout expired\" when tonic's own timeout fired: print `<key>: timed out` for both",
            ));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[8], async {
        let Some(status) = status else {
            return Err(Failure::timeout(
                "your program was still running after every Get should have been done; \
                 netlings stopped it",
            ));
        };
        let got: Vec<String> = lines.iter().map(|l| l.trim().to_string()).collect();
        if got != expected && !by_hand {
            return Err(Failure::mismatch(
                "your program's output is not one line per Get, in the order of NETLINGS_GETS",
                "your program's output",
                format!("{}\n", expected.join("\n")),
                output.clone(),
            )
            .because("Puts print nothing on stdout; each Get prints exactly one line"));
        }
        expect_success(program, status)
    })
    .await?;

    Ok(())
}

/// The pause before the attempt after `before`: from its answer (or its
/// arrival, unanswered) to the next attempt's arrival.
fn gap(before: &Call, after: &Call) -> Duration {
    after
        .arrived
        .saturating_duration_since(before.ended.unwrap_or(before.arrived))
}

/// The pause allowed before attempt `i + 2`: (shortest, longest).
fn allowed(want: Duration) -> (Duration, Duration) {
    (want.mul_f64(0.8), want * 3 + Duration::from_millis(500))
}

/// Every pause the server measured between the attempts on `key`, against
/// the ones [`check_gaps`] allows.
fn waits_plot(calls: &[Call], key: &str) -> Plot {
    Plot {
        title: format!(
            "pauses between the attempts of Get {key:?}, measured by the server, against the \
             backoff of 100 ms then 200 ms"
        ),
        kind: PlotKind::Gaps {
            measured: calls.windows(2).map(|w| gap(&w[0], &w[1])).collect(),
            expected: GAPS.iter().map(|want| allowed(*want)).collect(),
        },
    }
}

/// The pauses the server measured between attempts on `key`: from the
/// UNAVAILABLE answer to the next attempt's arrival.
fn check_gaps(calls: &[Call], key: &str) -> Result<(), Failure> {
    for (i, want) in GAPS.iter().enumerate() {
        let gap = gap(&calls[i], &calls[i + 1]);
        let (shortest, longest) = allowed(*want);
        if gap < shortest || gap > longest {
            return Err(Failure::fail(format!(
                "attempt {} of Get {key:?} came {} ms after attempt {} was answered UNAVAILABLE; \
                 the pause before attempt {} is {} ms",
                i + 2,
                gap.as_millis(),
                i + 1,
                i + 2,
                want.as_millis()
            ))
            .because(
                "retrying at once hits a server that just said it cannot cope: sleep 100 ms \
                 before the 2nd attempt and 200 ms before the 3rd",
            ));
        }
    }
    Ok(())
}
