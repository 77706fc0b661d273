//! mutant of: ws_echo_server
//! bug: a hand-rolled frame loop that echoes text and binary frames but drops control frames, so a ping is never answered
//! fails: answers a ping with a pong carrying its payload
//! says: a ping is answered with a pong
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use base64::Engine;
use sha1::Digest;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || handle(stream));
    }
    Ok(())
}

fn handle(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut key = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim().eq_ignore_ascii_case("sec-websocket-key")
        {
            key = v.trim().to_string();
        }
    }
    let digest =
        sha1::Sha1::digest(format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11").as_bytes());
    let accept = base64::engine::general_purpose::STANDARD.encode(digest);
    writer.write_all(format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").as_bytes())?;
    loop {
        let mut head = [0u8; 2];
        reader.read_exact(&mut head)?;
        let opcode = head[0] & 0x0f;
        let mut len = u64::from(head[1] & 0x7f);
        if len == 126 {
            let mut ext = [0u8; 2];
            reader.read_exact(&mut ext)?;
            len = u64::from(u16::from_be_bytes(ext));
        } else if len == 127 {
            let mut ext = [0u8; 8];
            reader.read_exact(&mut ext)?;
            len = u64::from_be_bytes(ext);
        }
        let mut mask = [0u8; 4];
        reader.read_exact(&mut mask)?;
        let mut payload = vec![0u8; len as usize];
        reader.read_exact(&mut payload)?;
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= mask[i % 4];
        }
        match opcode {
            1 | 2 => {
                let mut frame = vec![0x80 | opcode];
                if payload.len() < 126 {
                    frame.push(payload.len() as u8);
                } else if payload.len() <= 0xffff {
                    frame.push(126);
                    frame.extend_from_slice(&(payload.len() as u16).to_be_bytes());
                } else {
                    frame.push(127);
                    frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
                }
                frame.extend_from_slice(&payload);
                writer.write_all(&frame)?;
            }
            8 => return Ok(()),
            _ => {}
        }
    }
}
