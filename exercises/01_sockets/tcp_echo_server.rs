//! # tcp_echo_server
//!
//! Q2. How would you implement a simple TCP client and server in Rust?
//!
//! Build an echo server (RFC 862): every byte a client sends comes back to it.
//!
//! - Listen on the address in `NETLINGS_ADDR` (for example `127.0.0.1:41234`).
//! - Accept connections in a loop, and serve each one in its own thread (or
//!   tokio task): one quiet client must not block the others.
//! - Echo exactly the bytes you read: any bytes, not just text.
//! - When `read` returns 0, the client has half-closed (it will send no more).
//!   Write back whatever is left, then close the connection.
//! - A client that disappears (a failed write) ends its connection, not the server.
//!
//! How it is graded: netlings starts this program, connects, sends a line and
//! then 1 MiB of random bytes while reading the echo, half-closes and waits for
//! the close; then it connects again, twice at once, and once drops a
//! connection mid-echo. `netlings run tcp_echo_server` shows every step.
//!
//! std::net (as below) or tokio::net: your choice.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");

    // TODO: bind a TcpListener to `addr`, then accept connections in a loop
    // and hand each one to `echo` in a thread of its own.
    todo!("bind a TcpListener to NETLINGS_ADDR and accept connections in a loop")
}

/// Sends back everything the client sends, until the client half-closes.
fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    // TODO: read into `buf`; write back exactly the bytes you read; stop when
    // `read` returns 0.
    todo!("echo the bytes back until read() returns 0")
}
