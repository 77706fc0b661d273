//! mutant of: send_all
//! bug: sends everything but never shuts down its sending side, then waits for a reply the server sends only after EOF
//! fails: delivers all
//! says: shut down the sending side
use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    stream.write_all(&data)?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    print!("{reply}");
    Ok(())
}
