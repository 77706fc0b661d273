//! variant of: send_all
//! how: std blocking TcpStream: write_all, shutdown(Write), read_to_string, the reply printed trimmed with println!
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();

    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(&data)?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    println!("{}", reply.trim_end());
    Ok(())
}
