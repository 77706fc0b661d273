//! mutant of: send_all
//! bug: computes the payload with `i % 256` instead of the protocol's `i % 251`
//! fails: delivers all
//! says: byte 251 of the payload is wrong
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

fn main() -> std::io::Result<()> {
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 256) as u8).collect();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    stream.write_all(&data)?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    print!("{reply}");
    Ok(())
}
