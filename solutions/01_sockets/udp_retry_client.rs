//! # udp_retry_client — a reference solution
//!
//! Q1. What's the difference between TCP and UDP, and when would you use each in Rust?
//!
//! Reliability over UDP is the application's job: a timeout on each receive,
//! retransmission, and a limit. (TCP does all of this in the kernel - and
//! more: ordering, flow control, congestion control.)

use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let request = std::env::var("NETLINGS_REQUEST").expect("netlings sets NETLINGS_REQUEST");
    let timeout_ms: u64 = env_number("NETLINGS_TIMEOUT_MS");
    let tries: u64 = env_number("NETLINGS_TRIES");

    let socket = UdpSocket::bind("127.0.0.1:0")?;
    // `connect` on a UDP socket only fixes the peer: `send` goes there and
    // `recv` drops datagrams from anyone else.
    socket.connect(&addr)?;
    // Without a read timeout, `recv` would wait forever for a lost reply.
    socket.set_read_timeout(Some(Duration::from_millis(timeout_ms)))?;

    let mut buf = vec![0u8; 65_535];
    for _ in 0..tries {
        socket.send(request.as_bytes())?;
        match socket.recv(&mut buf) {
            Ok(n) => {
                println!("{}", String::from_utf8_lossy(&buf[..n]));
                return Ok(());
            }
            // The timeout shows up as WouldBlock (Unix) or TimedOut (Windows).
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            // "Connection refused": an ICMP error from a port nobody listens
            // on. Treat it like a lost datagram and try again after a pause.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                std::thread::sleep(Duration::from_millis(timeout_ms));
            }
            Err(e) => return Err(e),
        }
    }
    println!("gave up after {tries} tries");
    std::process::exit(1);
}

fn env_number(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("netlings sets {name} to a number"))
}
