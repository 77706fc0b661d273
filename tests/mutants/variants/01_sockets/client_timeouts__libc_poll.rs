//! variant of: client_timeouts
//! how: a non-blocking std socket waited on with libc::poll against a deadline; the reply accumulated byte-wise until the newline
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

fn main() {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream.write_all(b"PING\n").expect("send");
    stream.set_nonblocking(true).expect("non-blocking");
    let deadline = Instant::now() + Duration::from_millis(timeout_ms);

    let mut reply = Vec::new();
    let mut buf = [0u8; 256];
    while !reply.contains(&b'\n') {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            println!("timeout");
            std::process::exit(1);
        }
        let mut fds = [libc::pollfd {
            fd: stream.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), 1, left.as_millis().max(1) as i32) };
        if ready <= 0 {
            continue; // timed out (checked at the top) or interrupted
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                println!("error: the server closed the connection");
                std::process::exit(2);
            }
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
            Err(e) => {
                println!("error: {e}");
                std::process::exit(2);
            }
        }
    }
    let end = reply.iter().position(|&b| b == b'\n').unwrap();
    println!("{}", String::from_utf8_lossy(&reply[..end]).trim_end());
}
