//! variant of: udp_retry_client
//! how: std, bound to 0.0.0.0 and unconnected; each try has a deadline and every recv_from gets set_read_timeout(the time left)
use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

fn main() {
    let server: SocketAddr = std::env::var("NETLINGS_ADDR")
        .unwrap()
        .to_socket_addrs()
        .unwrap()
        .next()
        .unwrap();
    let request = std::env::var("NETLINGS_REQUEST").unwrap();
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let tries: usize = std::env::var("NETLINGS_TRIES").unwrap().parse().unwrap();

    let socket = UdpSocket::bind("0.0.0.0:0").expect("bind");
    let mut buf = [0u8; 65_535];
    let mut out = std::io::stdout().lock();
    for _ in 0..tries {
        socket.send_to(request.as_bytes(), server).expect("send");
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        while let Some(left) = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        {
            socket.set_read_timeout(Some(left)).expect("timeout");
            match socket.recv_from(&mut buf) {
                Ok((n, from)) if from.port() == server.port() => {
                    out.write_all(&buf[..n]).unwrap();
                    out.write_all(b"\n").unwrap();
                    out.flush().unwrap();
                    return;
                }
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // Not a timeout: keep this try's deadline all the same.
                    eprintln!("recv: {e}");
                    std::thread::sleep(left.min(Duration::from_millis(10)));
                }
            }
        }
    }
    writeln!(out, "gave up after {tries} tries").unwrap();
    out.flush().unwrap();
    std::process::exit(3);
}
