//! mutant of: udp_retry_client
//! bug: prints the whole receive buffer instead of the `n` bytes the datagram filled, so the reply line ends in zero bytes
//! fails: prints the reply and exits with status 0
//! says: did not print
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
    let mut buf = [0u8; 64];
    for _ in 0..tries {
        socket.send(request.as_bytes())?;
        if socket.recv(&mut buf).is_ok() {
            println!("{}", String::from_utf8_lossy(&buf));
            return Ok(());
        }
    }
    println!("gave up after {tries} tries");
    std::process::exit(1);
}
