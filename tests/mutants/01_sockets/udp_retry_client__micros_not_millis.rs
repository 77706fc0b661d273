//! mutant of: udp_retry_client
//! bug: builds the timeout with Duration::from_micros, so it retransmits almost at once
//! fails: retransmits after NETLINGS_TIMEOUT_MS (300 ms) without a reply
//! says: wait NETLINGS_TIMEOUT_MS for the reply before sending again
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    let request = std::env::var("NETLINGS_REQUEST").unwrap();
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let tries: u64 = std::env::var("NETLINGS_TRIES").unwrap().parse().unwrap();
    socket.set_read_timeout(Some(Duration::from_micros(timeout)))?;
    let mut buf = vec![0u8; 65535];
    for _ in 0..tries {
        socket.send(request.as_bytes())?;
        if let Ok(n) = socket.recv(&mut buf) {
            println!("{}", String::from_utf8_lossy(&buf[..n]));
            return Ok(());
        }
    }
    println!("gave up after {tries} tries");
    std::process::exit(1);
}
