//! `ws_echo_server` — a WebSocket echo server on tokio-tungstenite.
//!
//! The script: text comes back as text, binary as binary (every byte value),
//! a ping gets a pong with its payload, 1 MiB echoes whole, ten clients are
//! served at once, and a close frame is answered with the client's own code.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Build a WebSocket echo server: | — | the introduction of the list below |
//! | Listen on `NETLINGS_ADDR`; accept connections in a loop and run the WebSocket handshake on each (`tokio_tungstenite::accept_async`), each connection in its own task. | `listens on NETLINGS_ADDR` `completes the WebSocket handshake` `echoes to 10 clients at once` | `ws_echo_server__ipv6_loopback` `ws_echo_server__plain_tcp_echo` `ws_echo_server__one_at_a_time` |
//! | Send back every text message as text and every binary message as binary, unchanged. | `echoes a text message as text` `echoes a binary message` `echoes a 1 MiB message whole` | `ws_echo_server__text_as_binary` `ws_echo_server__binary_as_text` `ws_echo_server__small_max_message` |
//! | Pings get a pong with the same payload (tungstenite answers them by itself as you keep reading - do not echo them). | `answers a ping` | `ws_echo_server__raw_frames_ignore_ping` |
//! | When the client sends a close frame, answer with the same code and end the connection (again tungstenite does it: keep reading until the stream ends). | `answers a close frame` | `ws_echo_server__breaks_on_close` |

use tokio_tungstenite::tungstenite::Message;

use crate::harness::{Failure, Grading, Outcome};
use crate::peers::tcp;
use crate::peers::ws::WsConn;

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "completes the WebSocket handshake",
    "echoes a text message as text",
    "echoes a binary message as binary (every byte value)",
    "answers a ping with a pong carrying its payload",
    "echoes a 1 MiB message whole",
    "echoes to 10 clients at once",
    "answers a close frame with the client's code, then closes",
];

const CLIENTS: usize = 10;

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, first) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    g.reproduce(format!(
        "{}, then: websocat ws://127.0.0.1:7000/echo",
        g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")])
    ));

    let mut ws = g
        .check("completes the WebSocket handshake", async {
            WsConn::handshake(g, first.into_stream(), "/echo").await
        })
        .await?;

    g.check("echoes a text message as text", async {
        let msg = Message::text(format!("hello, {}", g.rng(|r| r.word(8))));
        ws.send(msg.clone()).await?;
        ws.expect(&msg, "the echo of the text message").await
    })
    .await?;

    g.check("echoes a binary message as binary (every byte value)", async {
        let msg = Message::binary(g.rng(|r| r.bytes(1024)));
        ws.send(msg.clone()).await?;
        ws.expect(&msg, "the echo of the binary message")
            .await
            .map_err(|f| {
                f.because("send back the same kind of message you received: Message::Binary stays binary (its bytes need not be UTF-8)")
            })
    })
    .await?;

    g.check("answers a ping with a pong carrying its payload", async {
        let payload = g.rng(|r| r.word(12));
        ws.send(Message::Ping(payload.clone().into_bytes().into()))
            .await?;
        ws.expect(
            &Message::Pong(payload.into_bytes().into()),
            "the pong answering netlings' ping",
        )
        .await
        .map_err(|f| {
            f.because(
                "a ping is answered with a pong carrying the same payload; tungstenite does it for you on \
                 the next read, so echo only text and binary messages, never pings",
            )
        })
    })
    .await?;

    g.check("echoes a 1 MiB message whole", async {
        let msg = Message::binary(g.rng(|r| r.bytes(1024 * 1024)));
        ws.send(msg.clone()).await?;
        ws.expect(&msg, "the echo of a 1 MiB message").await
    })
    .await?;

    g.check(&format!("echoes to {CLIENTS} clients at once"), async {
        let mut clients = Vec::new();
        for _ in 0..CLIENTS {
            let client = WsConn::connect(g, addr, "/echo").await.map_err(|f| {
                f.because(
                    "a connection was already open and idle: a server that serves one client before accepting \
                     the next never answers this handshake. Give each connection its own task.",
                )
            })?;
            clients.push(client);
        }
        for (i, client) in clients.iter_mut().enumerate().rev() {
            let msg = Message::text(format!("client {i}: {}", g.rng(|r| r.word(6))));
            client.send(msg.clone()).await?;
            client.expect(&msg, &format!("the echo to client {i}")).await?;
        }
        Ok(())
    })
    .await?;

    let code = g.rng(|r| r.range(4000, 5000)) as u16;
    g.check(
        "answers a close frame with the client's code, then closes",
        async {
            let reply = ws.close(code, "netlings is done").await?;
            match reply {
                Some(frame) if u16::from(frame.code) == code => {}
                Some(frame) => {
                    return Err(Failure::fail(format!(
                        "your server's close frame has code {}, not the client's {code}",
                        u16::from(frame.code)
                    ))
                    .because("answer a close frame with the same status code (tungstenite does, on the next read)"));
                }
                None => {
                    return Err(Failure::fail(format!(
                        "your server's close frame has no status code; the client sent {code}"
                    )));
                }
            }
            ws.expect_end("after the closing handshake")
                .await
                .map_err(|f| f.because("after the closing handshake the server closes the TCP connection"))
        },
    )
    .await?;
    drop(program);
    Ok(())
}
