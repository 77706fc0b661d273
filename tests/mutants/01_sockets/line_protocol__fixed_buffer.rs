//! mutant of: line_protocol
//! bug: collects requests in a fixed 1 KiB array; when it fills up, what is in it is taken as whole lines, so a request cut at the edge is answered as garbage
//! fails: answers 100 pipelined requests, in order
//! says: wrong the reply
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 1024];
    let mut filled = 0;
    loop {
        let n = stream.read(&mut buf[filled..])?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
        // Wait for the end of a line, unless there is no room left.
        if buf[filled - 1] != b'\n' && filled < buf.len() {
            continue;
        }
        let text = String::from_utf8_lossy(&buf[..filled]).to_string();
        for line in text.lines() {
            stream.write_all(format!("{}\n", answer(line)).as_bytes())?;
        }
        filled = 0;
    }
}

fn answer(line: &str) -> String {
    let parts: Vec<&str> = line.split_whitespace().collect();
    match parts[..] {
        [op, a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
            (Ok(a), Ok(b)) if op == "ADD" => a.wrapping_add(b).to_string(),
            (Ok(a), Ok(b)) if op == "MUL" => a.wrapping_mul(b).to_string(),
            _ => "ERR bad request".into(),
        },
        _ => "ERR bad request".into(),
    }
}
