//! `grpc_status_deadlines` — `KeyValue` and `Jobs` in one server, as a
//! production service runs them: every call authenticated from its
//! metadata, every failure a precise status, and no work done for a caller
//! who stopped waiting.
//!
//! The script: calls without the token and with a wrong one
//! (`UNAUTHENTICATED`, on every rpc), an empty key (`INVALID_ARGUMENT`), an
//! unknown key (`NOT_FOUND`, naming the key); a short `Run` whose `step`
//! lines netlings reads from the program's stdout; a `Run` of 300 steps
//! with a 200 ms deadline, and one the client cancels: the steps must stop
//! soon after. Judged by the step numbers netlings read and when: a worker
//! that ignores the deadline prints dozens more, however loaded the machine.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Serve `KeyValue` (`proto/kv.proto`, as in grpc_unary_server) and `Jobs` (`proto/jobs.proto`) from one server, production-ready: | `` with `authorization: Bearer <NETLINGS_TOKEN>`, Put then Get works `` `Run of 5 steps` | `grpc_status_deadlines__token_without_bearer` `grpc_status_deadlines__steps_from_zero` |
//! | Every call must carry the metadata `authorization: Bearer <token>`, the token being `NETLINGS_TOKEN`; any other call fails with `UNAUTHENTICATED` (16), on every rpc. | `a call without` `a call with a wrong token` `` with `authorization: Bearer <NETLINGS_TOKEN>`, Put then Get works `` | `grpc_status_deadlines__auth_on_put_only` `grpc_status_deadlines__any_bearer_token` `grpc_status_deadlines__token_without_bearer` |
//! | A `Put` or `Get` with an empty key fails with `INVALID_ARGUMENT` (3). | `an empty key` | `grpc_status_deadlines__empty_key_allowed` |
//! | `Get` of an unknown key fails with `NOT_FOUND` (5), and the status message names the key. | `Get of an unknown key` | `grpc_status_deadlines__not_found_without_key` |
//! | `Run(steps)` runs `steps` steps of 10 ms each, printing `step <n>` (n = 1, 2, …) on stdout as step n completes, and replies with `steps_done`. | `Run of 5 steps` | `grpc_status_deadlines__steps_from_zero` |
//! | Once the caller's deadline has passed, or the caller cancelled the call, it stops working. | `Run with a 200 ms deadline` `Run cancelled by the client` | `grpc_status_deadlines__blocking_worker` `grpc_status_deadlines__deadline_but_not_cancel` |
//! | Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen; `NETLINGS_TOKEN`, the token every call must carry. | `listens on NETLINGS_ADDR` `a call with a wrong token` | `grpc_status_deadlines__ipv6_loopback` `grpc_status_deadlines__any_bearer_token` |

use std::time::{Duration, Instant};

use tonic::Code;

use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::grpc::calls::Kv;
use crate::peers::grpc::client::start_server;
use crate::peers::grpc::client::{CallOptions, Channel};
use crate::peers::grpc::jobs::{self, RUN};
use crate::peers::grpc::{grpcurl, is_deadline, status_text};
use crate::report::{Plot, PlotKind, Series};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR and speaks gRPC (HTTP/2)",
    "a call without `authorization` is UNAUTHENTICATED (16), on every rpc",
    "a call with a wrong token is UNAUTHENTICATED (16)",
    "with `authorization: Bearer <NETLINGS_TOKEN>`, Put then Get works",
    "an empty key is INVALID_ARGUMENT (3), for Put and Get",
    "Get of an unknown key is NOT_FOUND (5) with the key in its message",
    "Run of 5 steps prints `step 1` … `step 5` and replies steps_done 5",
    "Run with a 200 ms deadline: the call ends at the deadline and the steps stop",
    "Run cancelled by the client: the steps stop",
];

const PROTO_KV: &str = "proto/kv.proto";
const PROTO_JOBS: &str = "proto/jobs.proto";

/// The deadline of the Run that must be cut short, and its length.
const DEADLINE: Duration = Duration::from_millis(200);
const LONG_RUN: u32 = 300;
/// How long after the deadline (or the cancel) steps may still be read:
/// the one in progress, and the pipe's latency on a loaded machine.
const GRACE: Duration = Duration::from_millis(300);
/// How long netlings watches for steps that should not come.
const WATCH: Duration = Duration::from_millis(1200);
/// Late steps tolerated (one printed as the deadline passed, read late).
const LATE_ALLOWED: usize = 2;

const AUTH_RULE: &str = "check the metadata of every call in one place - an interceptor \
     (`KeyValueServer::with_interceptor`, `JobsServer::with_interceptor`) or a tower layer - \
     so no rpc is forgotten: `authorization` must be exactly `Bearer <NETLINGS_TOKEN>`";

const STOP_RULE: &str = "when the deadline passes or the client cancels, tonic drops your \
     handler's future: an async loop (`tokio::time::sleep(10 ms)`, then print) stops with it. \
     A thread or `spawn_blocking` worker keeps going unless it is told: check a flag or a \
     CancellationToken that the handler sets when it is dropped";

pub async fn grade(g: &Grading) -> Outcome {
    let token = format!("tok-{}", g.rng(|r| r.word(12)));
    let (program, _addr, channel) = g
        .check(
            CHECKS[0],
            start_server(g, &[("NETLINGS_TOKEN", token.clone())]),
        )
        .await?;
    let run = g.run_command(&[
        ("NETLINGS_ADDR", "127.0.0.1:7000"),
        ("NETLINGS_TOKEN", &token),
    ]);
    let auth = format!("Bearer {token}");
    let authorized = CallOptions::bearer(&token);
    let key = format!("k-{}", g.rng(|r| r.word(6)));

    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO_KV,
            &[],
            &format!(r#"{{"key":"{key}"}}"#),
            "netlings.kv.v1.KeyValue/Get"
        )
    ));
    g.check(CHECKS[1], async {
        refused(
            g,
            &channel,
            CallOptions::default(),
            &key,
            "without `authorization`",
        )
        .await
    })
    .await?;

    g.check(CHECKS[2], async {
        let wrong = CallOptions::bearer(&format!("{token}x"));
        refused(g, &channel, wrong, &key, "with a wrong token").await
    })
    .await?;

    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO_KV,
            &[("authorization", &auth)],
            &format!(r#"{{"key":"{key}","value":"aGk="}}"#),
            "netlings.kv.v1.KeyValue/Put"
        )
    ));
    let kv = Kv::new(&channel, authorized.clone());
    g.check(CHECKS[3], async {
        kv.put(&key, b"hi").await.ok("an authorized Put")?;
        let reply = kv.get(&key).await.ok("an authorized Get")?;
        if reply.value != b"hi" {
            return Err(Failure::mismatch(
                "Get returned another value than Put stored",
                "the value",
                b"hi".to_vec(),
                reply.value,
            ));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        let rule = "validate the request before using it: an empty key is the caller's mistake, \
             `Status::invalid_argument(\"key must not be empty\")`";
        kv.put("", b"x")
            .await
            .status(Code::InvalidArgument, "Put with an empty key")
            .map_err(|f| f.because(rule))?;
        kv.get("")
            .await
            .status(Code::InvalidArgument, "Get with an empty key")
            .map_err(|f| f.because(rule))?;
        Ok(())
    })
    .await?;

    let missing = format!("missing-{}", g.rng(|r| r.word(6)));
    g.check(CHECKS[5], async {
        let status = kv
            .get(&missing)
            .await
            .status(Code::NotFound, "Get of an unknown key")?;
        if !status.message().contains(&missing) {
            return Err(Failure::fail(format!(
                "NOT_FOUND came with the message {:?}, which does not name the key {missing:?}",
                status.message()
            ))
            .because("a status message is for the person reading the logs: say which key"));
        }
        Ok(())
    })
    .await?;

    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO_JOBS,
            &[("authorization", &auth)],
            r#"{"steps":5}"#,
            "netlings.jobs.v1.Jobs/Run"
        )
    ));
    g.check(CHECKS[6], async {
        let before = jobs::steps(&program).len();
        let mut call = jobs::start_run(&channel, 5, &authorized);
        let answer = call.finish(g.limits.io).await.ok_or_else(|| {
            Failure::timeout("Run of 5 steps (50 ms of work) did not end within 5 s")
        })?;
        let took = answer.took;
        let reply = answer.ok("Run of 5 steps")?;
        if reply.steps_done != 5 {
            return Err(Failure::fail(format!(
                "Run of 5 steps replied steps_done {}",
                reply.steps_done
            )));
        }
        if took < Duration::from_millis(40) {
            return Err(Failure::fail(format!(
                "Run of 5 steps of 10 ms each replied after {} ms",
                took.as_millis()
            ))
            .because("each step takes 10 ms: sleep 10 ms, then print `step <n>`"));
        }
        if program.not_judged("the `step <n>` lines it printed") {
            return Ok(());
        }
        let printed = program
            .wait_stdout(g.limits.io, |_| {
                let all = jobs::steps(&program);
                (all.len() >= before + 5).then(|| all[before..].to_vec())
            })
            .await
            .unwrap_or_else(|| jobs::steps(&program)[before..].to_vec());
        if printed != [1, 2, 3, 4, 5] {
            return Err(Failure::mismatch(
                format!("Run of 5 steps printed the steps {printed:?}"),
                "your program's output",
                "step 1\nstep 2\nstep 3\nstep 4\nstep 5\n",
                program.stdout_bytes(),
            )
            .because(
                "print `step <n>` on a line of its own as step n completes, n from 1 for each Run",
            ));
        }
        Ok(())
    })
    .await?;

    g.reproduce(format!(
        "{run}, then: {} -max-time 0.2 …",
        grpcurl(
            PROTO_JOBS,
            &[("authorization", &auth)],
            &format!(r#"{{"steps":{LONG_RUN}}}"#),
            "netlings.jobs.v1.Jobs/Run"
        )
    ));
    g.check(CHECKS[7], async {
        let options = authorized.clone().with_timeout(DEADLINE);
        let mut call = jobs::start_run(&channel, LONG_RUN, &options);
        let deadline = call.started + DEADLINE;
        let (answer, printed) = tokio::join!(
            call.finish(DEADLINE + Duration::from_secs(1)),
            jobs::steps_during(&program, DEADLINE + WATCH)
        );
        g.plot(steps_plot(
            "with a 200 ms deadline",
            "step lines read",
            &printed,
            call.started,
            deadline,
            "deadline",
        ));
        match answer {
            None => {
                call.cancel();
                channel.event(
                    "the deadline passed 1 s ago and the call is still open: netlings gives up \
                     on it, as a gRPC client does at its deadline",
                );
            }
            Some(answer) => match answer.result {
                Err(status) if is_deadline(&status) => {}
                Err(status) => {
                    return Err(Failure::fail(format!(
                        "Run with a 200 ms deadline ended with {}; the deadline passing is \
                         DEADLINE_EXCEEDED (4) (or CANCELLED \"Timeout expired\" from tonic)",
                        status_text(&status)
                    )));
                }
                Ok(reply) => {
                    return Err(Failure::fail(format!(
                        "Run of {LONG_RUN} steps (3 s of work) with a 200 ms deadline replied OK \
                         after {} ms: {reply:?}",
                        answer.took.as_millis()
                    )));
                }
            },
        }
        judge_steps(&program, &printed, deadline, "the deadline passed")
    })
    .await?;

    g.check(CHECKS[8], async {
        if program
            .not_judged("whether it stops working on a cancelled Run (seen in its `step` lines)")
        {
            return Ok(());
        }
        let before = jobs::steps(&program).len();
        let call = jobs::start_run(&channel, LONG_RUN, &authorized);
        let fifth = program
            .wait_stdout(g.limits.io, |_| {
                (jobs::steps(&program).len() >= before + 5).then_some(())
            })
            .await;
        if fifth.is_none() {
            return Err(Failure::timeout(format!(
                "Run of {LONG_RUN} steps printed {} steps within {:.0} s",
                jobs::steps(&program).len() - before,
                g.limits.io.as_secs_f64()
            )));
        }
        let started = call.started;
        let cancelled = call.cancel();
        let printed = jobs::steps_during(&program, WATCH).await;
        g.plot(steps_plot(
            "cancelled by netlings",
            "step lines read after the cancel",
            &printed,
            started,
            cancelled,
            "cancelled",
        ));
        judge_steps(&program, &printed, cancelled, "netlings cancelled the call")
    })
    .await?;

    drop(program);
    Ok(())
}

/// Every rpc `options` authorizes wrongly is refused with UNAUTHENTICATED,
/// before it does anything (a Run prints no step).
async fn refused(
    g: &Grading,
    channel: &Channel,
    options: CallOptions,
    key: &str,
    how: &str,
) -> Result<(), Failure> {
    let kv = Kv::new(channel, options.clone());
    kv.put(key, b"intruder")
        .await
        .status(Code::Unauthenticated, &format!("Put {how}"))
        .map_err(|f| f.because(AUTH_RULE))?;
    kv.get(key)
        .await
        .status(Code::Unauthenticated, &format!("Get {how}"))
        .map_err(|f| f.because(AUTH_RULE))?;
    let mut call = jobs::start_run(channel, 3, &options);
    let answer = call
        .finish(g.limits.io)
        .await
        .ok_or_else(|| Failure::timeout(format!("Run {how} did not end within 5 s")))?;
    answer
        .status(Code::Unauthenticated, &format!("Run ({RUN}) {how}"))
        .map_err(|f| f.because(AUTH_RULE))?;
    Ok(())
}

/// The `step` lines read over time since the Run began, with the moment it
/// should stop (`moment`, called `what`) and the grace after it.
fn steps_plot(
    how: &str,
    series: &str,
    printed: &[(u64, Instant)],
    started: Instant,
    moment: Instant,
    what: &str,
) -> Plot {
    let at = moment.saturating_duration_since(started);
    Plot {
        title: format!(
            "`step` lines read from your server during a Run of {LONG_RUN} steps {how}: \
             more than {LATE_ALLOWED} after the grace fail"
        ),
        kind: PlotKind::Steps {
            y: "step lines read".into(),
            series: vec![Series::counting(
                series,
                started,
                printed.iter().map(|(_, at)| (*at, 1)),
            )],
            band: None,
            marks: vec![
                (at, what.to_string()),
                (at + GRACE, format!("+{} ms grace", GRACE.as_millis())),
            ],
        },
    }
}

/// The steps read after `moment` + grace: a few may be late, a running
/// worker prints dozens.
fn judge_steps(
    program: &Program,
    printed: &[(u64, Instant)],
    moment: Instant,
    what: &str,
) -> Result<(), Failure> {
    if program.not_judged(&format!(
        "whether it stopped working after {what} (seen in its `step` lines)"
    )) {
        return Ok(());
    }
    let late: Vec<&(u64, Instant)> = printed
        .iter()
        .filter(|(_, at)| *at > moment + GRACE)
        .collect();
    if late.len() > LATE_ALLOWED {
        let (last, at) = late[late.len() - 1];
        return Err(Failure::fail(format!(
            "after {what}, your server went on working: it printed {} more steps, the last \
             (step {last}) {} ms after it",
            late.len(),
            at.saturating_duration_since(moment).as_millis()
        ))
        .because(STOP_RULE));
    }
    if printed.is_empty() && what.contains("deadline") && program.exit_status().is_none() {
        return Err(Failure::fail(format!(
            "your server printed no `step` line during a Run of {LONG_RUN} steps, in the {} ms \
             before its deadline",
            DEADLINE.as_millis()
        ))
        .because("print `step <n>` as step n completes, not at the end"));
    }
    Ok(())
}
