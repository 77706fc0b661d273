//! `ws_chat` — a broadcast room over WebSockets.
//!
//! The script: joins are announced to the others; a message reaches everyone
//! but its sender; a leave is announced; and a client that stops reading -
//! its buffers full - does not stall the room: the others keep getting every
//! message in time (the slow one may lose messages or be disconnected - and
//! a server that disconnects it announces its leave, once, which the others
//! may receive at any point of the flood).

use std::time::Duration;

use tokio_tungstenite::tungstenite::Message;

use super::start_tcp_server;
use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::ws::WsConn;

/// Messages alice sends while dave reads nothing, and their size: together
/// far more than dave's socket buffers and the server's send buffer hold.
const FLOOD_MESSAGES: usize = 160;
const FLOOD_SIZE: usize = 64 * 1024;

/// How long the first client is left alone before the next one joins. A
/// server may add a client to the room only after answering its handshake
/// (tokio-tungstenite's accept returns only then), or after an async step of
/// its own; a later client's entry shows in its join announcement, but
/// nobody can see the first one's, so netlings gives it this moment.
const SETTLE: Duration = Duration::from_millis(300);

async fn join(g: &Grading, addr: std::net::SocketAddr, name: &str) -> Result<WsConn, Failure> {
    WsConn::connect(g, addr, &format!("/chat?name={name}")).await
}

async fn expect_line(client: &mut WsConn, expected: &str, who: &str) -> Result<(), Failure> {
    let what = format!("`{expected}` at {who}");
    let got = client.recv_text(&what).await?;
    expect_bytes(
        &what,
        expected.as_bytes(),
        got.as_bytes(),
        format!("{who} received the wrong message"),
    )
}

/// The next text at `client`, past the announcement that the slow client
/// left: a server may disconnect a client whose queue is full (the stub
/// allows it), and then it says so, once, between any two messages.
async fn recv_past_leave(
    client: &mut WsConn,
    leave: &str,
    seen_leave: &mut bool,
    what: &str,
) -> Result<String, Failure> {
    loop {
        let got = client.recv_text(what).await?;
        if got == leave && !*seen_leave {
            *seen_leave = true;
            continue;
        }
        return Ok(got);
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, first) = start_tcp_server(g, &[]).await?;
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

    let (mut alice, mut bob) = g
        .check("announces a join to those already in the room", async {
            let mut alice = join(g, addr, &a).await?;
            g.transcript.event(
                None,
                format!(
                    "netlings gives {a}, alone in the room, {} ms to settle",
                    SETTLE.as_millis()
                ),
            );
            tokio::time::sleep(SETTLE).await;
            let bob = join(g, addr, &b).await?;
            expect_line(&mut alice, &format!("* {b} joined"), &a).await?;
            Ok((alice, bob))
        })
        .await?;

    let carol = g
        .check(
            "sends a message to everyone else, not back to its sender",
            async {
                let mut carol = join(g, addr, &c).await?;
                expect_line(&mut alice, &format!("* {c} joined"), &a).await?;
                expect_line(&mut bob, &format!("* {c} joined"), &b).await?;
                let text = format!("hello from {a}, {}", g.rng(|r| r.word(5)));
                alice.send(Message::text(text.clone())).await?;
                let line = format!("{a}: {text}");
                expect_line(&mut bob, &line, &b).await?;
                expect_line(&mut carol, &line, &c).await?;
                alice
                    .expect_silence(
                        Duration::from_millis(300),
                        &format!("after {a} spoke, at {a}"),
                    )
                    .await
                    .map_err(|f| {
                        f.because(
                            "a chat room sends a message to the others; the sender already has it",
                        )
                    })?;
                Ok(carol)
            },
        )
        .await?;

    g.check("announces a leave to those who stay", async {
        carol.leave(1000, "bye").await;
        expect_line(&mut alice, &format!("* {c} left"), &a)
            .await
            .map_err(|f| f.because("when a client's connection ends (a close frame, or an error), tell the others it left"))?;
        expect_line(&mut bob, &format!("* {c} left"), &b).await
    })
    .await?;

    g.check("a client that stops reading does not stall the room", async {
        let dave = format!("dave{}", g.rng(|r| r.range(10, 99)));
        // dave's receive buffer is tiny, and dave never reads: once the
        // server's buffers for dave are full too, writing to dave blocks.
        let socket = tokio::net::TcpSocket::new_v4()
            .and_then(|s| {
                s.set_recv_buffer_size(4096)?;
                Ok(s)
            })
            .map_err(|e| Failure::error(format!("netlings cannot set up a socket: {e}")))?;
        let stream = socket
            .connect(addr)
            .await
            .map_err(|e| Failure::fail(format!("could not connect: {e}")))?;
        let _dave = WsConn::handshake(g, stream, &format!("/chat?name={dave}")).await?;
        expect_line(&mut alice, &format!("* {dave} joined"), &a).await?;
        expect_line(&mut bob, &format!("* {dave} joined"), &b).await?;
        g.transcript.event(None, format!("{dave} stops reading; {a} sends {FLOOD_MESSAGES} messages of 64 KiB, one at a time, each waited for at {b}"));
        let filler = g.rng(|r| r.word(FLOOD_SIZE));
        let dave_left = format!("* {dave} left");
        let (mut alice_saw_leave, mut bob_saw_leave) = (false, false);
        for i in 0..FLOOD_MESSAGES {
            let text = format!("{i} {filler}");
            alice.send(Message::text(text.clone())).await?;
            let got = recv_past_leave(
                &mut bob,
                &dave_left,
                &mut bob_saw_leave,
                &format!("message {i} of {FLOOD_MESSAGES}"),
            )
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
        bob.send(Message::text("still here")).await?;
        let expected = format!("{b}: still here");
        let what = format!("`{expected}` at {a}");
        let got = recv_past_leave(&mut alice, &dave_left, &mut alice_saw_leave, &what).await?;
        expect_bytes(
            &what,
            expected.as_bytes(),
            got.as_bytes(),
            format!("{a} received the wrong message"),
        )
    })
    .await?;
    drop(program);
    Ok(())
}
