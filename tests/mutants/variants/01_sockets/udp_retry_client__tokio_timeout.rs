//! variant of: udp_retry_client
//! how: tokio's UdpSocket, unconnected: send_to, then recv_from under tokio::time::timeout_at, ignoring datagrams from anyone but the server
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

#[tokio::main]
async fn main() -> std::io::Result<ExitCode> {
    let server: SocketAddr = std::env::var("NETLINGS_ADDR").unwrap().parse().unwrap();
    let request = std::env::var("NETLINGS_REQUEST").unwrap();
    let timeout = Duration::from_millis(
        std::env::var("NETLINGS_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let tries: u32 = std::env::var("NETLINGS_TRIES").unwrap().parse().unwrap();

    let socket = UdpSocket::bind("127.0.0.1:0").await?;
    let mut buf = vec![0u8; 65_536];
    for _ in 0..tries {
        socket.send_to(request.as_bytes(), server).await?;
        let deadline = Instant::now() + timeout;
        loop {
            match timeout_at(deadline, socket.recv_from(&mut buf)).await {
                Err(_) => break, // this try timed out
                Ok(Ok((n, from))) if from == server => {
                    println!("{}", String::from_utf8_lossy(&buf[..n]));
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(Ok(_)) => {} // a stranger's datagram: keep waiting
                Ok(Err(e)) => eprintln!("recv: {e}"),
            }
        }
    }
    println!("gave up after {tries} tries");
    Ok(ExitCode::from(2))
}
