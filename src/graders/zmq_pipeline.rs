//! `zmq_pipeline` — a worker of the ZeroMQ guide's pipeline, run twice.
//!
//! netlings binds the stable ends: a PUSH ventilator at `NETLINGS_TASKS`
//! and, for each copy of the worker, a PULL sink at its own
//! `NETLINGS_RESULTS` (so it knows which copy did what). It starts two
//! copies and waits until each has connected its PULL to the ventilator and
//! its PUSH to its sink: a copy that binds instead fails to (the address is
//! taken), one that swaps its sockets is refused by the ZMTP handshake.
//! Then it pushes tasks that take tens of milliseconds each, all at once,
//! and checks that every result comes back once, correct, no sooner than
//! its work allows, while both copies keep running. (How many tasks each
//! copy gets is not judged: netlings' PUSH deals them round-robin to the
//! PULLs connected when it sends, whatever a worker does.)
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write a worker of the ZeroMQ guide's pipeline: a ventilator PUSHes tasks, workers PULL them, and PUSH their results to a sink. | — | the roles |
//! | netlings is the ventilator, bound at `NETLINGS_TASKS`, and the sink, bound at `NETLINGS_RESULTS` (`tcp://127.0.0.1:<port>` both). | `both copies connect` | `zmq_pipeline__swapped_sockets` |
//! | Your worker binds nothing: it connects a PULL socket to `NETLINGS_TASKS` and a PUSH socket to `NETLINGS_RESULTS` - the stable ends bind, the workers that come and go connect. | `both copies connect` | `zmq_pipeline__binds` `zmq_pipeline__swapped_sockets` |
//! | Each task is one frame, `<id> <n> <ms>`: work on it for `<ms>` milliseconds (sleep: it stands for real work), then push one frame, `<id> <n*n>`. | `every task's result` | `zmq_pipeline__skips_the_work` |
//! | Then take the next task, until netlings stops you. | `every task's result` | `zmq_pipeline__one_task` `zmq_pipeline__socket_per_task` |

use std::collections::HashMap;
use std::time::{Duration, Instant};

use zeromq::{PullSocket, PushSocket};

use crate::harness::crash::describe_exit;
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::zmq::{Joined, Peer, Zmq, replay, text};
use crate::report::{Plot, PlotKind, Series};

pub const CHECKS: &[&str] = &[
    "both copies connect PULL to NETLINGS_TASKS and PUSH to NETLINGS_RESULTS",
    "every task's result comes back once, correct, after its work",
];

const TASKS: u64 = 12;
const COPIES: [&str; 2] = ["copy A", "copy B"];

struct Task {
    n: u64,
    ms: u64,
    pushed: Instant,
}

pub async fn grade(g: &Grading) -> Outcome {
    let zmq = Zmq::new(g);
    let tasks: Vec<(u64, u64, u64)> = g.rng(|r| {
        let first = r.range(1, 900);
        (0..TASKS)
            .map(|i| (first + i, r.range(1, 3_000_000), r.range(30, 90)))
            .collect()
    });
    let lines: Vec<String> = tasks
        .iter()
        .map(|(id, n, ms)| format!("{id} {n} {ms}"))
        .collect();
    g.reproduce(format!(
        "{} in two terminals, then: {}",
        g.run_command(&[
            ("NETLINGS_TASKS", "tcp://127.0.0.1:7000"),
            ("NETLINGS_RESULTS", "tcp://127.0.0.1:7001"),
        ]),
        replay::pipeline("tcp://127.0.0.1:7000", "tcp://127.0.0.1:7001", &lines)
    ));

    let (programs, mut ventilator, mut sinks) = g
        .check(CHECKS[0], async {
            let (ventilator, tasks_endpoint) =
                zmq.push("the ventilator (PUSH at NETLINGS_TASKS)").await?;
            let mut sinks = Vec::new();
            let mut programs = Vec::new();
            for copy in COPIES {
                let (sink, results_endpoint) = zmq
                    .pull(format!("{copy}'s sink (PULL at NETLINGS_RESULTS)"))
                    .await?;
                sinks.push(sink);
                programs.push(g.start(&[
                    ("NETLINGS_TASKS", tasks_endpoint.clone()),
                    ("NETLINGS_RESULTS", results_endpoint),
                ])?);
            }
            let mut ventilator = ventilator;
            connected(g.limits.ready, &programs, &mut ventilator, &mut sinks).await?;
            Ok((programs, ventilator, sinks))
        })
        .await?;

    g.check(CHECKS[1], async {
        let began = Instant::now();
        let mut pending: HashMap<u64, Task> = HashMap::new();
        for ((id, n, ms), line) in tasks.iter().zip(&lines) {
            pending.insert(
                *id,
                Task {
                    n: *n,
                    ms: *ms,
                    pushed: Instant::now(),
                },
            );
            ventilator.send_text(line).await?;
        }
        let mut answered = Vec::new();
        let verdict = results(&zmq, &programs, &mut sinks, pending, &mut answered).await;
        g.plot(tasks_plot(began, &answered));
        verdict
    })
    .await?;

    ventilator.close().await;
    for sink in sinks {
        sink.close().await;
    }
    Ok(())
}

/// The tasks each copy answered over time, from the first push.
fn tasks_plot(began: Instant, answered: &[(usize, Instant)]) -> Plot {
    Plot {
        title: format!(
            "results of the {TASKS} tasks, per copy of your worker, over time (how they are \
             shared is not judged)"
        ),
        kind: PlotKind::Steps {
            y: "tasks answered".into(),
            series: COPIES
                .iter()
                .enumerate()
                .map(|(i, copy)| {
                    let done = answered.iter().filter(|(c, _)| *c == i);
                    Series::counting(*copy, began, done.map(|(_, at)| (*at, 1)))
                })
                .collect(),
            band: None,
            marks: Vec::new(),
        },
    }
}

/// Waits until both copies are connected: two PULLs at the ventilator, a
/// PUSH at each sink.
async fn connected(
    within: Duration,
    programs: &[Program],
    ventilator: &mut Peer<PushSocket>,
    sinks: &mut [Peer<PullSocket>],
) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::now() + within;
    let mut pulls = 0;
    let mut pushes = [false; 2];
    while pulls < 2 || pushes.contains(&false) {
        let [sink_a, sink_b] = sinks else {
            unreachable!("two sinks")
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        tokio::select! {
            joined = ventilator.joined(left), if pulls < 2 => match joined {
                Some(Joined::Accepted) => pulls += 1,
                Some(Joined::Refused { reason }) => return Err(refused("NETLINGS_TASKS", "PUSH", "PULL", &reason)),
                None => {}
            },
            joined = sink_a.joined(left), if !pushes[0] => match joined {
                Some(Joined::Accepted) => pushes[0] = true,
                Some(Joined::Refused { reason }) => return Err(refused("NETLINGS_RESULTS", "PULL", "PUSH", &reason)),
                None => {}
            },
            joined = sink_b.joined(left), if !pushes[1] => match joined {
                Some(Joined::Accepted) => pushes[1] = true,
                Some(Joined::Refused { reason }) => return Err(refused("NETLINGS_RESULTS", "PULL", "PUSH", &reason)),
                None => {}
            },
            (i, status) = first_exit(programs) => {
                // A refusal may be on its way: it says more than the exit.
                for peer in [&mut *sink_a, &mut *sink_b] {
                    if let Some(Joined::Refused { reason }) = peer.joined(Duration::from_millis(100)).await {
                        return Err(refused("NETLINGS_RESULTS", "PULL", "PUSH", &reason));
                    }
                }
                if let Some(Joined::Refused { reason }) = ventilator.joined(Duration::from_millis(100)).await {
                    return Err(refused("NETLINGS_TASKS", "PUSH", "PULL", &reason));
                }
                return Err(exited_before_connecting(&programs[i], COPIES[i], status));
            },
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Failure::timeout(format!(
                "within {} s, {pulls} of 2 copies connected a PULL to NETLINGS_TASKS, and {} of 2 a PUSH to \
                 NETLINGS_RESULTS",
                within.as_secs(),
                pushes.iter().filter(|p| **p).count()
            ))
            .because(
                "a worker connects both its sockets as it starts: `PullSocket::new()` then `.connect(&tasks)`, \
                 `PushSocket::new()` then `.connect(&results)`",
            ));
        }
    }
    Ok(())
}

fn refused(var: &str, ours: &str, want: &str, reason: &str) -> Failure {
    Failure::fail(format!(
        "a socket of your worker reached {var}, where netlings' {ours} listens, and the ZeroMQ handshake \
         refused it ({reason}): only a {want} can talk to a {ours}"
    ))
    .because(format!(
        "connect your {want} to {var}: did you swap NETLINGS_TASKS and NETLINGS_RESULTS, or send the results on \
         the socket meant for tasks?"
    ))
}

fn exited_before_connecting(
    program: &Program,
    copy: &str,
    status: std::process::ExitStatus,
) -> Failure {
    let stderr = program.stderr_text();
    let exit = describe_exit(status, &stderr);
    let lower = stderr.to_ascii_lowercase();
    let mut failure = Failure::fail(format!(
        "{copy} of your worker {} before it connected both its sockets",
        exit.summary
    ))
    .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default());
    failure.tells_exit = true;
    if lower.contains("in use") || lower.contains("addrinuse") {
        failure = failure.and(
            "it tried to bind an endpoint that netlings has bound: a worker binds nothing. The ventilator and \
             the sink, the stable ends, bind; workers, which come and go, connect to them",
        );
    } else if lower.contains("not compatible") {
        failure = failure.and(
            "ZeroMQ refused one of its sockets: a PULL connects to NETLINGS_TASKS, a PUSH to NETLINGS_RESULTS",
        );
    }
    failure
}

/// The first of `programs` to exit, with its index.
async fn first_exit(programs: &[Program]) -> (usize, std::process::ExitStatus) {
    let exits = programs.iter().map(|p| Box::pin(p.exited()));
    let (status, i, _) = futures_util::future::select_all(exits).await;
    (i, status)
}

/// Collects every result, from either sink; fails at the first wrong one,
/// when a copy exits, or when none comes within the I/O deadline. Returns
/// how many tasks each copy answered; `answered` gets which copy answered
/// a task right, and when.
async fn results(
    zmq: &Zmq,
    programs: &[Program],
    sinks: &mut [Peer<PullSocket>],
    mut pending: HashMap<u64, Task>,
    answered_at: &mut Vec<(usize, Instant)>,
) -> Result<[u64; 2], Failure> {
    let mut done = [0u64; 2];
    let mut answered: HashMap<u64, usize> = HashMap::new();
    while !pending.is_empty() {
        let [sink_a, sink_b] = sinks else {
            unreachable!("two sinks")
        };
        let (copy, frames) = tokio::select! {
            m = sink_a.recv_within(zmq.io()) => (0, m?),
            m = sink_b.recv_within(zmq.io()) => (1, m?),
            (i, status) = first_exit(programs) => {
                let exit = describe_exit(status, &programs[i].stderr_text());
                let mut failure = Failure::fail(format!(
                    "{} of your worker {} after answering {} task{}, with {} task{} still to do",
                    COPIES[i],
                    exit.summary,
                    done[i],
                    if done[i] == 1 { "" } else { "s" },
                    pending.len(),
                    if pending.len() == 1 { "" } else { "s" },
                ))
                .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default())
                .because("a worker loops: it takes the next task, and the next, until netlings stops it");
                failure.tells_exit = true;
                return Err(failure);
            },
        };
        let Some(frames) = frames else {
            let mut ids: Vec<&u64> = pending.keys().collect();
            ids.sort();
            return Err(Failure::timeout(format!(
                "no result came within {} s; tasks without a result: {ids:?} (each takes under 100 ms)",
                zmq.io().as_secs()
            ))
            .because("after each task, push its result `<id> <n*n>` on the PUSH socket connected to NETLINGS_RESULTS"));
        };
        let result = frames
            .iter()
            .map(|f| text(f))
            .collect::<Vec<_>>()
            .join(" | ");
        let who = COPIES[copy];
        let parsed = (frames.len() == 1)
            .then(|| result.split_once(' '))
            .flatten()
            .and_then(|(id, answer)| Some((id.parse::<u64>().ok()?, answer.to_string())));
        let Some((id, answer)) = parsed else {
            return Err(Failure::fail(format!(
                "{who} sent {result:?}: a result is one frame, `<id> <n*n>`"
            )));
        };
        let Some(task) = pending.remove(&id) else {
            return Err(Failure::fail(if let Some(first) = answered.get(&id) {
                format!(
                    "task {id}'s result came twice: from {}, then from {who}",
                    COPIES[*first]
                )
            } else {
                format!(
                    "{who} sent a result for task {id}, which netlings never pushed: {result:?}"
                )
            }));
        };
        answered.insert(id, copy);
        let took = task.pushed.elapsed();
        if answer != (task.n * task.n).to_string() {
            return Err(Failure::mismatch(
                format!("the result of task `{id} {} {}` is wrong", task.n, task.ms),
                "the result",
                format!("{id} {}", task.n * task.n),
                result.into_bytes(),
            ));
        }
        if took < Duration::from_millis(task.ms) {
            return Err(Failure::fail(format!(
                "task {id}'s result came {} ms after netlings pushed it; its work takes {} ms",
                took.as_millis(),
                task.ms
            ))
            .because("work on each task for its <ms> milliseconds (`tokio::time::sleep`) before you push its result"));
        }
        done[copy] += 1;
        answered_at.push((copy, Instant::now()));
    }
    Ok(done)
}
