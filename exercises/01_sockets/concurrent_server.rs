//! # concurrent_server
//!
//! Q4. What are common issues you might face with blocking sockets, and how
//! do you avoid them?
//!
//! A blocking `read` waits until its client sends something — maybe never.
//! A server that serves one connection at a time is then stuck, and so is
//! every other client. Serve the `line_protocol` protocol again, this time:
//!
//! - to many clients at once: one slow or idle client must not delay the
//!   others (a thread per connection, or a tokio task per connection);
//! - closing a connection that has been idle (no bytes received) for longer
//!   than `NETLINGS_IDLE_TIMEOUT_MS` milliseconds.
//!
//! The protocol, as in `line_protocol`: requests `ADD a b` / `MUL a b` (i64)
//! one per line, reply the decimal result as a line; many requests per
//! connection. Listen on `NETLINGS_ADDR`.
//!
//! How it is graded: one connection trickles a request that never ends
//! while ten others connect and ask, last one first; then netlings times how
//! long an idle connection stays open, and keeps a busy one open past the
//! timeout.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let idle_ms: u64 = std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_IDLE_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");
    let listener = TcpListener::bind(&addr)?;

    // TODO: this serves one connection at a time: while `serve` waits for a
    // quiet client, nobody else is accepted. And nothing ever times out.
    for stream in listener.incoming() {
        serve(stream?, Duration::from_millis(idle_ms))?;
    }
    Ok(())
}

/// Answers every request line of one connection until it closes or idles out.
fn serve(stream: TcpStream, idle: Duration) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        writer.write_all(format!("{}\n", answer(line.trim_end())).as_bytes())?;
    }
}

/// The reply to one request line (as in `line_protocol`).
fn answer(request: &str) -> String {
    let parts: Vec<&str> = request.split_whitespace().collect();
    let [op, a, b] = parts[..] else {
        return "ERR expected `ADD a b` or `MUL a b`".to_string();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR bad number".to_string();
    };
    match op {
        "ADD" => a
            .checked_add(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        "MUL" => a
            .checked_mul(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        _ => "ERR unknown command".to_string(),
    }
}
