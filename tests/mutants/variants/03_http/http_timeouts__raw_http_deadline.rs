//! variant of: http_timeouts
//! how: HTTP/1.1 by hand over std TcpStream against one deadline NETLINGS_TIMEOUT_MS after it starts: connect_timeout, then set_read_timeout(time left) before every read
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

fn main() {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let report = std::env::var("NETLINGS_REPORT").unwrap();
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_millis(timeout_ms);
    let hostport = base.trim_start_matches("http://").trim_end_matches('/');

    let left = || deadline.saturating_duration_since(Instant::now());
    let timed_out = || -> ! {
        println!("timeout");
        std::process::exit(1)
    };
    let addr = hostport.to_socket_addrs().unwrap().next().unwrap();
    let mut stream = match TcpStream::connect_timeout(&addr, left()) {
        Ok(s) => s,
        Err(e) if e.kind() == ErrorKind::TimedOut => timed_out(),
        Err(e) => panic!("connect: {e}"),
    };
    write!(
        stream,
        "GET /v1/reports/{report} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();

    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if left().is_zero() {
            timed_out();
        }
        stream.set_read_timeout(Some(left())).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                timed_out()
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("read: {e}"),
        }
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response");
    let head = String::from_utf8_lossy(&raw[..split]);
    if !head.starts_with("HTTP/1.1 200") {
        println!("error: {}", head.lines().next().unwrap_or(""));
        std::process::exit(1);
    }
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    println!("{}", String::from_utf8_lossy(&body).trim());
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}
