//! mutant of: length_prefixed
//! bug: takes a frame of length 0 as the client saying goodbye, and closes the connection instead of replying with an empty frame
//! fails: answers an empty frame with an empty frame
//! says: closed the connection
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
        if len == 0 || len > MAX_FRAME {
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload)?;
        payload.reverse();
        stream.write_all(&header)?;
        stream.write_all(&payload)?;
    }
}
