//! # client_timeouts — a reference solution
//!
//! Q4. A read timeout turns "wait forever" into an error you can handle.
//! With std it is a socket option; with tokio, `tokio::time::timeout`
//! around the future does the same for any operation.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");
    let timeout = Duration::from_millis(timeout_ms);

    // connect() can hang too (a host that drops packets): bound it as well.
    let target = addr.to_socket_addrs()?.next().expect("an address");
    let mut stream = TcpStream::connect_timeout(&target, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(b"PING\n")?;

    let mut reply = String::new();
    match BufReader::new(stream).read_line(&mut reply) {
        Ok(_) => {
            print!("{reply}");
            Ok(())
        }
        // An expired read timeout is WouldBlock on Unix, TimedOut on Windows.
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            println!("timeout");
            std::process::exit(1);
        }
        Err(e) => Err(e),
    }
}
