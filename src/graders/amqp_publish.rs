//! `amqp_publish` — a publisher whose "published" means "the broker has it".
//!
//! netlings declares the durable fanout exchange and binds a queue of its
//! own to it, then starts the program with lines on stdin, behind the
//! recording proxy. It proves, from the wire: the program's own declaration
//! of the exchange, confirm mode before the first publish, every message
//! persistent; from netlings' queue: every line arrived, in order; and by
//! holding the broker's last confirm back for a moment: the program was
//! still waiting for it, and printed `confirmed <n>` only after it came.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write the publisher of a pub/sub system: | — | the introduction of the list below |
//! | Connect to the broker at `NETLINGS_AMQP_URL`. | `connects to NETLINGS_AMQP_URL` | `amqp_publish__direct_to_broker` |
//! | Declare the durable fanout exchange named by `NETLINGS_EXCHANGE`. | `declares the durable fanout exchange` | `amqp_publish__no_declare` `amqp_publish__transient_exchange` |
//! | Turn on publisher confirms on your channel. | `turns publisher confirms on` | `amqp_publish__no_confirms` |
//! | Publish each line of stdin (without its newline), in order, to that exchange as a persistent message (delivery mode 2). | `publishes every line as a persistent message` `netlings' queue received every line` | `amqp_publish__transient` `amqp_publish__keeps_newline` |
//! | Wait until the broker has confirmed every message, then print `confirmed <n>` (n: the number of messages) and exit with status 0. | `waits for the broker's confirms` `` prints `confirmed `` | `amqp_publish__exits_before_acks` `amqp_publish__count_to_stderr` |
//! | Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`; the lines come on stdin. | — | what netlings provides |

use std::time::Duration;

use amq_protocol::protocol::{AMQPClass, basic, channel, confirm, exchange};

use crate::harness::expect::{expect_exit, expect_printed, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::amqp::Broker;
use crate::peers::amqp::wire::{Event, Side, What};

pub const CHECKS: &[&str] = &[
    "a RabbitMQ broker is reachable",
    "connects to NETLINGS_AMQP_URL",
    "declares the durable fanout exchange NETLINGS_EXCHANGE",
    "turns publisher confirms on before publishing",
    "publishes every line as a persistent message (delivery-mode 2)",
    "waits for the broker's confirms before it finishes",
    "netlings' queue received every line, in order",
    "prints `confirmed <n>` and exits with status 0",
];

/// How long the proxy holds the broker's last confirm back.
const SLOW_BROKER: Duration = Duration::from_millis(800);

pub async fn grade(g: &Grading) -> Outcome {
    let broker = g.check(CHECKS[0], Broker::connect(g)).await?;
    let exchange = broker.name("exchange");
    let lines: Vec<String> = (0..g.rng(|r| r.range(4, 8)))
        .map(|i| {
            let words = g.rng(|r| (0..r.range(1, 4)).map(|_| r.word(5)).collect::<Vec<_>>());
            format!("{} {}", i + 1, words.join(" "))
        })
        .collect();
    let n = lines.len();

    let (proxy, mut program, queue) = g
        .check(CHECKS[1], async {
            broker.declare_exchange(&exchange, "fanout").await?;
            let queue = broker.own_queue(&exchange, "").await?;
            let proxy = broker.proxy(g).await?;
            proxy.hold_confirm_of(n, SLOW_BROKER.mul_f64(crate::harness::time_scale()));
            let input = format!("{}\n", lines.join("\n"));
            let program = g.start_with_input(
                &[
                    ("NETLINGS_AMQP_URL", proxy.url().to_string()),
                    ("NETLINGS_EXCHANGE", exchange.clone()),
                ],
                Some(input.as_bytes()),
            )?;
            proxy.attach(&program);
            let connected = proxy
                .wait_for(&program, g.limits.ready, "connecting to NETLINGS_AMQP_URL", |ev| {
                    ev.iter()
                        .any(|e| matches!(e.what, What::ProtocolHeader))
                        .then_some(())
                })
                .await;
            if let Err(failure) = connected {
                // Did it publish anyway, straight to the broker?
                return Err(match broker.get(&queue).await {
                    Ok(Some(_)) => Failure::fail(
                        "your program published to the broker directly, not through NETLINGS_AMQP_URL",
                    )
                    .because("connect to the URL in NETLINGS_AMQP_URL (netlings' proxy), not to a broker address of your own"),
                    _ => failure,
                });
            }
            proxy
                .wait_for_handshake(&program, g.limits.io, "your program")
                .await?;
            Ok((proxy, program, queue))
        })
        .await?;
    g.reproduce(format!(
        "printf 'one\\ntwo\\n' | {}",
        g.run_command(&[
            ("NETLINGS_AMQP_URL", crate::peers::amqp::DEFAULT_URL),
            ("NETLINGS_EXCHANGE", "demo")
        ])
    ));

    g.check(CHECKS[2], async {
        let (declare, answer) = proxy
            .wait_for(&program, g.limits.io, "declaring the exchange", |ev| {
                let (i, d) = ev.iter().enumerate().find_map(|(i, e)| match e.method() {
                    Some(AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)))
                        if e.from == Side::Program && d.exchange.as_str() == exchange =>
                    {
                        Some((i, (d.clone(), e.channel, e.conn)))
                    }
                    _ => None,
                })?;
                let answer = ev[i..].iter().find(|e| {
                    e.from == Side::Broker
                        && e.conn == d.2
                        && e.channel == d.1
                        && matches!(
                            e.method(),
                            Some(
                                AMQPClass::Exchange(exchange::AMQPMethod::DeclareOk(_))
                                    | AMQPClass::Channel(channel::AMQPMethod::Close(_))
                            )
                        )
                });
                answer.map(|a| (d.0.clone(), a.clone()))
            })
            .await
            .map_err(|f| {
                f.because("declare the exchange yourself (exchange_declare), even if it may exist: declaring is how a program makes sure")
            })?;
        if let Some(AMQPClass::Channel(channel::AMQPMethod::Close(close))) = answer.method() {
            return Err(Failure::fail(format!(
                "the broker refused your exchange.declare: {} {}",
                close.reply_code,
                close.reply_text.as_str()
            ))
            .because("declare it exactly as the exercise says: type fanout, durable, not auto-delete, no arguments"));
        }
        if declare.kind.as_str() != "fanout" || !declare.durable || declare.passive {
            return Err(Failure::fail(format!(
                "your exchange.declare asked for type={} durable={}{}; the exercise wants a durable fanout exchange",
                declare.kind.as_str(),
                declare.durable,
                if declare.passive { " passive" } else { "" }
            )));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        let first = proxy
            .wait_for(&program, g.limits.io, "publishing", |ev| {
                ev.iter().position(is_publish)
            })
            .await?;
        let events = proxy.events();
        let publish = &events[first];
        let confirmed = events[..first].iter().any(|e| {
            e.from == Side::Program
                && e.conn == publish.conn
                && e.channel == publish.channel
                && matches!(e.method(), Some(AMQPClass::Confirm(confirm::AMQPMethod::Select(_))))
        });
        if !confirmed {
            proxy.retell(|e| e.from == Side::Program && e.method().is_some());
            return Err(Failure::fail(
                "your program published without confirm.select on that channel: the broker never tells it whether a message was taken",
            )
            .because("call channel.confirm_select(ConfirmSelectOptions::default()) before the first basic_publish, on the same channel"));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        let publishes = proxy
            .wait_for(&program, g.limits.io, &format!("publishing {n} messages"), |ev| {
                let p: Vec<Event> = ev.iter().filter(|e| is_publish(e)).cloned().collect();
                (p.len() >= n).then_some(p)
            })
            .await?;
        for p in &publishes {
            let mode = p.content().and_then(|c| *c.properties.delivery_mode());
            if mode != Some(2) {
                proxy.retell(is_publish);
                return Err(Failure::fail(format!(
                    "a message was published with delivery-mode={}: a transient message is lost when the broker restarts",
                    mode.map_or("none".to_string(), |m| m.to_string())
                ))
                .because("publish with BasicProperties::default().with_delivery_mode(2)"));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let released = proxy
            .wait_for(
                &program,
                g.limits.io + SLOW_BROKER,
                "the broker confirmed its last message",
                |ev| {
                    ev.iter().find_map(|e| match e.what {
                        What::ConfirmReleased { program_left } => {
                            Some((program_left, e.printed_before.clone().unwrap_or_default()))
                        }
                        _ => None,
                    })
                },
            )
            .await
            .map_err(|f| {
                if program.exit_status().is_some() {
                    // It ended before the broker's confirm even came.
                    Failure::fail(format!(
                        "your program finished before the broker's confirm of message {n} came: it did not wait for the confirms"
                    ))
                } else {
                    f
                }
                .because("keep each PublisherConfirm and .await it (or channel.wait_for_confirms()) before exiting")
            })?;
        let (left, printed) = released;
        if left {
            return Err(Failure::fail(format!(
                "your program closed its connection while the broker's confirm of message {n} was still on its way: it did not wait for the confirms",
            ))
            .because("keep each PublisherConfirm and .await it (or channel.wait_for_confirms()) before you print and close"));
        }
        if String::from_utf8_lossy(&printed).contains("confirmed") {
            return Err(Failure::fail(format!(
                "your program printed `confirmed` before the broker had confirmed message {n}"
            ))
            .because("print only after every PublisherConfirm has resolved"));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[6], async {
        let status_known = expect_exit(&mut program, g.limits.io, "its last confirm").await;
        let mut got = Vec::new();
        while got.len() <= n {
            match broker.get(&queue).await? {
                Some(body) => got.push(String::from_utf8_lossy(&body).into_owned()),
                None => break,
            }
        }
        if got != lines {
            return Err(Failure::mismatch(
                "netlings' queue, bound to your exchange, did not receive every line in order",
                "the messages in netlings' queue, one per line",
                format!("{}\n", lines.join("\n")),
                if got.is_empty() { Vec::new() } else { format!("{}\n", got.join("\n")).into_bytes() },
            )
            .because("publish each line of stdin, without its newline, to NETLINGS_EXCHANGE, in order (one channel)"));
        }
        status_known.map(|_| ())
    })
    .await?;

    g.check(CHECKS[7], async {
        let status = expect_exit(&mut program, g.limits.io, "its last confirm").await?;
        expect_printed(&program, &format!("confirmed {n}"))?;
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

fn is_publish(e: &Event) -> bool {
    e.from == Side::Program && matches!(e.basic(), Some(basic::AMQPMethod::Publish(_)))
}
