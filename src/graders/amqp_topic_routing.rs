//! `amqp_topic_routing` — one queue, several binding patterns.
//!
//! netlings declares the durable topic exchange, starts the program with
//! three patterns (`<a>.*`, `*.<b>`, `<c>.#`) behind the recording proxy,
//! and waits until every pattern is bound to one server-named exclusive
//! queue. Then it publishes messages whose keys match one pattern, two, or
//! none - the edge cases of `*` (exactly one word) and `#` (zero or more)
//! among them - and `END`. The program must print exactly the matching
//! messages, each once.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Write a subscriber that picks its messages by routing key: | — | the introduction of the list below |
//! | Connect to the broker at `NETLINGS_AMQP_URL`. | `connects to NETLINGS_AMQP_URL` | `amqp_topic_routing__direct_to_broker` |
//! | Declare the durable topic exchange named by `NETLINGS_EXCHANGE`. | `declares the durable topic exchange` | `amqp_topic_routing__direct_exchange` |
//! | Declare one server-named, exclusive queue, and bind it to the exchange with every pattern of `NETLINGS_PATTERNS` (comma-separated, e.g. `kern.*,*.critical,audit.#`). | `binds its queue with every pattern` `binds one queue, server-named and exclusive` `prints exactly the messages` | `amqp_topic_routing__patterns_joined` `amqp_topic_routing__named_queue` `amqp_topic_routing__queue_per_pattern` |
//! | Print the body of every message you receive, on a line of its own. | `prints exactly the messages` | `amqp_topic_routing__queue_per_pattern` |
//! | When the body is `END`, do not print it: exit with status 0. | `exits with status 0 after END` | `amqp_topic_routing__prints_end` |
//! | Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`, `NETLINGS_PATTERNS`. | — | what netlings provides |

use amq_protocol::protocol::{AMQPClass, exchange, queue};

use crate::harness::expect::{expect_exit, expect_success};
use crate::harness::{Failure, Grading, Outcome};
use crate::peers::amqp::record::{queue_declaration, refusal, reply_to};
use crate::peers::amqp::wire::{Event, Side};
use crate::peers::amqp::{Broker, DEFAULT_URL};

pub const CHECKS: &[&str] = &[
    "a RabbitMQ broker is reachable",
    "connects to NETLINGS_AMQP_URL",
    "declares the durable topic exchange NETLINGS_EXCHANGE",
    "binds its queue with every pattern of NETLINGS_PATTERNS",
    "prints exactly the messages whose keys match a pattern, each once",
    "binds one queue, server-named and exclusive",
    "exits with status 0 after END, without printing it",
];

pub async fn grade(g: &Grading) -> Outcome {
    let broker = g.check(CHECKS[0], Broker::connect(g)).await?;
    let exchange = broker.name("exchange");
    let [a, b, c] = distinct_words(g);
    let patterns = [format!("{a}.*"), format!("*.{b}"), format!("{c}.#")];
    let joined = patterns.join(",");

    let (proxy, mut program) = g
        .check(CHECKS[1], async {
            broker.declare_exchange(&exchange, "topic").await?;
            let proxy = broker.proxy(g).await?;
            let program = g.start(&[
                ("NETLINGS_AMQP_URL", proxy.url().to_string()),
                ("NETLINGS_EXCHANGE", exchange.clone()),
                ("NETLINGS_PATTERNS", joined.clone()),
            ])?;
            proxy.attach(&program);
            let connected = proxy
                .wait_for(&program, g.limits.ready, "connecting to NETLINGS_AMQP_URL", |ev| {
                    ev.iter().any(|e| e.from == Side::Program).then_some(())
                })
                .await;
            if let Err(failure) = connected {
                return Err(if broker.routes(&exchange, &format!("{c}.probe")).await {
                    Failure::fail(
                        "your program never connected to NETLINGS_AMQP_URL, yet a queue is bound to the exchange: it connected to the broker directly",
                    )
                    .because("connect to the URL in NETLINGS_AMQP_URL (netlings' proxy), not to a broker address of your own")
                } else {
                    failure
                });
            }
            proxy
                .wait_for_handshake(&program, g.limits.io, "your program")
                .await?;
            Ok((proxy, program))
        })
        .await?;
    g.reproduce(g.run_command(&[
        ("NETLINGS_AMQP_URL", DEFAULT_URL),
        ("NETLINGS_EXCHANGE", "demo"),
        ("NETLINGS_PATTERNS", "kern.*,*.critical,audit.#"),
    ]));

    g.check(CHECKS[2], async {
        let (request, reply) = proxy
            .wait_for_reply(&program, g.limits.io, "declaring the exchange", |e| {
                matches!(e.method(), Some(AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)))
                    if d.exchange.as_str() == exchange)
            })
            .await
            .map_err(|f| f.because("declare the exchange yourself: a subscriber cannot count on the publisher having done it"))?;
        if let Some(why) = refusal(&reply) {
            return Err(Failure::fail(format!("the broker refused your exchange.declare: {why}"))
                .because("declare it as a durable topic exchange (ExchangeKind::Topic): patterns mean nothing to a direct or fanout exchange"));
        }
        if let Some(AMQPClass::Exchange(exchange::AMQPMethod::Declare(d))) = request.method()
            && (d.kind.as_str() != "topic" || !d.durable)
        {
            return Err(Failure::fail(format!(
                "your exchange.declare asked for type={} durable={}: the exercise wants a durable topic exchange",
                d.kind.as_str(),
                d.durable
            )));
        }
        Ok(())
    })
    .await?;

    let bound = g.check(CHECKS[3], async {
        let bound = proxy
            .wait_for(&program, g.limits.io, "binding every pattern", |ev| {
                let b = bindings(ev, &exchange);
                patterns
                    .iter()
                    .all(|p| b.iter().any(|(_, key, _)| key == p))
                    .then_some(b)
            })
            .await
            .map_err(|f| {
                let b = bindings(&proxy.events(), &exchange);
                let keys: Vec<String> = b.iter().map(|(_, k, _)| format!("`{k}`")).collect();
                f.and(format!(
                    "bound so far: {}; NETLINGS_PATTERNS is `{joined}`",
                    if keys.is_empty() { "nothing".to_string() } else { keys.join(", ") }
                ))
                .because("split NETLINGS_PATTERNS at the commas and call queue_bind once per pattern")
            })?;
        if let Some((_, key, why)) = bound.iter().find(|(_, _, r)| r.is_some()) {
            return Err(Failure::fail(format!(
                "the broker refused your binding `{key}`: {}",
                why.clone().unwrap_or_default()
            )));
        }
        Ok(bound)
    })
    .await?;

    // One pattern, two, and none: the edges of `*` (exactly one word) and
    // `#` (zero or more), and a word that only begins like a pattern's.
    let mut keys = vec![
        format!("{a}.x"),
        format!("{a}.{b}"),
        format!("y.{b}"),
        c.clone(),
        format!("{c}.p.q.r"),
        a.clone(),
        format!("{a}.p.q"),
        format!("p.q.{b}"),
        b.clone(),
        format!("p.{c}"),
        format!("{a}x.p"),
    ];
    g.rng(|r| {
        for i in (1..keys.len()).rev() {
            let j = r.range(0, i as u64 + 1) as usize;
            keys.swap(i, j);
        }
    });
    let sent: Vec<(String, String)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            (
                key.clone(),
                format!("msg{} {}", i + 1, g.rng(|r| r.word(5))),
            )
        })
        .collect();
    let expected: Vec<&String> = sent
        .iter()
        .filter(|(key, _)| patterns.iter().any(|p| topic_matches(p, key)))
        .map(|(_, body)| body)
        .collect();

    g.check(CHECKS[4], async {
        for (key, body) in &sent {
            broker.publish(&exchange, key, body.as_bytes()).await?;
        }
        broker.publish(&exchange, &format!("{a}.end"), b"END").await?;
        let _ = program.wait(g.limits.io).await;
        if program.not_judged("which messages it printed") {
            return Ok(());
        }
        let printed = program.stdout_lines();
        let shown: Vec<String> = sent
            .iter()
            .map(|(k, body)| {
                let n = printed.iter().filter(|l| l.trim() == body).count();
                let want = usize::from(expected.contains(&body));
                format!("{body} (key {k}): printed {n}×, expected {want}×")
            })
            .collect();
        let wrong: Vec<&String> = shown
            .iter()
            .zip(&sent)
            .filter(|(_, (_, body))| {
                printed.iter().filter(|l| l.trim() == body).count()
                    != usize::from(expected.contains(&body))
            })
            .map(|(line, _)| line)
            .collect();
        if !wrong.is_empty() {
            let mut lines = String::new();
            for w in &wrong {
                lines.push_str(&format!("\n  {w}"));
            }
            return Err(Failure::mismatch(
                format!("your program did not print exactly the matching messages:{lines}"),
                "the messages whose keys match, one per line",
                format!(
                    "{}\n",
                    expected.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
                ),
                program.stdout_bytes(),
            )
            .because("bind with each pattern as given: `*` is exactly one word, `#` zero or more, and words are separated by dots"));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let queues: Vec<&String> = bound
            .iter()
            .filter(|(_, k, _)| patterns.contains(k))
            .map(|(q, _, _)| q)
            .collect();
        if queues.iter().any(|q| *q != queues[0]) {
            return Err(Failure::fail(
                "your program bound the patterns to more than one queue: a message that matches two patterns then arrives twice",
            )
            .because("declare one queue and bind it once per pattern"));
        }
        match queue_declaration(&proxy.events(), queues[0]) {
            Some((asked, _)) if !asked.is_empty() => Err(Failure::fail(format!(
                "your program declared its queue with the name `{asked}`: the exercise wants a server-named queue"
            ))
            .because("declare the queue with an empty name: the broker picks a unique one")),
            Some((_, false)) => Err(Failure::fail(
                "your program declared its queue without exclusive: it outlives the program on the broker",
            )
            .because("QueueDeclareOptions { exclusive: true, .. }")),
            Some(_) => Ok(()),
            None => Err(Failure::fail(format!(
                "your program bound the queue `{}`, which it did not declare",
                queues[0]
            ))),
        }
    })
    .await?;

    g.check(CHECKS[6], async {
        let status = expect_exit(&mut program, g.limits.io, "netlings published END")
            .await
            .map_err(|f| f.because("leave the consume loop when the body is END"))?;
        if program.stdout_lines().iter().any(|l| l.trim() == "END") {
            return Err(Failure::fail(
                "your program printed END; it only ends the stream",
            ));
        }
        expect_success(&program, status)
    })
    .await?;
    Ok(())
}

/// Three different words, none a prefix of another.
fn distinct_words(g: &Grading) -> [String; 3] {
    loop {
        let w = [
            g.rng(|r| r.word(4)),
            g.rng(|r| r.word(5)),
            g.rng(|r| r.word(6)),
        ];
        if w[0] != w[1]
            && !w[1].starts_with(&w[0])
            && !w[2].starts_with(&w[0])
            && !w[2].starts_with(&w[1])
        {
            return w;
        }
    }
}

/// The program's bindings to `exchange`: (queue, routing key, the broker's
/// refusal if it refused), each once its reply is in.
fn bindings(events: &[Event], exchange: &str) -> Vec<(String, String, Option<String>)> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e.method() {
            Some(AMQPClass::Queue(queue::AMQPMethod::Bind(b)))
                if e.from == Side::Program && b.exchange.as_str() == exchange =>
            {
                let reply = reply_to(events, i)?;
                let refused = if std::ptr::eq(reply, e) {
                    None
                } else {
                    refusal(reply)
                };
                Some((
                    b.queue.as_str().to_string(),
                    b.routing_key.as_str().to_string(),
                    refused,
                ))
            }
            _ => None,
        })
        .collect()
}

/// Whether a topic exchange routes `key` to a binding with `pattern`:
/// words are separated by dots, `*` stands for exactly one, `#` for zero or
/// more.
fn topic_matches(pattern: &str, key: &str) -> bool {
    fn go(p: &[&str], k: &[&str]) -> bool {
        match p.split_first() {
            None => k.is_empty(),
            Some((&"#", rest)) => (0..=k.len()).any(|i| go(rest, &k[i..])),
            Some((&"*", rest)) => !k.is_empty() && go(rest, &k[1..]),
            Some((word, rest)) => k.first() == Some(word) && go(rest, &k[1..]),
        }
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = key.split('.').collect();
    go(&p, &k)
}

#[cfg(test)]
mod tests {
    use super::topic_matches;

    #[test]
    fn topic_patterns_match_as_rabbitmq_does() {
        assert!(topic_matches("kern.*", "kern.disk"));
        assert!(!topic_matches("kern.*", "kern"));
        assert!(!topic_matches("kern.*", "kern.disk.full"));
        assert!(topic_matches("audit.#", "audit"));
        assert!(topic_matches("audit.#", "audit.a.b.c"));
        assert!(!topic_matches("audit.#", "x.audit"));
        assert!(topic_matches("*.critical", "disk.critical"));
        assert!(!topic_matches("*.critical", "a.b.critical"));
        assert!(topic_matches("#.critical", "a.b.critical"));
        assert!(topic_matches("#", "anything.at.all"));
        assert!(!topic_matches("kern.*", "kernx.disk"));
    }
}
