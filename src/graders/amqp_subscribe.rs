//! `amqp_subscribe` — two subscribers, each with a queue of its own.
//!
//! netlings declares the durable fanout exchange and starts two copies of
//! the program, each behind its own recording proxy. Once both copies'
//! bindings are on the wire (no sleeping on either side), it publishes a
//! few messages and `END`. Each copy must print every message (a queue
//! shared by the copies would split them), ack each one, and exit 0 after
//! `END`. The wire shows each queue was server-named and exclusive.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write a subscriber of a pub/sub system: | — | the introduction of the list below |
//! | Connect to the broker at `NETLINGS_AMQP_URL`. | `both copies connect` | `amqp_subscribe__direct_to_broker` |
//! | Declare the durable fanout exchange named by `NETLINGS_EXCHANGE` (netlings may have declared it already, with these same arguments). | `each copy declares the durable fanout exchange` | `amqp_subscribe__transient_exchange` |
//! | Declare a queue of your own: server-named (an empty name) and exclusive. | `each copy's queue is its own` `each copy prints every message` | `amqp_subscribe__not_exclusive` `amqp_subscribe__shared_queue` |
//! | Bind it to the exchange. | `each copy binds a queue` | `amqp_subscribe__no_bind` |
//! | Consume it: print each message's body on a line of its own, and ack each message. | `each copy prints every message` `each copy acks every message` | `amqp_subscribe__shared_queue` `amqp_subscribe__auto_ack` |
//! | When the body is `END`, do not print it: exit with status 0. | `each copy exits with status 0` | `amqp_subscribe__ignores_end` |
//! | Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`. | — | what netlings provides |

use amq_protocol::protocol::{AMQPClass, exchange, queue};

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::amqp::proxy::Proxy;
use crate::peers::amqp::record::{deliveries, queue_declaration, refusal};
use crate::peers::amqp::wire::Side;
use crate::peers::amqp::{Broker, DEFAULT_URL};

pub const CHECKS: &[&str] = &[
    "a RabbitMQ broker is reachable",
    "both copies connect to NETLINGS_AMQP_URL",
    "each copy declares the durable fanout exchange NETLINGS_EXCHANGE",
    "each copy binds a queue to the exchange",
    "each copy prints every message",
    "each copy's queue is its own: server-named and exclusive",
    "each copy acks every message",
    "each copy exits with status 0 after END, without printing it",
];

/// One running copy of the program.
struct Copy {
    label: &'static str,
    program: Program,
    proxy: Proxy,
}

pub async fn grade(g: &Grading) -> Outcome {
    let broker = g.check(CHECKS[0], Broker::connect(g)).await?;
    let exchange = broker.name("exchange");
    let messages: Vec<String> = (0..g.rng(|r| r.range(4, 7)))
        .map(|i| format!("news {} {}", i + 1, g.rng(|r| r.word(6))))
        .collect();

    let mut copies = g
        .check(CHECKS[1], async {
            broker.declare_exchange(&exchange, "fanout").await?;
            let mut copies = Vec::new();
            for label in ["copy A", "copy B"] {
                let proxy = broker.proxy(g).await?;
                let program = g.start(&[
                    ("NETLINGS_AMQP_URL", proxy.url().to_string()),
                    ("NETLINGS_EXCHANGE", exchange.clone()),
                ])?;
                proxy.attach(&program);
                copies.push(Copy {
                    label,
                    program,
                    proxy,
                });
            }
            for c in &copies {
                let connected = c
                    .proxy
                    .wait_for(
                        &c.program,
                        g.limits.ready,
                        &format!("connecting to NETLINGS_AMQP_URL ({})", c.label),
                        |ev| ev.iter().any(|e| e.from == Side::Program).then_some(()),
                    )
                    .await;
                if let Err(failure) = connected {
                    return Err(directly(&broker, &exchange, failure, c.label).await);
                }
            }
            for c in &copies {
                c.proxy
                    .wait_for_handshake(&c.program, g.limits.io, c.label)
                    .await?;
            }
            Ok(copies)
        })
        .await?;
    g.reproduce(g.run_command(&[
        ("NETLINGS_AMQP_URL", DEFAULT_URL),
        ("NETLINGS_EXCHANGE", "demo"),
    ]));

    g.check(CHECKS[2], async {
        for c in &copies {
            let (request, reply) = c
                .proxy
                .wait_for_reply(&c.program, g.limits.io, &format!("declaring the exchange ({})", c.label), |e| {
                    matches!(e.method(), Some(AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)))
                        if d.exchange.as_str() == exchange)
                })
                .await
                .map_err(|f| {
                    f.because("declare the exchange yourself: whoever comes first creates it")
                })?;
            if let Some(why) = refusal(&reply) {
                return Err(Failure::fail(format!(
                    "the broker refused the exchange.declare of {}: {why}",
                    c.label
                ))
                .because("declare it exactly as the publisher does: type fanout, durable, no arguments"));
            }
            if let Some(AMQPClass::Exchange(exchange::AMQPMethod::Declare(d))) = request.method()
                && (d.kind.as_str() != "fanout" || !d.durable)
            {
                return Err(Failure::fail(format!(
                    "{} declared the exchange with type={} durable={}: the exercise wants a durable fanout exchange",
                    c.label,
                    d.kind.as_str(),
                    d.durable
                )));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        for c in &copies {
            let (_, reply) = c
                .proxy
                .wait_for_reply(
                    &c.program,
                    g.limits.io,
                    &format!("binding a queue to the exchange ({})", c.label),
                    |e| {
                        matches!(e.method(), Some(AMQPClass::Queue(queue::AMQPMethod::Bind(b)))
                        if b.exchange.as_str() == exchange)
                    },
                )
                .await?;
            if let Some(why) = refusal(&reply) {
                return Err(Failure::fail(format!(
                    "the broker refused the queue.bind of {}: {why}",
                    c.label
                )));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        for m in &messages {
            broker.publish(&exchange, "", m.as_bytes()).await?;
        }
        broker.publish(&exchange, "", b"END").await?;
        for c in copies.iter_mut() {
            let _ = c.program.wait(g.limits.io).await;
        }
        if copies.iter().any(|c| c.program.not_judged(&format!("what {} printed", c.label))) {
            return Ok(());
        }
        let printed: Vec<Vec<String>> = copies
            .iter()
            .map(|c| c.program.stdout_lines())
            .collect();
        for (c, lines) in copies.iter().zip(&printed) {
            let missing: Vec<&String> = messages.iter().filter(|m| !lines.contains(m)).collect();
            if missing.is_empty() {
                continue;
            }
            let mut failure = Failure::mismatch(
                format!(
                    "{} did not print every message netlings published ({} of {} missing)",
                    c.label,
                    missing.len(),
                    messages.len()
                ),
                "the messages, one per line",
                format!("{}\n", messages.join("\n")),
                c.program.stdout_bytes(),
            );
            let others: usize = printed.iter().map(|p| p.iter().filter(|l| messages.contains(l)).count()).sum();
            if others >= messages.len() && others < 2 * messages.len() {
                failure = failure.because(
                    "the two copies split the messages between them: they consumed one shared queue. Each subscriber needs a queue of its own",
                );
            }
            return Err(failure);
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        for c in &copies {
            let events = c.proxy.events();
            let Some(bind) = events.iter().find_map(|e| match e.method() {
                Some(AMQPClass::Queue(queue::AMQPMethod::Bind(b)))
                    if e.from == Side::Program && b.exchange.as_str() == exchange =>
                {
                    Some(b.clone())
                }
                _ => None,
            }) else {
                continue;
            };
            let declared = queue_declaration(&events, bind.queue.as_str());
            match declared {
                Some((asked, _)) if !asked.is_empty() => {
                    return Err(Failure::fail(format!(
                        "{} declared its queue with the name `{asked}`: a named queue is shared by every subscriber that declares it, and they split the messages",
                        c.label
                    ))
                    .because("declare the queue with an empty name: the broker picks a unique one (amq.gen-…)"));
                }
                Some((_, false)) => {
                    return Err(Failure::fail(format!(
                        "{} declared its queue without exclusive: it outlives the subscriber and keeps filling up on the broker",
                        c.label
                    ))
                    .because("QueueDeclareOptions { exclusive: true, .. }: the queue is then deleted with your connection"));
                }
                Some(_) => {}
                None => {
                    return Err(Failure::fail(format!(
                        "{} bound the queue `{}`, which it did not declare",
                        c.label,
                        bind.queue.as_str()
                    ))
                    .because("declare a server-named exclusive queue of your own and bind that one"));
                }
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[6], async {
        for c in &copies {
            // A copy that has exited: everything it sent is in the record.
            if c.program.exit_status().is_some() {
                c.proxy.settle().await;
            }
            let all = deliveries(&c.proxy.events());
            if all.iter().any(|d| d.auto_ack || (d.body != b"END" && !d.acked())) {
                c.proxy.retell(|e| e.basic().is_some());
            }
            if let Some(d) = all.iter().find(|d| d.auto_ack) {
                return Err(Failure::fail(format!(
                    "{} consumed with no-ack (automatic acks): the broker forgot `{}` as it sent it, so a crash before printing would lose it",
                    c.label,
                    d.body_text()
                ))
                .because("consume with BasicConsumeOptions::default() (no_ack: false) and ack each message after printing it"));
            }
            if let Some(d) = all
                .iter()
                .find(|d| d.body != b"END" && !d.acked())
            {
                return Err(Failure::fail(format!(
                    "{} never acked `{}` (delivery-tag {})",
                    c.label,
                    d.body_text(),
                    d.tag
                ))
                .because("delivery.ack(BasicAckOptions::default()).await after printing each message"));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[7], async {
        for c in copies.iter_mut() {
            let status = expect_exit(
                &mut c.program,
                g.limits.io,
                &format!("netlings published END ({})", c.label),
            )
            .await
            .map_err(|f| f.because("leave the consume loop when the body is END"))?;
            if c.program.stdout_lines().iter().any(|l| l.trim() == "END") {
                return Err(Failure::fail(format!(
                    "{} printed END; it only ends the stream",
                    c.label
                )));
            }
            expect_success(&c.program, status)?;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// A copy that never connected through the proxy: did it bind a queue to
/// the exchange anyway, on a connection of its own to the broker?
async fn directly(broker: &Broker, exchange: &str, failure: Failure, label: &str) -> Failure {
    if broker.routes(exchange, "").await {
        Failure::fail(format!(
            "{label} never connected to NETLINGS_AMQP_URL, yet a queue is bound to the exchange: it connected to the broker directly"
        ))
        .because("connect to the URL in NETLINGS_AMQP_URL (netlings' proxy), not to a broker address of your own")
    } else {
        failure
    }
}
