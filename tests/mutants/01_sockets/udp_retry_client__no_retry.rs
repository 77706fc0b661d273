//! mutant of: udp_retry_client
//! bug: sends once and waits for the reply without a timeout, as if UDP were reliable
//! fails: retransmits after NETLINGS_TIMEOUT_MS (300 ms) without a reply
//! says: send the request again
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    socket.send(std::env::var("NETLINGS_REQUEST").unwrap().as_bytes())?;
    let mut buf = vec![0u8; 65535];
    let n = socket.recv(&mut buf)?;
    println!("{}", String::from_utf8_lossy(&buf[..n]));
    Ok(())
}
