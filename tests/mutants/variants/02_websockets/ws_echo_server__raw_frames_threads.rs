//! variant of: ws_echo_server
//! how: no WebSocket library: handshake and frames by hand on std sockets, a thread per connection; fragments reassembled on input, echoes over 64 KiB sent as fragments
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

use base64::Engine;
use sha1::Digest;

const MAX_MESSAGE: usize = 64 << 20;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            if let Err(e) = serve(stream) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let Some(key) = handshake_key(&mut input)? else {
        return out.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    };
    let accept = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(format!(
        "{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    )));
    out.write_all(
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        )
        .as_bytes(),
    )?;

    // A data message may come in fragments: opcode first, continuations after.
    let mut message: Option<(u8, Vec<u8>)> = None;
    loop {
        let Some((fin, opcode, payload)) = read_frame(&mut input)? else {
            return Ok(());
        };
        match opcode {
            0x0 => {
                let Some((_, data)) = message.as_mut() else {
                    return close(&mut out, 1002);
                };
                data.extend_from_slice(&payload);
                if data.len() > MAX_MESSAGE {
                    return close(&mut out, 1009);
                }
            }
            0x1 | 0x2 => message = Some((opcode, payload)),
            0x8 => {
                // Echo the client's code (or 1000 if it gave none), then go.
                let code = payload.get(..2).unwrap_or(&[0x03, 0xe8]).to_vec();
                write_frame(&mut out, 0x8, &code)?;
                return out.shutdown(Shutdown::Both);
            }
            0x9 => write_frame(&mut out, 0xA, &payload)?,
            0xA => {}
            _ => return close(&mut out, 1002),
        }
        if fin
            && opcode != 0x9
            && opcode != 0xA
            && let Some((kind, data)) = message.take()
        {
            send_message(&mut out, kind, &data)?;
        }
    }
}

/// A data message; a long one as several frames (FIN only on the last,
/// the opcode only on the first), as any endpoint may send it.
fn send_message(out: &mut TcpStream, kind: u8, data: &[u8]) -> std::io::Result<()> {
    const FRAGMENT: usize = 64 * 1024;
    if data.len() <= FRAGMENT {
        return write_frame(out, kind, data);
    }
    let pieces: Vec<&[u8]> = data.chunks(FRAGMENT).collect();
    for (i, piece) in pieces.iter().enumerate() {
        let opcode = if i == 0 { kind } else { 0x0 };
        let fin = if i + 1 == pieces.len() { 0x80 } else { 0 };
        write_raw_frame(out, fin | opcode, piece)?;
    }
    Ok(())
}

fn close(out: &mut TcpStream, code: u16) -> std::io::Result<()> {
    write_frame(out, 0x8, &code.to_be_bytes())?;
    out.shutdown(Shutdown::Both)
}

/// The Sec-WebSocket-Key of an upgrade request, or None for anything else.
fn handshake_key(input: &mut BufReader<TcpStream>) -> std::io::Result<Option<String>> {
    let (mut upgrade, mut key) = (false, None);
    let mut first = true;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if line.is_empty() && !first {
            break;
        }
        if first {
            first = false;
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "upgrade" => upgrade = value.trim().eq_ignore_ascii_case("websocket"),
                "sec-websocket-key" => key = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    Ok(key.filter(|_| upgrade))
}

fn read_frame(input: &mut impl Read) -> std::io::Result<Option<(bool, u8, Vec<u8>)>> {
    let mut head = [0u8; 2];
    match input.read_exact(&mut head) {
        Ok(()) => {}
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
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
    if len > MAX_MESSAGE {
        return Err(std::io::Error::new(
            ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut mask = [0u8; 4];
    if head[1] & 0x80 != 0 {
        input.read_exact(&mut mask)?;
    }
    let mut payload = vec![0u8; len];
    input.read_exact(&mut payload)?;
    payload
        .iter_mut()
        .enumerate()
        .for_each(|(i, b)| *b ^= mask[i & 3]);
    Ok(Some((head[0] & 0x80 != 0, head[0] & 0x0f, payload)))
}

fn write_frame(out: &mut impl Write, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    write_raw_frame(out, 0x80 | opcode, payload)
}

/// A frame whose first byte (FIN and opcode) is given as is.
fn write_raw_frame(out: &mut impl Write, first: u8, payload: &[u8]) -> std::io::Result<()> {
    let mut frame = Vec::with_capacity(payload.len() + 10);
    frame.push(first);
    if payload.len() < 126 {
        frame.push(payload.len() as u8);
    } else if let Ok(short) = u16::try_from(payload.len()) {
        frame.push(126);
        frame.extend_from_slice(&short.to_be_bytes());
    } else {
        frame.push(127);
        frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    }
    frame.extend_from_slice(payload);
    out.write_all(&frame)
}
