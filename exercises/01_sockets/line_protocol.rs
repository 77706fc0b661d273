//! # line_protocol
//!
//! Q3. How does `write_all` differ from `write`? — and what does a `read` return?
//! Q4. What are common issues you might face with blocking sockets?
//!
//! TCP carries a stream of bytes, not messages: one `read` may return half a
//! request, or three. Build a calculator server whose messages are lines:
//!
//! - Each request is one line ending in `\n`: `ADD a b` or `MUL a b`, where
//!   `a` and `b` are signed 64-bit integers (`i64`).
//! - Reply with one line: the decimal result, e.g. `ADD 2 3` → `5\n`.
//! - Anything else (an unknown command, a missing or bad number) gets one
//!   line `ERR <reason>`, and the connection stays open.
//! - A client may send many requests on one connection, one after another or
//!   all in a single write.
//!
//! Listen on `NETLINGS_ADDR`.
//!
//! How it is graded: netlings sends requests whole, split into 1-byte writes,
//! and several in one write, and checks every reply line, in order.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

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
    // TODO: read the stream line by line (a BufReader's `read_line` buffers
    // until `\n`, however the bytes arrive) and write one reply per line.
    todo!("read requests line by line and answer each with `answer`")
}

/// The reply to one request line (without its `\n`).
fn answer(request: &str) -> String {
    // TODO: `ADD a b` → a + b, `MUL a b` → a * b, anything else → `ERR <reason>`.
    todo!("compute the reply to one request")
}
