//! `ws_handshake` — the WebSocket opening handshake by hand, on a raw TCP
//! connection: 101 with the right `Sec-WebSocket-Accept`, then one
//! hand-framed text message; a plain GET gets 400.
//!
//! netlings speaks raw bytes here (it judges the frame's bits itself), then
//! checks that a real client library (tungstenite) accepts the server too.

use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::http::read_response_head;
use crate::peers::tcp::{self, Conn};
use crate::peers::ws::{GUID, WsConn, accept_key, read_frame};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "answers the upgrade request with 101 Switching Protocols",
    "Sec-WebSocket-Accept is base64(SHA-1(key + GUID))",
    "then sends one text frame, unmasked: `welcome to <path>`",
    "answers a plain GET (no Upgrade) with 400 Bad Request",
    "works with a real WebSocket client (tungstenite)",
];

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, mut conn) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    let path = format!("/room/{}", g.rng(|r| r.word(6)));
    let key = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        g.rng(|r| r.bytes(16)),
    );
    g.reproduce(format!(
        "{}, then: curl -i -N -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: {key}' http://127.0.0.1:7000{path}",
        g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")])
    ));

    let head = g
        .check("answers the upgrade request with 101 Switching Protocols", async {
            // Headers as browsers send them: names in any case, and a
            // Connection header listing more than one token (Firefox).
            let request = format!(
                "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: netlings\r\nupgrade: websocket\r\n\
                 Connection: keep-alive, Upgrade\r\nsec-websocket-key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            );
            conn.send(request.as_bytes()).await?;
            let head = read_response_head(&mut conn, "the response to the upgrade request").await?;
            if head.status() != Some(101) {
                return Err(Failure::mismatch(
                    "the status line is not `101 Switching Protocols`",
                    "the status line",
                    b"HTTP/1.1 101 Switching Protocols".to_vec(),
                    head.status_line.as_bytes().to_vec(),
                )
                .because(
                    "header names are case-insensitive, and Connection may list several tokens \
                     (`keep-alive, Upgrade`): look for the token, not the exact line",
                ));
            }
            let upgrade = head.header("Upgrade").unwrap_or_default();
            if !upgrade.eq_ignore_ascii_case("websocket") {
                return Err(Failure::fail(format!(
                    "the 101 response needs `Upgrade: websocket`; it has {:?}",
                    head.header("Upgrade")
                )));
            }
            if !head.lists("Connection", "upgrade") {
                return Err(Failure::fail(format!(
                    "the 101 response needs `Connection: Upgrade`; it has {:?}",
                    head.header("Connection")
                )));
            }
            Ok(head)
        })
        .await?;

    g.check("Sec-WebSocket-Accept is base64(SHA-1(key + GUID))", async {
        let expected = accept_key(&key);
        let Some(actual) = head.header("Sec-WebSocket-Accept") else {
            return Err(Failure::fail("the 101 response has no Sec-WebSocket-Accept header"));
        };
        expect_bytes(
            "Sec-WebSocket-Accept",
            expected.as_bytes(),
            actual.as_bytes(),
            format!("Sec-WebSocket-Accept does not match the key `{key}`"),
        )
        .map_err(|f| {
            f.because(format!(
                "append the GUID {GUID} to the key exactly as received (no trimming of `=`), take the SHA-1 \
                 of those bytes, and base64 the 20 raw digest bytes (not their hex)"
            ))
        })
    })
    .await?;

    g.check(
        "then sends one text frame, unmasked: `welcome to <path>`",
        async {
            let frame = read_frame(&mut conn, "the first frame").await?;
            if frame.masked {
                return Err(Failure::fail("your server's frame is masked (its MASK bit is set)")
                    .because("frames from a server are never masked; only client frames are (RFC 6455, 5.1)"));
            }
            if frame.opcode != 1 || !frame.fin {
                return Err(Failure::fail(format!(
                    "the frame's first byte is {:#04x}: FIN={} opcode={:#x}; a whole text message is 0x81 (FIN set, opcode 1)",
                    (u8::from(frame.fin) << 7) | frame.opcode,
                    u8::from(frame.fin),
                    frame.opcode
                )));
            }
            expect_bytes(
                "the text frame's payload",
                format!("welcome to {path}").as_bytes(),
                &frame.payload,
                "the message differs",
            )
            .map_err(|f| f.because("the length goes in the 7 low bits of the second byte (126 or 127 announce a longer length)"))
        },
    )
    .await?;

    g.check(
        "answers a plain GET (no Upgrade) with 400 Bad Request",
        async {
            let mut plain = Conn::connect(g, addr).await?;
            plain
                .send(format!("GET / HTTP/1.1\r\nHost: {addr}\r\nAccept: */*\r\n\r\n").as_bytes())
                .await?;
            let head = read_response_head(&mut plain, "the response to a plain GET").await?;
            if head.status() != Some(400) {
                return Err(Failure::mismatch(
                    "a request without `Upgrade: websocket` is not a WebSocket handshake",
                    "the status line",
                    b"HTTP/1.1 400 Bad Request".to_vec(),
                    head.status_line.into_bytes(),
                ));
            }
            Ok(())
        },
    )
    .await?;

    g.check("works with a real WebSocket client (tungstenite)", async {
        let mut client = WsConn::connect(g, addr, "/lobby").await?;
        let text = client.recv_text("the welcome message").await?;
        expect_bytes(
            "the welcome message",
            b"welcome to /lobby",
            text.as_bytes(),
            "the message differs",
        )
    })
    .await?;
    drop(program);
    Ok(())
}
