//! mutant of: udp_retry_client
//! bug: sends the request with a trailing newline, a habit from line protocols over TCP: a datagram is already a message
//! fails: sends the request datagram
//! says: the request differs from NETLINGS_REQUEST
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let request = std::env::var("NETLINGS_REQUEST").unwrap();
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let tries: u64 = std::env::var("NETLINGS_TRIES").unwrap().parse().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(&addr)?;
    socket.set_read_timeout(Some(Duration::from_millis(timeout)))?;
    let mut buf = vec![0u8; 65_535];
    for _ in 0..tries {
        socket.send(format!("{request}\n").as_bytes())?;
        if let Ok(n) = socket.recv(&mut buf) {
            println!("{}", String::from_utf8_lossy(&buf[..n]));
            return Ok(());
        }
    }
    println!("gave up after {tries} tries");
    std::process::exit(1);
}
