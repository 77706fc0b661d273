//! # tcp_client — a reference solution
//!
//! Q2. How would you implement a simple TCP client and server in Rust?
//!
//! The whole client is four calls: connect, write_all, read_to_end, print.
//! The lesson is in read_to_end: one `read` returns whatever has arrived so
//! far — a reply sent in pieces needs reads until EOF.

use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let name = std::env::var("NETLINGS_NAME").expect("netlings sets NETLINGS_NAME");

    let mut stream = TcpStream::connect(&addr)?;
    // write_all, not write: write may send only part of the buffer.
    stream.write_all(format!("HELLO {name}\n").as_bytes())?;

    // The server marks the end of its reply by closing the connection, so
    // "the whole reply" is "everything until read returns 0".
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;

    // Print the bytes unchanged (print! would need UTF-8; stdout takes bytes).
    std::io::stdout().write_all(&reply)?;
    Ok(())
}
