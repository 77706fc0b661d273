//! variant of: ws_chat
//! how: std threads and hand-made frames; each client has a writer thread behind a sync_channel(16), and a client whose queue is full is disconnected (and its leave announced)
use std::collections::HashMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use base64::Engine;
use sha1::Digest;

struct Member {
    queue: SyncSender<Vec<u8>>,
    socket: TcpStream,
}

type Room = Arc<Mutex<HashMap<u64, Member>>>;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let room: Room = Arc::default();
    for (id, stream) in (1u64..).zip(listener.incoming()) {
        let Ok(stream) = stream else { continue };
        let room = room.clone();
        std::thread::spawn(move || {
            if let Err(e) = member(stream, id, &room) {
                eprintln!("client {id}: {e}");
            }
        });
    }
    Ok(())
}

/// Queues `text` for everyone but `from`; whoever cannot take it is cut off.
fn say(room: &Room, from: u64, text: &str) {
    say_in(&mut room.lock().unwrap(), from, text);
}

fn say_in(room: &mut HashMap<u64, Member>, from: u64, text: &str) {
    let frame = frame(0x1, text.as_bytes());
    let mut too_slow = Vec::new();
    for (id, m) in room.iter() {
        if *id == from {
            continue;
        }
        match m.queue.try_send(frame.clone()) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => too_slow.push(*id),
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
    for id in too_slow {
        if let Some(m) = room.remove(&id) {
            // Its own thread sees the connection end and announces the leave.
            let _ = m.socket.shutdown(Shutdown::Both);
        }
    }
}

fn member(stream: TcpStream, id: u64, room: &Room) -> std::io::Result<()> {
    let mut input = BufReader::new(stream.try_clone()?);
    let mut out = stream.try_clone()?;
    let (target, key) = read_request(&mut input)?;
    let Some(key) = key else {
        return out.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    };
    let name = target
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("name=")))
        .map_or_else(|| format!("user{id}"), str::to_string);

    let (queue, lines) = sync_channel::<Vec<u8>>(16);
    let control = queue.clone();
    {
        // Entering the room and announcing it are one step: whoever is in
        // the room then hears of it, whoever comes later does not.
        let mut members = room.lock().unwrap();
        members.insert(
            id,
            Member {
                queue,
                socket: stream.try_clone()?,
            },
        );
        say_in(&mut members, id, &format!("* {name} joined"));
    }
    let accept = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(format!(
        "{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    )));
    out.write_all(
        format!("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")
            .as_bytes(),
    )?;
    let writer = std::thread::spawn(move || {
        for frame in lines {
            if out.write_all(&frame).is_err() {
                break;
            }
        }
        let _ = out.shutdown(Shutdown::Both);
    });

    loop {
        match read_frame(&mut input) {
            Ok(Some((0x1, text))) => {
                say(
                    room,
                    id,
                    &format!("{name}: {}", String::from_utf8_lossy(&text)),
                );
            }
            Ok(Some((0x9, payload))) => {
                let _ = control.send(frame(0xA, &payload));
            }
            Ok(Some((0x8, payload))) => {
                let _ = control.send(frame(0x8, payload.get(..2).unwrap_or(&[])));
                break;
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    {
        let mut members = room.lock().unwrap();
        members.remove(&id);
        say_in(&mut members, id, &format!("* {name} left"));
    }
    drop(control);
    let _ = writer.join();
    Ok(())
}

fn read_request(input: &mut impl BufRead) -> std::io::Result<(String, Option<String>)> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let target = line.split(' ').nth(1).unwrap_or("/").to_string();
    let mut key = None;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 || line.trim().is_empty() {
            return Ok((target, key));
        }
        if let Some((n, v)) = line.split_once(':')
            && n.trim().eq_ignore_ascii_case("sec-websocket-key")
        {
            key = Some(v.trim().to_string());
        }
    }
}

fn read_frame(input: &mut impl Read) -> std::io::Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 2];
    if let Err(e) = input.read_exact(&mut head) {
        return if e.kind() == ErrorKind::UnexpectedEof {
            Ok(None)
        } else {
            Err(e)
        };
    }
    let len = match head[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            input.read_exact(&mut b)?;
            u16::from_be_bytes(b) as usize
        }
        127 => {
            let mut b = [0u8; 8];
            input.read_exact(&mut b)?;
            u64::from_be_bytes(b) as usize
        }
        n => n as usize,
    };
    if len > 16 << 20 {
        return Ok(None);
    }
    let mut mask = [0u8; 4];
    if head[1] & 0x80 != 0 {
        input.read_exact(&mut mask)?;
    }
    let mut payload = vec![0u8; len];
    input.read_exact(&mut payload)?;
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= mask[i % 4];
    }
    Ok(Some((head[0] & 0x0f, payload)))
}

fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => f.push(n as u8),
        n if n < 65536 => {
            f.push(126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            f.push(127);
            f.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    f.extend_from_slice(payload);
    f
}
