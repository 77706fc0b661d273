//! mutant of: tcp_client
//! bug: sends the request without its terminating newline, then waits for a reply that never comes
//! fails: sends the request line `HELLO <name>`
//! says: followed by `\n`
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    let name = std::env::var("NETLINGS_NAME").unwrap();
    stream.write_all(format!("HELLO {name}").as_bytes())?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    std::io::stdout().write_all(&reply)?;
    Ok(())
}
