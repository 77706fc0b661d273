//! `zmq_pub_sub` — a PUB that loses nothing to slow joiners, because it
//! waits for a race-free handshake.
//!
//! netlings plays three subscribers with different prefixes, each a SUB
//! connected to the program's PUB and a REQ to its REP. Subscribers #1 and
//! #2 subscribe (their topics, `END`, and `HELLO` last), and each waits for
//! a `HELLO`: only a HELLO proves the subscriptions reached the PUB (they
//! travelled before it, on the same connection). Then each says READY.
//! Subscriber #3 joins late, on purpose: it subscribes only after the first
//! two are READY. A program that publishes before every subscriber is
//! READY is caught every time: the first message is one only subscriber #3
//! wants, so it is always published before #3 subscribed, and lost. Then
//! each subscriber must get every message its prefixes match, in order,
//! none other, and `END`.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Publish to several subscribers, and lose nothing. | `each subscriber gets every message` | `zmq_pub_sub__subscriber_side_filter` |
//! | Bind a PUB socket at `NETLINGS_ENDPOINT` and a REP socket at `NETLINGS_SYNC_ENDPOINT`. | `binds a PUB socket` `publishes HELLO` | `zmq_pub_sub__swapped_endpoints` `zmq_pub_sub__waits_for_one` |
//! | `NETLINGS_SUBSCRIBERS` subscribers will connect to both, each subscribing to its own prefixes. `NETLINGS_MESSAGES` holds the messages, one per line, each beginning with its topic (`weather.oslo 3`). | — | what netlings provides |
//! | The trap - the slow joiner: a subscription reaches the PUB some time after the subscriber connected, and until it does the PUB drops every message for it, silently. There is no broker to keep them. So: | — | why the handshake below |
//! | Until `NETLINGS_SUBSCRIBERS` subscribers have each sent `READY` on the REP socket (answer each one; its REQ waits for the answer), send the one-frame message `HELLO` on the PUB again and again, every 20 ms or so, and nothing else. | `publishes HELLO` | `zmq_pub_sub__no_handshake` `zmq_pub_sub__waits_for_one` `zmq_pub_sub__one_hello` |
//! | A subscriber says READY only after a HELLO reached it, which proves its subscriptions have arrived (they travelled before it, on the same connection). A READY alone would not prove that: it takes another connection, and can overtake them. | `publishes HELLO` | `zmq_pub_sub__ready_without_hello` |
//! | Then publish each line of `NETLINGS_MESSAGES`, in order, as one frame exactly as given: the PUB sends it to every subscriber whose prefix begins it, and to no other. | `each subscriber gets every message` | `zmq_pub_sub__subscriber_side_filter` |
//! | Then publish the one frame `END`, and keep running: `send` only queues, and netlings stops your program when it is done. | `each subscriber gets END` `each subscriber gets every message` | `zmq_pub_sub__no_end` `zmq_pub_sub__exits_after_end` |

use bytes::Bytes;
use zeromq::{ReqSocket, SubSocket};

use crate::harness::crash::describe_exit;
use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::zmq::{Peer, Zmq, replay, text};

pub const CHECKS: &[&str] = &[
    "binds a PUB socket at NETLINGS_ENDPOINT",
    "publishes HELLO until every subscriber is READY, and nothing else before",
    "each subscriber gets every message of its prefixes, in order, and no other",
    "each subscriber gets END after its last message",
];

/// Each subscriber's prefixes; the last one joins late.
const PREFIXES: &[&[&str]] = &[&["weather."], &["news.go", "sports."], &["news."]];
/// Topics of the messages; `traffic.` is nobody's.
const TOPICS: &[&str] = &[
    "weather.oslo",
    "weather.rome",
    "news.rust",
    "news.go",
    "sports.chess",
    "traffic.e6",
];
/// The topic of the first message, which only the late subscriber wants.
const FIRST_TOPIC: &str = "news.rust";

struct Subscriber {
    sub: Peer<SubSocket>,
    /// Its REQ to the program's REP, connected when it says READY.
    req: Option<Peer<ReqSocket>>,
    prefixes: &'static [&'static str],
    /// Messages received, HELLOs left out, up to and without END.
    got: Vec<String>,
    ended: bool,
}

impl Subscriber {
    fn label(&self) -> String {
        format!("{} ({})", self.sub.name, self.prefixes.join(", "))
    }

    fn wants(&self, message: &str) -> bool {
        self.prefixes.iter().any(|p| message.starts_with(p))
    }

    async fn subscribe(&mut self) -> Result<(), Failure> {
        for prefix in self.prefixes.iter().chain(&["END", "HELLO"]) {
            self.sub.subscribe(prefix).await?;
        }
        Ok(())
    }
}

fn messages(g: &Grading) -> Vec<String> {
    g.rng(|r| {
        let mut messages = vec![format!("{FIRST_TOPIC} {} {}", r.word(5), r.range(1, 100))];
        for _ in 0..r.range(12, 16) {
            let topic = r.pick(TOPICS);
            let len = r.range(3, 8) as usize;
            messages.push(format!("{topic} {} {}", r.word(len), r.range(1, 1000)));
        }
        messages
    })
}

fn frame_text(frames: &[Bytes]) -> String {
    frames
        .iter()
        .map(|f| text(f))
        .collect::<Vec<_>>()
        .join(" | ")
}

pub async fn grade(g: &Grading) -> Outcome {
    let zmq = Zmq::new(g);
    let endpoint = format!("tcp://{}", g.program_addr());
    let sync = format!("tcp://{}", g.program_addr());
    let messages = messages(g);
    g.reproduce(format!(
        "{}, then: {}",
        g.run_command(&[
            ("NETLINGS_ENDPOINT", "tcp://127.0.0.1:7000"),
            ("NETLINGS_SYNC_ENDPOINT", "tcp://127.0.0.1:7001"),
            ("NETLINGS_SUBSCRIBERS", "1"),
            ("NETLINGS_MESSAGES", &format!("$'{}'", messages.join("\\n"))),
        ]),
        replay::subscriber("tcp://127.0.0.1:7000", "tcp://127.0.0.1:7001", PREFIXES[0])
    ));

    let (program, mut subscribers) = g
        .check(CHECKS[0], async {
            let program = g.start(&[
                ("NETLINGS_ENDPOINT", endpoint.clone()),
                ("NETLINGS_SYNC_ENDPOINT", sync.clone()),
                ("NETLINGS_SUBSCRIBERS", PREFIXES.len().to_string()),
                ("NETLINGS_MESSAGES", messages.join("\n")),
            ])?;
            let mut subscribers = Vec::new();
            for (i, prefixes) in PREFIXES.iter().enumerate() {
                let name = format!("subscriber #{}", i + 1);
                let sub = zmq
                    .sub(&program, name.clone(), (&endpoint, "NETLINGS_ENDPOINT"))
                    .await?;
                subscribers.push(Subscriber {
                    sub,
                    req: None,
                    prefixes,
                    got: Vec::new(),
                    ended: false,
                });
            }
            Ok((program, subscribers))
        })
        .await?;

    g.check(CHECKS[1], async {
        let (early, late) = subscribers.split_at_mut(PREFIXES.len() - 1);
        let late = &mut late[0];
        for s in early.iter_mut() {
            s.subscribe().await?;
        }
        for s in early.iter_mut() {
            expect_hello(&program, s, 0, late, &messages).await?;
        }
        for (ready, s) in early.iter_mut().enumerate() {
            say_ready(&zmq, &sync, &program, s, ready).await?;
        }
        // Only now does the last subscriber subscribe: whatever was
        // published before is lost to it.
        late.subscribe().await?;
        let ready = early.len();
        let late_name = late.label();
        let first = late
            .sub
            .recv(&program, "a HELLO")
            .await
            .map_err(|f| no_hello(f, &late_name))?;
        if first.len() != 1 || first[0].as_ref() != b"HELLO" {
            let what = frame_text(&first);
            late.got.push(what.clone());
            let lost = lost(&program, late, &messages).await;
            return Err(published_early(&what, &late_name, ready, Some(lost)));
        }
        say_ready(&zmq, &sync, &program, late, ready).await
    })
    .await?;

    g.check(CHECKS[2], async {
        for s in subscribers.iter_mut() {
            collect(&program, s).await?;
        }
        for s in &subscribers {
            let want: Vec<&String> = messages.iter().filter(|m| s.wants(m)).collect();
            if let Some(other) = s.got.iter().find(|m| !s.wants(m)) {
                return Err(Failure::fail(format!(
                    "{} got `{other}`, which none of its prefixes matches",
                    s.label()
                )));
            }
            let got: Vec<&String> = s.got.iter().collect();
            if got != want {
                let missing = want.iter().filter(|m| !got.contains(m)).count();
                let mut failure = Failure::mismatch(
                    format!(
                        "{} got {} of its {} messages{}",
                        s.label(),
                        got.len().min(want.len()),
                        want.len(),
                        if missing == 0 { ", not in the order they were published" } else { "" }
                    ),
                    "the messages its prefixes match, in order",
                    lines(&want),
                    lines(&got),
                );
                if let Some(exited) = exited_early(&program) {
                    failure = failure.because(exited);
                } else if s.got.is_empty() {
                    failure = failure.because(
                        "a SUB socket's subscription is a prefix of a message's first frame, matched by the PUB: \
                         publish each message as one frame that begins with its topic, exactly as NETLINGS_MESSAGES has it",
                    );
                }
                return Err(failure);
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        for s in &subscribers {
            if !s.ended
                && let Some(exited) = exited_early(&program)
            {
                return Err(Failure::fail(format!("{} got no `END`", s.label())).because(exited));
            }
            if !s.ended {
                return Err(Failure::timeout(format!(
                    "{} got its messages, then no `END` within {} s",
                    s.label(),
                    zmq.io().as_secs()
                ))
                .because(
                    "after the last message, publish one frame `END`: the subscribers wait for it",
                ));
            }
        }
        Ok(())
    })
    .await?;

    for s in subscribers {
        s.sub.close().await;
        if let Some(req) = s.req {
            req.close().await;
        }
    }
    Ok(())
}

/// Why messages went missing when the program has exited: what it
/// queued had not left yet.
fn exited_early(program: &Program) -> Option<String> {
    let status = program.exit_status()?;
    let exit = describe_exit(status, &program.stderr_text());
    Some(format!(
        "your program {} before netlings stopped it: `send` only queues a message, and what had not \
         left yet was lost with the program - keep running after END",
        exit.summary
    ))
}

fn lines(messages: &[&String]) -> Vec<u8> {
    messages
        .iter()
        .map(|m| format!("{m}\n"))
        .collect::<String>()
        .into_bytes()
}

/// The first message of a subscriber, which must be a HELLO; data instead
/// means the program publishes before every subscriber is READY.
async fn expect_hello(
    program: &Program,
    s: &mut Subscriber,
    ready: usize,
    late: &mut Subscriber,
    messages: &[String],
) -> Result<(), Failure> {
    let label = s.label();
    let first = s
        .sub
        .recv(program, "a HELLO")
        .await
        .map_err(|f| no_hello(f, &label))?;
    if first.len() == 1 && first[0].as_ref() == b"HELLO" {
        return Ok(());
    }
    // Show what the late subscriber lost: it subscribes now, and collects
    // what still comes.
    let lost = match late.subscribe().await {
        Ok(()) => Some(lost(program, late, messages).await),
        Err(_) => None,
    };
    Err(published_early(&frame_text(&first), &label, ready, lost))
}

/// What the late subscriber got of its messages, collected until END.
async fn lost(program: &Program, late: &mut Subscriber, messages: &[String]) -> String {
    let _ = collect(program, late).await;
    let wanted = messages.iter().filter(|m| late.wants(m)).count();
    format!(
        "{} subscribed after that and got {} of its {wanted} messages: the first ones are lost",
        late.label(),
        late.got.len()
    )
}

fn no_hello(failure: Failure, label: &str) -> Failure {
    failure
        .and(format!(
            "({label} had subscribed to its prefixes, `END` and `HELLO`: no HELLO reached it)"
        ))
        .because(
            "while you wait for READYs, publish `HELLO` again and again (every 20 ms, say): a subscriber says READY \
             only once a HELLO proves its subscriptions reached your PUB. A READY over REQ/REP alone proves nothing: \
             it travels on another connection and can overtake the subscriptions",
        )
        .because(
            "if your program published its messages already, they went nowhere: a PUB drops what no subscription \
             it knows of matches (the slow-joiner problem)",
        )
}

fn published_early(what: &str, who: &str, ready: usize, lost: Option<String>) -> Failure {
    Failure::fail(format!(
        "your program published `{what}` (to {who}) when {ready} of {} subscribers had said READY",
        PREFIXES.len()
    ))
    .and(lost.unwrap_or_default())
    .because(
        "a PUB sends only to the subscriptions that have reached it, and drops the rest (the slow-joiner \
         problem): publish HELLO, and nothing else, until NETLINGS_SUBSCRIBERS subscribers have said READY",
    )
}

/// The subscriber says READY over REQ/REP and waits for the answer.
async fn say_ready(
    zmq: &Zmq,
    sync: &str,
    program: &Program,
    s: &mut Subscriber,
    ready: usize,
) -> Result<(), Failure> {
    let req = match &mut s.req {
        Some(req) => req,
        None => s.req.insert(
            zmq.req(
                program,
                format!("{}'s REQ", s.sub.name),
                (sync, "NETLINGS_SYNC_ENDPOINT"),
            )
            .await?,
        ),
    };
    req.send(vec![Bytes::from_static(b"READY")]).await?;
    req.recv(program, "the answer to READY")
        .await
        .map(|_| ())
        .map_err(|f| {
            f.and(format!(
                "({ready} of {} subscribers had said READY and been answered)",
                PREFIXES.len()
            ))
            .because(
                "receive a READY on the REP socket and answer it, once for each of the NETLINGS_SUBSCRIBERS \
                 subscribers, before you publish",
            )
        })
}

/// Receives until `END`, or until nothing comes within the I/O deadline.
async fn collect(program: &Program, s: &mut Subscriber) -> Result<(), Failure> {
    let io = s.sub.io();
    while !s.ended {
        let next = tokio::select! {
            biased;
            m = s.sub.recv_within(io) => m?,
            _ = program.exited() => s.sub.recv_within(std::time::Duration::ZERO).await?,
        };
        let Some(frames) = next else {
            return Ok(());
        };
        let message = frame_text(&frames);
        match message.as_str() {
            "HELLO" => {}
            "END" => s.ended = true,
            _ => s.got.push(message),
        }
    }
    Ok(())
}
