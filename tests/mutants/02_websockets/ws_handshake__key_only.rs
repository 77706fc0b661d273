//! mutant of: ws_handshake
//! bug: upgrades any request that has a Sec-WebSocket-Key, without looking for `Upgrade: websocket`
//! fails: answers 400 to an Upgrade without a key
//! says: no `Upgrade: websocket`
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
        std::thread::spawn(move || {
            if let Err(e) = handle(stream) {
                eprintln!("connection ended: {e}");
            }
        });
    }
    Ok(())
}

fn handle(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);

    // The request line: `GET /room/7 HTTP/1.1`.
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();

    // Headers until the empty line. Names are case-insensitive.
    let mut upgrade = false;
    let mut key = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "upgrade" => upgrade = value.eq_ignore_ascii_case("websocket"),
                "sec-websocket-key" => key = Some(value.to_string()),
                _ => {}
            }
        }
    }

    let _ = upgrade;
    let Some(key) = key else {
        writer.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(());
    };

    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        accept_key(&key)
    );
    writer.write_all(response.as_bytes())?;
    writer.write_all(&text_frame(&format!("welcome to {path}")))?;
    Ok(())
}

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: proves the server
/// understood the WebSocket handshake (a plain HTTP server would not).
fn accept_key(key: &str) -> String {
    let digest = sha1::Sha1::digest(format!("{key}{GUID}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// One unmasked text frame: FIN + opcode 1, the length, the payload.
fn text_frame(text: &str) -> Vec<u8> {
    let payload = text.as_bytes();
    let mut frame = vec![0x81];
    match payload.len() {
        n if n < 126 => frame.push(n as u8),
        n if n <= 0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame
}
