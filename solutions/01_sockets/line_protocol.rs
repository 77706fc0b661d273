//! # line_protocol — a reference solution
//!
//! Q3/Q4. A `read` returns whatever bytes have arrived: framing is the
//! application's job. Newline framing with `BufRead::read_line` handles a
//! request split over many reads and many requests in one read alike.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr)?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

/// Answers every request line of one connection.
fn serve(stream: TcpStream) -> std::io::Result<()> {
    // Two handles on one socket: a buffered reader, and a writer.
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        // read_line keeps reading until it has a whole line, and keeps any
        // bytes after the `\n` in its buffer for the next call.
        if reader.read_line(&mut line)? == 0 {
            return Ok(()); // EOF: the client is done.
        }
        let reply = answer(line.trim_end_matches(['\n', '\r']));
        writer.write_all(format!("{reply}\n").as_bytes())?;
    }
}

/// The reply to one request line (without its `\n`).
fn answer(request: &str) -> String {
    let parts: Vec<&str> = request.split_whitespace().collect();
    let [op, a, b] = parts[..] else {
        return format!("ERR expected `ADD a b` or `MUL a b`, got {request:?}");
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return format!("ERR not 64-bit integers: {a:?} {b:?}");
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return format!("ERR unknown command {op:?}"),
    };
    match result {
        Some(n) => n.to_string(),
        None => "ERR overflow".to_string(),
    }
}
