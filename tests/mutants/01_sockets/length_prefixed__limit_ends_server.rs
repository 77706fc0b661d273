//! mutant of: length_prefixed
//! bug: answers an absurd length by exiting the whole process (std::process::exit), not by closing that one connection
//! fails: closes a connection that announces more than 1 MiB, and only that one
//! says: exited with status 1
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

const MAX_FRAME: usize = 1024 * 1024;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    loop {
        let mut header = [0u8; 4];
        stream.read_exact(&mut header)?;
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_FRAME {
            eprintln!("a frame of {len} bytes: the client is broken");
            std::process::exit(1);
        }
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload)?;
        payload.reverse();
        stream.write_all(&header)?;
        stream.write_all(&payload)?;
    }
}
