//! # tcp_client
//!
//! Q2. How would you implement a simple TCP client and server in Rust?
//!
//! Write a client for a tiny greeting protocol:
//!
//! 1. Connect to the server at `NETLINGS_ADDR` (for example `127.0.0.1:41234`).
//! 2. Send one request line: `HELLO <name>\n`, where `<name>` is the value of
//!    `NETLINGS_NAME`.
//! 3. Read the server's reply until the server closes the connection (EOF).
//!    The reply is several lines and arrives in pieces, with pauses between.
//! 4. Print the reply to stdout exactly as received, and exit with status 0.
//!
//! How it is graded: netlings is the server. It checks your request line byte
//! for byte, sends its reply in three parts, closes, and compares what you
//! printed with what it sent.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let name = std::env::var("NETLINGS_NAME").expect("netlings sets NETLINGS_NAME");

    // TODO: connect, send `HELLO <name>\n`, read the reply until EOF, print it.
    todo!("connect to NETLINGS_ADDR and send the HELLO line")
}
