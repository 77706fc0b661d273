//! # client_timeouts
//!
//! Q4. What are common issues you might face with blocking sockets, and how
//! do you avoid them?
//!
//! A blocking read waits until data comes — forever, if the server accepted
//! the connection and then hung. Write a client that gives up in time:
//!
//! 1. Connect to `NETLINGS_ADDR` and send the line `PING\n`.
//! 2. Wait for one reply line, `PONG <token>`, for at most
//!    `NETLINGS_TIMEOUT_MS` milliseconds.
//! 3. If it comes: print it (`PONG <token>`) and exit with status 0.
//!    If it does not: print `timeout` and exit with a non-zero status.
//!
//! How it is graded: one reference server answers after a short pause; the
//! other accepts, reads your PING, and never answers. netlings times how long
//! your client waits.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");

    let mut stream = TcpStream::connect(&addr)?;
    stream.write_all(b"PING\n")?;

    // TODO: without a timeout, this waits forever for a server that never
    // answers. Give up after `timeout_ms`: print `timeout`, exit non-zero.
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply)?;
    print!("{reply}");
    Ok(())
}
