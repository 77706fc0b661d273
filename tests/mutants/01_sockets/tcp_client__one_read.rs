//! mutant of: tcp_client
//! bug: one read() taken as the whole reply
//! fails: prints the whole reply, read until the server closes
//! says: one read() returns what has arrived so far
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    let name = std::env::var("NETLINGS_NAME").unwrap();
    stream.write_all(format!("HELLO {name}\n").as_bytes())?;
    let mut buf = [0u8; 65536];
    let n = stream.read(&mut buf)?;
    std::io::stdout().write_all(&buf[..n])?;
    Ok(())
}
