//! # udp_retry_client
//!
//! Q1. What's the difference between TCP and UDP, and when would you use each in Rust?
//!
//! UDP may lose a datagram (or, more rarely, deliver it twice), and it never
//! tells you. A client that needs an answer must retransmit. Write one:
//!
//! 1. Send the request datagram — the bytes of `NETLINGS_REQUEST` — to the
//!    server at `NETLINGS_ADDR`.
//! 2. Wait up to `NETLINGS_TIMEOUT_MS` milliseconds for a reply datagram.
//! 3. No reply in time? Send the same request again. Try at most
//!    `NETLINGS_TRIES` times in all.
//! 4. On a reply: print its text on one line and exit with status 0.
//!    After the last try times out: print `gave up after N tries` (N is
//!    `NETLINGS_TRIES`) and exit with a non-zero status.
//!
//! How it is graded: netlings' server ignores your first datagrams, then
//! answers; it measures the gaps between your retransmissions (about one
//! timeout each). A second server never answers: it counts your tries and
//! times how long you take to give up.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let request = std::env::var("NETLINGS_REQUEST").expect("netlings sets NETLINGS_REQUEST");
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_TIMEOUT_MS")
        .parse()
        .unwrap();
    let tries: u32 = std::env::var("NETLINGS_TRIES")
        .expect("netlings sets NETLINGS_TRIES")
        .parse()
        .unwrap();

    let socket = UdpSocket::bind("127.0.0.1:0")?;
    // TODO: send the request; wait at most `timeout_ms` for a reply; retry
    // up to `tries` times in all; print the reply, or `gave up after N tries`.
    todo!("send the request and retransmit it when no reply comes in time")
}
