//! # udp_kv_server — a reference solution
//!
//! Q1. What's the difference between TCP and UDP, and when would you use each in Rust?
//!
//! UDP has no connections: one socket serves every client, each datagram
//! arrives whole (or not at all) with its sender's address, and a reply is
//! addressed explicitly with `send_to`.

use std::collections::HashMap;
use std::net::UdpSocket;

const VERSION: &str = "netlings 1.0";

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let socket = UdpSocket::bind(&addr)?;
    let mut store: HashMap<String, String> = HashMap::new();

    // 65 535 bytes holds any UDP datagram: a smaller buffer silently cuts
    // longer datagrams short (the rest is lost, not kept for the next read).
    let mut buf = vec![0u8; 65_535];
    loop {
        let (n, sender) = socket.recv_from(&mut buf)?;
        let request = String::from_utf8_lossy(&buf[..n]);
        match request.split_once('=') {
            // An insert. Split at the first `=`: the value may hold more.
            Some((key, value)) => {
                if key != "version" {
                    store.insert(key.to_string(), value.to_string());
                }
            }
            // A lookup: reply to this datagram's sender, from this socket.
            None => {
                let key = request.as_ref();
                let value = if key == "version" {
                    VERSION
                } else {
                    store.get(key).map_or("", String::as_str)
                };
                socket.send_to(format!("{key}={value}").as_bytes(), sender)?;
            }
        }
    }
}
