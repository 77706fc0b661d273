//! # ws_handshake
//!
//! Q5. How are WebSockets different from traditional HTTP requests?
//!
//! A WebSocket starts life as an HTTP request that asks to *upgrade* the
//! connection; after the server's `101 Switching Protocols`, the same TCP
//! connection carries frames in both directions. Do the server side by hand,
//! on a raw `TcpStream`, to see every byte:
//!
//! 1. Listen on `NETLINGS_ADDR`; for each connection read the request head
//!    (lines up to the empty line `\r\n\r\n`). Header names are
//!    case-insensitive, and `Connection` may list several tokens
//!    (`keep-alive, Upgrade`).
//! 2. If it asks for `Upgrade: websocket` and has a `Sec-WebSocket-Key`,
//!    answer:
//!    ```text
//!    HTTP/1.1 101 Switching Protocols
//!    Upgrade: websocket
//!    Connection: Upgrade
//!    Sec-WebSocket-Accept: <base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))>
//!    ```
//!    then send one text frame, built by hand: `welcome to <path>`, where
//!    `<path>` is the request's target (`GET /room/7 HTTP/1.1` → `welcome to /room/7`).
//!    A server's frames are not masked: `0x81`, the length, the payload.
//!    A length up to 125 fits in the second byte; for 126 to 65535 bytes
//!    the second byte is 126 and the length follows in 2 bytes (big-endian).
//! 3. Any other request gets `HTTP/1.1 400 Bad Request`.
//!
//! How it is graded: netlings sends the upgrade bytes itself and checks the
//! status, the headers, the accept key and the frame's bits; sends a plain
//! GET; and finally connects with a real WebSocket client.
//!
//! The `sha1` and `base64` crates are available:
//! `sha1::Sha1::digest(bytes)` (with `use sha1::Digest;`) and
//! `base64::engine::general_purpose::STANDARD.encode(bytes)` (with `use base64::Engine;`).

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

use base64::Engine;
use sha1::Digest;

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr)?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || handle(stream));
    }
    Ok(())
}

fn handle(stream: TcpStream) -> std::io::Result<()> {
    // TODO: read the request head; answer 101 (and send the welcome frame)
    // or 400.
    todo!("read the HTTP upgrade request and answer it by hand")
}

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`.
fn accept_key(key: &str) -> String {
    // TODO: base64 of the SHA-1 of key + GUID.
    todo!("compute base64(SHA-1(key + GUID))")
}
