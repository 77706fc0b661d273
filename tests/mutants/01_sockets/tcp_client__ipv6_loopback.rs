//! mutant of: tcp_client
//! bug: connects to the IPv6 loopback `[::1]` on NETLINGS_ADDR's port, not to the address it was given
//! fails: connects to NETLINGS_ADDR
//! says: did not connect
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    // "It is all localhost anyway": only the port is taken from the address.
    let port = addr.rsplit(':').next().unwrap();
    let mut stream = TcpStream::connect(format!("[::1]:{port}"))?;
    let name = std::env::var("NETLINGS_NAME").unwrap();
    stream.write_all(format!("HELLO {name}\n").as_bytes())?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    std::io::stdout().write_all(&reply)?;
    Ok(())
}
