//! variant of: line_protocol
//! how: no BufReader: raw reads into a hand-managed buffer, lines cut at b'\n', and all the replies to one read sent in a single write
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                std::thread::spawn(move || serve(stream));
            }
            Err(e) => eprintln!("accept: {e}"),
        }
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        pending.extend_from_slice(&chunk[..n]);
        let mut replies = Vec::new();
        let mut start = 0;
        while let Some(i) = pending[start..].iter().position(|&b| b == b'\n') {
            let line = &pending[start..start + i];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            replies.extend_from_slice(answer(line).as_bytes());
            replies.push(b'\n');
            start += i + 1;
        }
        pending.drain(..start);
        if !replies.is_empty() {
            stream.write_all(&replies)?;
        }
    }
}

fn answer(line: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(line) else {
        return "ERR not text".into();
    };
    let mut words = text.split(' ').filter(|w| !w.is_empty());
    let (Some(op), Some(a), Some(b), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return "ERR usage: ADD a b | MUL a b".into();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR operands must be 64-bit integers".into();
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        other => return format!("ERR no such command: {other}"),
    };
    result.map_or_else(|| "ERR overflow".into(), |n| n.to_string())
}
