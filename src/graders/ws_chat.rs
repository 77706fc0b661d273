//! `ws_chat` — a broadcast room over WebSockets.
//!
//! The script: joins are announced to the others; a message reaches everyone
//! but its sender; a leave is announced; and a client that stops reading -
//! its buffers full - does not stall the room: the others keep getting every
//! message in time (the slow one may lose messages or be disconnected - and
//! a server that disconnects it announces its leave, once, which the others
//! may receive at any point of the flood). When the slow client reads
//! again, it must not get the whole flood: a queue of 64 messages, plus
//! what the socket buffers hold (about 20 of them on loopback), is far
//! from the 160 sent, and a server that kept them all has no bound.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | A chat room: the server pushes messages to clients the moment they happen, which plain HTTP requests cannot do. | — | context |
//! | Build it: | — | the introduction of the list below |
//! | Listen on `NETLINGS_ADDR`. | `listens on NETLINGS_ADDR` | `ws_chat__ipv6_loopback` |
//! | A client joins with a WebSocket to `/chat?name=<name>`. | `lets two clients into the room` | `ws_chat__query_as_name` |
//! | When `ada` joins, everyone else in the room gets the text message `* ada joined`. | `announces a join` | `ws_chat__no_join_announcement` |
//! | When `ada` sends the text `hi`, everyone else gets `ada: hi` (not ada). | `lets two clients into the room` `sends a message to everyone else` | `ws_chat__query_as_name` `ws_chat__echoes_to_sender` |
//! | When ada's connection ends, everyone else gets `* ada left`. | `announces a leave` | `ws_chat__no_leave` |
//! | A client is in the room - it hears what is said - from the moment its join is announced. | `sends a message to everyone else` | `ws_chat__echoes_to_sender` |
//! | (netlings starts with two clients and waits until the first one hears the second's messages.) | — | what netlings does: the reason a server may add a client to the room after its handshake |
//! | A client that stops reading must not stall the room: give each client a queue of at most 64 messages (for example a `tokio::sync::broadcast` receiver, or an `mpsc::channel(N)` per client) and drop messages for, or disconnect, a client whose queue is full. | `a client that stops reading does not stall` `keeps a bounded queue` | `ws_chat__waits_for_every_client` `ws_chat__unbounded_queue` |

use std::time::Duration;

use tokio_tungstenite::tungstenite::Message;

use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::tcp;
use crate::peers::ws::WsConn;

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "lets two clients into the room, and relays between them",
    "announces a join to those already in the room",
    "sends a message to everyone else, not back to its sender",
    "announces a leave to those who stay",
    "a client that stops reading does not stall the room",
    "keeps a bounded queue for a client that stops reading",
];

/// How long nothing must come for dave before netlings counts what the
/// server kept for him.
const DRAINED_AFTER: Duration = Duration::from_millis(1500);

/// Messages alice sends while dave reads nothing, and their size: together
/// far more than dave's socket buffers and the server's send buffer hold.
const FLOOD_MESSAGES: usize = 160;
const FLOOD_SIZE: usize = 64 * 1024;

/// What netlings' own pings say while it waits for the first two clients
/// to hear each other; every later expectation skips them.
const SETTLE_PING: &str = "netlings-settle-ping";

/// How long one ping may take to come through before another is sent.
const PING_EVERY: Duration = Duration::from_millis(100);

/// One of netlings' clients in the room: its connection, its name, and the
/// lines it may skip - netlings' settle pings always, and a few
/// announcements whose timing nothing on the wire pins down, once each.
struct Member {
    conn: WsConn,
    name: String,
    skip_once: Vec<String>,
}

impl Member {
    async fn join(g: &Grading, addr: std::net::SocketAddr, name: &str) -> Result<Member, Failure> {
        let conn = WsConn::connect(g, addr, &format!("/chat?name={name}")).await?;
        Ok(Member {
            conn,
            name: name.to_string(),
            skip_once: Vec::new(),
        })
    }

    async fn say(&mut self, text: &str) -> Result<(), Failure> {
        self.conn.send(Message::text(text.to_string())).await
    }

    /// The next line that counts.
    async fn next_line(&mut self, what: &str) -> Result<String, Failure> {
        loop {
            let got = self.conn.recv_text(what).await?;
            if !skips(&mut self.skip_once, &got) {
                return Ok(got);
            }
        }
    }

    async fn expect(&mut self, expected: &str) -> Result<(), Failure> {
        let what = format!(
            "`{}` at {}",
            crate::report::escape_abridged(expected.as_bytes(), 60),
            self.name
        );
        let got = self.next_line(&what).await?;
        expect_bytes(
            &what,
            expected.as_bytes(),
            got.as_bytes(),
            format!("{} received the wrong message", self.name),
        )
    }

    /// No line that counts arrives for `quiet`.
    async fn expect_quiet(&mut self, quiet: Duration) -> Result<(), Failure> {
        let skip_once = &mut self.skip_once;
        let what = format!("{} after speaking", self.name);
        self.conn
            .expect_silence(quiet, &what, |msg| match msg {
                Message::Text(text) => skips(skip_once, text),
                _ => false,
            })
            .await
    }
}

/// Whether a member skips `line`: netlings' settle pings always, and the
/// lines of `skip_once` once each (taken off the list as they come).
fn skips(skip_once: &mut Vec<String>, line: &str) -> bool {
    if line.contains(SETTLE_PING) {
        return true;
    }
    match skip_once.iter().position(|s| s == line) {
        Some(i) => {
            skip_once.remove(i);
            true
        }
        None => false,
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, first) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    drop(first);
    g.reproduce(format!(
        "{}, then in two terminals: websocat 'ws://127.0.0.1:7000/chat?name=ada' and websocat 'ws://127.0.0.1:7000/chat?name=bob'",
        g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")])
    ));
    let (a, b, c) = (
        format!("alice{}", g.rng(|r| r.range(10, 99))),
        format!("bob{}", g.rng(|r| r.range(10, 99))),
        format!("carol{}", g.rng(|r| r.range(10, 99))),
    );

    // Nothing on the wire says when the first client is in the room (a
    // server may add it after the handshake, or after a step of its own),
    // nor which of the first two got in first. So bob pings until alice
    // hears one - from then on both are in - and each may or may not have
    // heard the other join.
    let (mut alice, mut bob) = g
        .check("lets two clients into the room, and relays between them", async {
            let mut alice = Member::join(g, addr, &a).await?;
            let mut bob = Member::join(g, addr, &b).await?;
            alice.skip_once.push(format!("* {b} joined"));
            bob.skip_once.push(format!("* {a} joined"));
            let deadline = tokio::time::Instant::now() + g.limits.io;
            for k in 1.. {
                bob.say(&format!("{SETTLE_PING} {k}")).await?;
                let heard = async {
                    loop {
                        let got = alice.conn.recv_text("a ping from bob").await?;
                        if got.starts_with(&format!("{b}: {SETTLE_PING}")) {
                            return Ok::<_, Failure>(());
                        }
                        // bob's ping arrived, but not as `bob: <text>`:
                        // the format is wrong, not the relay.
                        if let Some(at) = got.find(SETTLE_PING) {
                            let expected = format!("{b}: {}", &got[at..]);
                            return Err(Failure::mismatch(
                                format!("{a} received {b}'s message, but not as `<name>: <text>`"),
                                format!("{b}'s message at {a}"),
                                expected,
                                got,
                            )
                            .because(format!(
                                "relay each client's text as `<name>: <text>`, with the name from `/chat?name=<name>` \
                                 (here `{b}`)"
                            )));
                        }
                        if let Some(i) = alice.skip_once.iter().position(|s| *s == got) {
                            alice.skip_once.remove(i);
                        }
                    }
                };
                match tokio::time::timeout(PING_EVERY, heard).await {
                    Ok(result) => {
                        result?;
                        break;
                    }
                    Err(_) if tokio::time::Instant::now() < deadline => {}
                    Err(_) => {
                        return Err(Failure::timeout(format!(
                            "{b} sent {k} messages over {} s; {a} received none of them",
                            g.limits.io.as_secs()
                        ))
                        .because("relay each client's text to the other clients in the room, as `<name>: <text>`"));
                    }
                }
            }
            Ok((alice, bob))
        })
        .await?;

    let mut carol = g
        .check("announces a join to those already in the room", async {
            let carol = Member::join(g, addr, &c).await?;
            alice.expect(&format!("* {c} joined")).await?;
            bob.expect(&format!("* {c} joined")).await?;
            Ok(carol)
        })
        .await?;

    g.check(
        "sends a message to everyone else, not back to its sender",
        async {
            let text = format!("hello from {a}, {}", g.rng(|r| r.word(5)));
            alice.say(&text).await?;
            let line = format!("{a}: {text}");
            bob.expect(&line).await?;
            carol.expect(&line).await?;
            alice
                .expect_quiet(Duration::from_millis(300))
                .await
                .map_err(|f| {
                    f.because(
                        "a chat room sends a message to the others; the sender already has it",
                    )
                })
        },
    )
    .await?;

    g.check("announces a leave to those who stay", async {
        carol.conn.leave(1000, "bye").await;
        alice
            .expect(&format!("* {c} left"))
            .await
            .map_err(|f| f.because("when a client's connection ends (a close frame, or an error), tell the others it left"))?;
        bob.expect(&format!("* {c} left")).await
    })
    .await?;

    let (dave, mut dave_conn) = g.check("a client that stops reading does not stall the room", async {
        let dave = format!("dave{}", g.rng(|r| r.range(10, 99)));
        // dave's receive buffer is tiny, and dave never reads: once the
        // server's buffers for dave are full too, writing to dave blocks.
        let stream = tcp::connect_with_recv_buffer(addr, 4096).await?;
        let dave_conn = WsConn::handshake(g, stream, &format!("/chat?name={dave}")).await?;
        alice.expect(&format!("* {dave} joined")).await?;
        bob.expect(&format!("* {dave} joined")).await?;
        // A server may disconnect a client whose queue is full (the stub
        // allows it), and then says so, once, at any point of the flood.
        alice.skip_once.push(format!("* {dave} left"));
        bob.skip_once.push(format!("* {dave} left"));
        g.transcript.event(None, format!("{dave} stops reading; {a} sends {FLOOD_MESSAGES} messages of 64 KiB, one at a time, each waited for at {b}"));
        let filler = g.rng(|r| r.word(FLOOD_SIZE));
        for i in 0..FLOOD_MESSAGES {
            let text = format!("{i} {filler}");
            alice.say(&text).await?;
            let got = bob
                .next_line(&format!("message {i} of {FLOOD_MESSAGES}"))
                .await
                .map_err(|f| {
                    f.and(format!(
                        "{b} got {i} of {a}'s {FLOOD_MESSAGES} messages, then nothing, while {dave} (who reads nothing) was in the room"
                    ))
                    .because(
                        "writing to a client that does not read blocks once its buffers are full; if the room waits \
                         on that write, everyone waits. Give each client its own task and a bounded queue, and drop \
                         messages for (or disconnect) a client whose queue is full.",
                    )
                })?;
            if got != format!("{a}: {text}") {
                return Err(Failure::fail(format!(
                    "{b} received the wrong message {i}: {}",
                    crate::report::escape_abridged(got.as_bytes(), 60)
                )));
            }
        }
        // The room still works after the flood.
        bob.say("still here").await?;
        alice.expect(&format!("{b}: still here")).await?;
        Ok((dave, dave_conn))
    })
    .await?;

    g.check(
        "keeps a bounded queue for a client that stops reading",
        async {
            g.transcript.event(None, format!("{dave} reads again: what did the server keep for him?"));
            let flood_line = format!("{a}: ");
            let mut kept = 0;
            loop {
                match dave_conn.recv_within(DRAINED_AFTER, "what the server kept").await {
                    Ok(Message::Text(t)) if t.starts_with(&flood_line) && t.len() > FLOOD_SIZE => {
                        kept += 1;
                        if kept == FLOOD_MESSAGES {
                            return Err(Failure::fail(format!(
                                "{dave}, who read nothing while {a} sent {FLOOD_MESSAGES} messages of 64 KiB, \
                                 then received every one of them: the server kept all {} for him",
                                crate::report::size(FLOOD_MESSAGES * FLOOD_SIZE)
                            ))
                            .because(
                                "a queue that grows without bound lets one slow client eat the server's memory: \
                                 keep at most 64 messages for each client, and drop messages for (or disconnect) \
                                 a client whose queue is full",
                            ));
                        }
                    }
                    Ok(_) => {}
                    // Silence, or the server disconnected dave.
                    Err(_) => return Ok(()),
                }
            }
        },
    )
    .await?;
    drop(program);
    Ok(())
}
