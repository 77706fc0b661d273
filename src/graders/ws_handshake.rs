//! `ws_handshake` — the WebSocket opening handshake by hand, on a raw TCP
//! connection: 101 with the right `Sec-WebSocket-Accept`, then one
//! hand-framed text message; a plain GET gets 400.
//!
//! netlings speaks raw bytes here (it judges the frame's bits itself), then
//! checks that a real client library (tungstenite) accepts the server too.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | A WebSocket starts life as an HTTP request that asks to *upgrade* the connection; after the server's `101 Switching Protocols`, the same TCP connection carries frames in both directions. | `answers the upgrade request` `then sends one text frame` | `ws_handshake__exact_header_lines` `ws_handshake__masked_frame` |
//! | Do the server side by hand, on a raw `TcpStream`, to see every byte: | — | how to work, not what crosses the wire: a server built on a WebSocket library sends the same bytes |
//! | Listen on `NETLINGS_ADDR`; for each connection read the request head (lines up to the empty line `\r\n\r\n`). | `listens on NETLINGS_ADDR` `answers the upgrade request` | `ws_handshake__ipv6_loopback` `ws_handshake__exact_header_lines` |
//! | Header names are case-insensitive, and `Connection` may list several tokens (`keep-alive, Upgrade`). | `answers the upgrade request` `works with a real WebSocket client` | `ws_handshake__exact_header_lines` `ws_handshake__lowercase_names` |
//! | If it asks for `Upgrade: websocket` and has a `Sec-WebSocket-Key`, answer: | `answers the upgrade request` `Sec-WebSocket-Accept is` | `ws_handshake__exact_header_lines` `ws_handshake__hex_accept` |
//! | then send one text frame, built by hand: `welcome to <path>`, where `<path>` is the request's target (`GET /room/7 HTTP/1.1` → `welcome to /room/7`). | `then sends one text frame` | `ws_handshake__masked_frame` |
//! | A server's frames are not masked: `0x81`, the length, the payload. | `then sends one text frame` | `ws_handshake__masked_frame` |
//! | A length up to 125 fits in the second byte; for 126 to 65535 bytes the second byte is 126 and the length follows in 2 bytes (big-endian). | `a welcome of 126 bytes` | `ws_handshake__seven_bit_length` |
//! | Any other request gets `HTTP/1.1 400 Bad Request`. | `answers a plain GET` `answers 400 to an Upgrade without a key` | `ws_handshake__no_400` `ws_handshake__key_only` `ws_handshake__upgrade_only` |
//! | The `sha1` and `base64` crates are available: `sha1::Sha1::digest(bytes)` (with `use sha1::Digest;`) and `base64::engine::general_purpose::STANDARD.encode(bytes)` (with `use base64::Engine;`). | — | a help: which crates the exercises package has |

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
    "answers 400 to an Upgrade without a key, and to a key without `Upgrade: websocket`",
    "a welcome of 126 bytes and more has the 16-bit extended length",
    "works with a real WebSocket client (tungstenite)",
];

/// The path of the long welcome: `welcome to ` and it make a payload that
/// needs the 16-bit extended length (126 to 65535 bytes).
const LONG_PATH_WORD: usize = 150;

/// An upgrade request as browsers send one: header names in any case, and
/// a Connection header listing more than one token (Firefox).
fn upgrade_request(path: &str, addr: std::net::SocketAddr, key: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: netlings\r\nupgrade: websocket\r\n\
         Connection: keep-alive, Upgrade\r\nsec-websocket-key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
}

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
        .check(
            "answers the upgrade request with 101 Switching Protocols",
            async {
                conn.send(upgrade_request(&path, addr, &key).as_bytes())
                    .await?;
                let head =
                    read_response_head(&mut conn, "the response to the upgrade request").await?;
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
            },
        )
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

    g.check(
        "answers 400 to an Upgrade without a key, and to a key without `Upgrade: websocket`",
        async {
            for (lacks, headers) in [
                ("no Sec-WebSocket-Key", "Upgrade: websocket\r\nConnection: Upgrade\r\n".to_string()),
                (
                    "no `Upgrade: websocket`",
                    format!("Connection: keep-alive\r\nSec-WebSocket-Key: {key}\r\n"),
                ),
            ] {
                let mut conn = Conn::connect(g, addr).await?;
                conn.send(
                    format!("GET /chat HTTP/1.1\r\nHost: {addr}\r\n{headers}Sec-WebSocket-Version: 13\r\n\r\n")
                        .as_bytes(),
                )
                .await?;
                let head = read_response_head(&mut conn, &format!("the response to a request with {lacks}")).await?;
                if head.status() != Some(400) {
                    return Err(Failure::mismatch(
                        format!("a request with {lacks} is not a WebSocket handshake"),
                        "the status line",
                        b"HTTP/1.1 400 Bad Request".to_vec(),
                        head.status_line.into_bytes(),
                    )
                    .because("upgrade only when the request has both `Upgrade: websocket` and a Sec-WebSocket-Key"));
                }
            }
            Ok(())
        },
    )
    .await?;

    g.check("a welcome of 126 bytes and more has the 16-bit extended length", async {
        let path = format!("/room/{}", g.rng(|r| r.word(LONG_PATH_WORD)));
        let welcome = format!("welcome to {path}");
        let mut conn = Conn::connect(g, addr).await?;
        conn.send(upgrade_request(&path, addr, &key).as_bytes()).await?;
        let head = read_response_head(&mut conn, "the response to the upgrade request").await?;
        if head.status() != Some(101) {
            return Err(Failure::fail(format!(
                "the upgrade request for a path of {} bytes got `{}`, not 101",
                path.len(),
                head.status_line
            )));
        }
        let header = conn.recv_exact(2, "the first 2 bytes of the welcome frame").await?;
        if header[1] & 0x7f != 126 {
            return Err(Failure::mismatch(
                format!(
                    "the welcome is {} bytes long: its frame's second byte must be 126, with the length in \
                     the next 2 bytes (big-endian)",
                    welcome.len()
                ),
                "the frame's first bytes",
                [&[0x81, 126][..], &(welcome.len() as u16).to_be_bytes()].concat(),
                header,
            )
            .because(
                "the 7 low bits of the second byte hold lengths up to 125; 126 announces a 16-bit length in the \
                 next 2 bytes, 127 a 64-bit one in the next 8",
            ));
        }
        let len = conn.recv_exact(2, "the 16-bit length of the welcome frame").await?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let payload = conn.recv_exact(len, "the payload of the welcome frame").await?;
        expect_bytes(
            "the welcome's payload",
            welcome.as_bytes(),
            &payload,
            "the message differs",
        )
    })
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
