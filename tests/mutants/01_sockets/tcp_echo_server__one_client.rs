//! mutant of: tcp_echo_server
//! bug: accepts a single connection, echoes it, and exits
//! fails: serves another client after the first one left
//! says: stop after its first client
use std::io::{Read, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let (mut stream, _) = listener.accept()?;
    let mut buf = [0u8; 8192];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n])?;
    }
}
