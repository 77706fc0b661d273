//! variant of: ws_handshake
//! how: std threads; after the welcome frame the connection stays open, client frames are unmasked and read, pings answered, a close echoed with its code
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use base64::Engine;
use sha1::Digest;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || handle(stream));
    }
    Ok(())
}

fn handle(stream: TcpStream) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut request_line = String::new();
    input.read_line(&mut request_line)?;
    let mut parts = request_line.split_ascii_whitespace();
    let (_method, target) = (parts.next(), parts.next().unwrap_or("/").to_string());

    let mut websocket = false;
    let mut key: Option<String> = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("upgrade") {
            websocket = value.to_ascii_lowercase().contains("websocket");
        } else if name.trim().eq_ignore_ascii_case("sec-websocket-key") {
            key = Some(value.trim().to_owned());
        }
    }
    let Some(key) = key.filter(|_| websocket) else {
        return out.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    };
    let mut sha = sha1::Sha1::new();
    sha.update(key.as_bytes());
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    let accept = base64::engine::general_purpose::STANDARD.encode(sha.finalize());
    write!(
        out,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )?;
    send(&mut out, 0x1, format!("welcome to {target}").as_bytes())?;

    // The WebSocket stays open: serve control frames until the client goes.
    loop {
        let Some((opcode, payload)) = read_frame(&mut input)? else {
            return Ok(());
        };
        match opcode {
            0x9 => send(&mut out, 0xA, &payload)?,
            0x8 => {
                let code = payload.get(..2).unwrap_or(&[0x03, 0xE8]);
                return send(&mut out, 0x8, code);
            }
            _ => {}
        }
    }
}

fn send(out: &mut TcpStream, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    let mut frame = vec![0x80 | opcode];
    match payload.len() {
        n @ 0..=125 => frame.push(n as u8),
        n @ 126..=65535 => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    out.write_all(&frame)
}

/// One client frame (opcode, unmasked payload), or None at EOF.
fn read_frame(input: &mut impl Read) -> std::io::Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 2];
    if let Err(e) = input.read_exact(&mut head) {
        return if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Ok(None)
        } else {
            Err(e)
        };
    }
    let len = match head[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            input.read_exact(&mut b)?;
            u64::from(u16::from_be_bytes(b))
        }
        127 => {
            let mut b = [0u8; 8];
            input.read_exact(&mut b)?;
            u64::from_be_bytes(b)
        }
        n => u64::from(n),
    };
    if len > 1 << 20 {
        return Ok(None);
    }
    let mut mask = [0u8; 4];
    if head[1] & 0x80 != 0 {
        input.read_exact(&mut mask)?;
    }
    let mut payload = vec![0u8; len as usize];
    input.read_exact(&mut payload)?;
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
    Ok(Some((head[0] & 0x0f, payload)))
}
