//! # udp_kv_server
//!
//! Q1. What's the difference between TCP and UDP, and when would you use each in Rust?
//!
//! Build a key-value store that speaks UDP. Each request is one datagram:
//!
//! - `key=value` stores `value` under `key` (split at the *first* `=`, so a
//!   value may itself contain `=`). An insert gets **no** reply.
//! - `key` (no `=`) looks the key up. Reply with one datagram `key=value`, or
//!   `key=` if the key is unset, sent to the address the request came from.
//! - The key `version` always answers `version=netlings 1.0` and cannot be
//!   changed.
//! - A value may be up to 2000 bytes long: receive into a buffer that holds
//!   the longest request whole (a datagram that does not fit is cut short).
//!
//! Listen on `NETLINGS_ADDR` (for example `127.0.0.1:41234`).
//!
//! How it is graded: netlings sends datagrams from several sockets (each has its
//! own port) and checks every reply: its text, that it is one datagram, that it
//! goes to the socket that asked, and that it comes from `NETLINGS_ADDR`.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::collections::HashMap;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let mut store: HashMap<String, String> = HashMap::new();

    // TODO: bind a UdpSocket to `addr`; loop on recv_from; answer lookups
    // with send_to(reply, sender).
    todo!("bind a UdpSocket to NETLINGS_ADDR and answer requests")
}
