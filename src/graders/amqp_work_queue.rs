//! `amqp_work_queue` — two workers on one durable queue; one dies mid-task.
//!
//! Each worker runs behind a recording proxy of its own. Once both consume
//! the queue, netlings publishes a long task and short ones: from the
//! record it proves each task was worked on for its `<ms>`, printed as done
//! before its ack (the program's stdout is read at the moment each ack
//! passes), and that no worker ever held two unacked tasks (prefetch 1: the
//! short tasks never wait behind the long one). Then it publishes another
//! long task and SIGKILLs the worker the proxy saw receive it and not ack
//! it: the broker must redeliver it, flagged `redelivered`, to the other
//! worker, which does it once; no task is lost, none is done twice.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write a worker of a task queue: | — | the introduction of the list below |
//! | Connect to the broker at `NETLINGS_AMQP_URL`. | `both workers connect` | `amqp_work_queue__direct_to_broker` |
//! | Declare the durable queue named by `NETLINGS_QUEUE`. | `each worker declares the durable queue` | `amqp_work_queue__transient_queue` |
//! | Consume it with a prefetch of 1 (`basic_qos`) and manual acks. | `each worker consumes the queue` `prefetch 1` `does each task` | `amqp_work_queue__tutorial_queue_name` `amqp_work_queue__no_prefetch` `amqp_work_queue__auto_ack` |
//! | A task's body is `<id> <ms>` (the id has no spaces): do the work - wait `ms` milliseconds - then print `done <id>`, and only then ack it. | `does each task` `a task of a worker killed` | `amqp_work_queue__skips_the_work` `amqp_work_queue__ack_before_work` `amqp_work_queue__done_twice` |
//! | Keep running until you are stopped. | `a task of a worker killed` | `amqp_work_queue__exits_when_idle` |
//! | Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_QUEUE`. | — | what netlings provides |

use std::time::{Duration, Instant};

use amq_protocol::protocol::{AMQPClass, basic, queue};

use crate::harness::crash::describe_exit;
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::amqp::proxy::Proxy;
use crate::peers::amqp::record::{Delivery, deliveries, refusal};
use crate::peers::amqp::wire::Event;
use crate::peers::amqp::{Broker, DEFAULT_URL};
use crate::report::{Plot, PlotKind, Series};

pub const CHECKS: &[&str] = &[
    "a RabbitMQ broker is reachable",
    "both workers connect to NETLINGS_AMQP_URL",
    "each worker declares the durable queue NETLINGS_QUEUE",
    "each worker consumes the queue",
    "does each task (waits <ms>), prints `done <id>`, and only then acks it",
    "prefetch 1: a worker busy with a task is given no other",
    "a task of a worker killed mid-task is redelivered to the other; no task is lost, and each is done once",
];

/// The long tasks' and the short ones' work, in milliseconds.
const LONG_MS: u64 = 1200;
const SHORT_MS: u64 = 50;
const SHORT_TASKS: usize = 4;

struct Worker {
    label: &'static str,
    program: Program,
    proxy: Proxy,
    /// netlings killed it on purpose: its exit is no failure.
    killed: bool,
}

impl Worker {
    fn deliveries(&self) -> Vec<Delivery> {
        deliveries(&self.proxy.events())
    }

    fn done_lines(&self, id: &str) -> usize {
        self.program
            .stdout_lines()
            .iter()
            .filter(|l| l.trim() == format!("done {id}"))
            .count()
    }
}

/// Waits until `found` finds what it looks for in both workers' records;
/// fails when a worker that netlings did not kill exits, or after `within`.
async fn until<T>(
    workers: &[Worker],
    within: Duration,
    what: &str,
    mut found: impl FnMut(&[Vec<Event>]) -> Option<T>,
) -> Result<T, Failure> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let records: Vec<Vec<Event>> = workers.iter().map(|w| w.proxy.events()).collect();
        if let Some(t) = found(&records) {
            return Ok(t);
        }
        let lengths: Vec<usize> = records.iter().map(Vec::len).collect();
        let changed = futures_util::future::select_all(
            workers
                .iter()
                .zip(lengths)
                .map(|(w, n)| Box::pin(w.proxy.until(move |ev| (ev.len() > n).then_some(())))),
        );
        let exited = futures_util::future::select_all(
            workers
                .iter()
                .filter(|w| !w.killed)
                .map(|w| Box::pin(async move { (w.label, w.program.exited().await) })),
        );
        tokio::select! {
            _ = changed => {}
            ((label, status), _, _) = exited => {
                for w in workers {
                    w.proxy.settle().await;
                }
                let records: Vec<Vec<Event>> = workers.iter().map(|w| w.proxy.events()).collect();
                if let Some(t) = found(&records) {
                    return Ok(t);
                }
                let stderr = workers.iter().find(|w| w.label == label).map(|w| w.program.stderr_text()).unwrap_or_default();
                let exit = describe_exit(status, &stderr);
                let mut failure = Failure::fail(format!("{label} {} before {what}", exit.summary))
                    .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default())
                    .because("a worker runs until it is stopped: it keeps consuming, also when the queue is empty");
                failure.tells_exit = true;
                return Err(failure);
            }
            () = tokio::time::sleep_until(deadline) => {
                return Err(Failure::timeout(format!(
                    "{what}: not on the wire within {:.0} s",
                    within.as_secs_f64()
                )));
            }
        }
    }
}

/// The tasks each worker held (delivered, not yet acked) over time, as its
/// proxy saw them: prefetch 1 allows one at a time.
fn held_plot(workers: &[Worker]) -> Plot {
    let records: Vec<Vec<Event>> = workers.iter().map(|w| w.proxy.events()).collect();
    let origin = records
        .iter()
        .flat_map(|events| deliveries(events).into_iter().map(|d| events[d.at].at))
        .min()
        .unwrap_or_else(Instant::now);
    let series = workers
        .iter()
        .zip(&records)
        .map(|(w, events)| {
            let changes = deliveries(events).into_iter().flat_map(|d| {
                let settled = d.settled.map(|s| (events[s.at].at, -1));
                std::iter::once((events[d.at].at, 1)).chain(settled)
            });
            Series::counting(w.label, origin, changes)
        })
        .collect();
    Plot {
        title: "tasks each worker held unacked over time, as its proxy saw them (prefetch 1: \
                one at a time)"
            .into(),
        kind: PlotKind::Steps {
            y: "tasks held".into(),
            series,
            band: Some((0.0, 1.0)),
            marks: Vec::new(),
        },
    }
}

/// A check judged from the records: when it fails, its transcript retells
/// the workers' basic.* methods (qos, consume, deliveries, acks).
async fn retold<T>(
    workers: &[Worker],
    check: impl std::future::Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    let result = check.await;
    if result.is_err() {
        for w in workers {
            w.proxy.retell(|e| e.basic().is_some());
        }
    }
    result
}

pub async fn grade(g: &Grading) -> Outcome {
    let broker = g.check(CHECKS[0], Broker::connect(g)).await?;
    let queue = broker.queue_name("tasks");
    let id = |kind: &str| format!("{kind}-{}", g.rng(|r| r.word(5)));
    let long = id("long");
    let shorts: Vec<String> = (0..SHORT_TASKS)
        .map(|i| id(&format!("short{}", i + 1)))
        .collect();
    let last = id("last");

    let mut workers = g
        .check(CHECKS[1], async {
            let mut workers = Vec::new();
            for label in ["worker A", "worker B"] {
                let proxy = broker.proxy(g).await?;
                let program = g.start(&[
                    ("NETLINGS_AMQP_URL", proxy.url().to_string()),
                    ("NETLINGS_QUEUE", queue.clone()),
                ])?;
                proxy.attach(&program);
                workers.push(Worker { label, program, proxy, killed: false });
            }
            for w in &workers {
                let connected = w
                    .proxy
                    .wait_for(&w.program, g.limits.ready, &format!("connecting to NETLINGS_AMQP_URL ({})", w.label), |ev| {
                        (!ev.is_empty()).then_some(())
                    })
                    .await;
                if let Err(failure) = connected {
                    return Err(match broker.queue_counts(&queue).await {
                        Some((_, consumers)) if consumers > 0 => Failure::fail(format!(
                            "{} never connected to NETLINGS_AMQP_URL, yet the queue has a consumer: it connected to the broker directly",
                            w.label
                        ))
                        .because("connect to the URL in NETLINGS_AMQP_URL (netlings' proxy), not to a broker address of your own"),
                        _ => failure,
                    });
                }
            }
            for w in &workers {
                w.proxy
                    .wait_for_handshake(&w.program, g.limits.io, w.label)
                    .await?;
            }
            Ok(workers)
        })
        .await?;
    g.reproduce(format!(
        "{}  # then publish `job1 500` to the queue `demo`",
        g.run_command(&[
            ("NETLINGS_AMQP_URL", DEFAULT_URL),
            ("NETLINGS_QUEUE", "demo")
        ])
    ));

    g.check(CHECKS[2], async {
        for w in &workers {
            let (request, reply) = w
                .proxy
                .wait_for_reply(&w.program, g.limits.io, &format!("declaring the queue ({})", w.label), |e| {
                    matches!(e.method(), Some(AMQPClass::Queue(queue::AMQPMethod::Declare(d))) if d.queue.as_str() == queue)
                })
                .await
                .map_err(|f| f.because("declare the queue in each worker: whichever starts first creates it"))?;
            if let Some(why) = refusal(&reply) {
                return Err(Failure::fail(format!("the broker refused the queue.declare of {}: {why}", w.label))
                    .because("declare it the same way in every worker: durable, not exclusive, not auto-delete, no arguments"));
            }
            if let Some(AMQPClass::Queue(queue::AMQPMethod::Declare(d))) = request.method()
                && (!d.durable || d.passive)
            {
                return Err(Failure::fail(format!(
                    "{} declared the queue with durable={}{}: a task queue must survive a broker restart",
                    w.label,
                    d.durable,
                    if d.passive { " passive" } else { "" }
                ))
                .because("QueueDeclareOptions { durable: true, .. }"));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        for w in &workers {
            w.proxy
                .wait_for(
                    &w.program,
                    g.limits.io,
                    &format!("consuming the queue ({})", w.label),
                    |ev| {
                        ev.iter().enumerate().find_map(|(i, e)| match e.basic() {
                            Some(basic::AMQPMethod::Consume(c)) if c.queue.as_str() == queue => {
                                crate::peers::amqp::record::reply_to(ev, i).map(|_| ())
                            }
                            Some(basic::AMQPMethod::Get(get)) if get.queue.as_str() == queue => {
                                Some(())
                            }
                            _ => None,
                        })
                    },
                )
                .await?;
        }
        Ok(())
    })
    .await?;

    let first_round: Vec<(String, u64)> = std::iter::once((long.clone(), LONG_MS))
        .chain(shorts.iter().map(|s| (s.clone(), SHORT_MS)))
        .collect();
    g.check(CHECKS[4], retold(&workers, async {
        // One burst: a worker without prefetch 1 is pushed tasks while it
        // holds the long one, however slowly netlings runs.
        let bodies: Vec<String> = first_round.iter().map(|(task, ms)| format!("{task} {ms}")).collect();
        let bodies: Vec<&[u8]> = bodies.iter().map(|b| b.as_bytes()).collect();
        broker.publish_all("", &queue, &bodies).await?;
        let within = g.limits.io * 2 + Duration::from_millis(LONG_MS);
        until(&workers, within, "every task was done and acked", |records| {
            let all: Vec<Delivery> = records.iter().flat_map(|r| deliveries(r)).collect();
            let settled_otherwise = all.iter().any(|d| d.auto_ack || (d.settled.is_some() && !d.acked()));
            let all_acked = first_round.iter().all(|(t, _)| {
                all.iter().any(|d| d.body_text().starts_with(&format!("{t} ")) && d.acked())
            });
            (settled_otherwise || all_acked).then_some(())
        })
        .await?;
        for w in &workers {
            let events = w.proxy.events();
            for d in w.deliveries() {
                let task = d.body_text();
                let (id, ms) = task.split_once(' ').unwrap_or((&task, "0"));
                let ms: u64 = ms.parse().unwrap_or(0);
                if d.auto_ack {
                    return Err(Failure::fail(format!(
                        "{} consumes with no-ack (automatic acks): the broker forgets each task as it sends it, so a worker that dies mid-task loses it",
                        w.label
                    ))
                    .because("consume with BasicConsumeOptions::default() (no_ack: false) and ack each task after its work"));
                }
                let Some(settled) = &d.settled else { continue };
                if !d.acked() {
                    return Err(Failure::fail(format!(
                        "{} answered task `{task}` with {} instead of doing it",
                        w.label, settled.how
                    )));
                }
                let printed = String::from_utf8_lossy(settled.printed_before.as_deref().unwrap_or_default()).into_owned();
                if !printed.lines().any(|l| l.trim() == format!("done {id}"))
                    && !w.program.not_judged(&format!("whether it printed `done {id}` before its ack"))
                {
                    return Err(Failure::fail(format!(
                        "{} acked task `{task}` before it printed `done {id}`: if it dies before the work is done, the task is lost",
                        w.label
                    ))
                    .because("ack after the work: wait, print `done <id>`, then delivery.ack(…)"));
                }
                let took = events[settled.at].at.duration_since(events[d.at].at);
                if took < Duration::from_millis(ms) {
                    return Err(Failure::fail(format!(
                        "{} acked task `{task}` {} ms after receiving it: the work takes {ms} ms",
                        w.label,
                        took.as_millis()
                    ))
                    .because("do the work: wait <ms> milliseconds (tokio::time::sleep or thread::sleep) before printing done"));
                }
            }
        }
        Ok(())
    }))
    .await?;

    g.check(CHECKS[5], retold(&workers, async {
        g.plot(held_plot(&workers));
        for w in &workers {
            let all = w.deliveries();
            for d in &all {
                let held: Vec<String> = all
                    .iter()
                    .filter(|o| o.at <= d.at && o.settled.as_ref().is_none_or(|s| s.at > d.at))
                    .map(|o| format!("`{}`", o.body_text()))
                    .collect();
                if held.len() > 1 {
                    return Err(Failure::fail(format!(
                        "{} was given {} tasks at once ({}): while it works on one, the others wait although the other worker is idle",
                        w.label,
                        held.len(),
                        held.join(", ")
                    ))
                    .because("channel.basic_qos(1, BasicQosOptions::default()) before basic_consume: one unacked task per worker"));
                }
            }
        }
        Ok(())
    }))
    .await?;

    g.check(CHECKS[6], async {
        if workers.iter().any(|w| {
            w.program
                .not_judged("redelivery after a worker dies mid-task: netlings cannot kill a program it did not start")
        }) {
            return Ok(());
        }
        broker.publish("", &queue, format!("{last} {LONG_MS}").as_bytes()).await?;
        let is_last = |d: &Delivery| d.body_text().starts_with(&format!("{last} "));
        let victim = until(&workers, g.limits.io, &format!("a worker received task `{last}`"), |records| {
            records.iter().position(|r| deliveries(r).iter().any(is_last))
        })
        .await?;
        let (mid_task, label) = {
            let w = &workers[victim];
            (w.deliveries().iter().any(|d| is_last(d) && d.settled.is_none()), w.label)
        };
        if !mid_task {
            return Err(Failure::error(format!(
                "{label} had already acked `{last}` when netlings meant to kill it mid-task (the machine is very slow?): run it again"
            )));
        }
        workers[victim].program.kill_now();
        workers[victim].killed = true;
        g.transcript.event(None, format!("netlings kills {label} (SIGKILL) while it holds task `{last}` unacked"));
        let other = 1 - victim;
        let redelivered = until(&workers, g.limits.io * 2 + Duration::from_millis(LONG_MS), &format!("the other worker did task `{last}`"), |records| {
            deliveries(&records[other]).into_iter().find(|d| is_last(d) && d.acked())
        })
        .await?;
        if !redelivered.redelivered {
            return Err(Failure::fail(format!(
                "{} got `{last}` without the redelivered flag: it was not the killed worker's task coming back",
                workers[other].label
            )));
        }
        let killed_printed = workers[victim].done_lines(&last);
        let other_printed = workers[other].done_lines(&last);
        if killed_printed + other_printed != 1 {
            return Err(Failure::fail(format!(
                "`done {last}` was printed {} times ({label}: {killed_printed}, {}: {other_printed}); a task is done once",
                killed_printed + other_printed,
                workers[other].label
            )));
        }
        let mut wrong = Vec::new();
        for (task, _) in &first_round {
            let n: usize = workers.iter().map(|w| w.done_lines(task)).sum();
            if n != 1 {
                wrong.push(format!("`done {task}` printed {n} times"));
            }
        }
        if !wrong.is_empty() {
            return Err(Failure::fail(wrong.join("; "))
                .because("each task is done once, and acked after it is done"));
        }
        let alive = workers.iter().find(|w| !w.killed);
        if let Some(w) = alive
            && let Some(status) = w.program.exit_status()
        {
            return Err(Failure::fail(format!(
                "{} {} after its tasks: a worker runs until it is stopped",
                w.label,
                describe_exit(status, &w.program.stderr_text()).summary
            )));
        }
        Ok(())
    })
    .await?;
    Ok(())
}
