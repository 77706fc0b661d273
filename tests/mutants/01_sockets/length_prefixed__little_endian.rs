//! mutant of: length_prefixed
//! bug: decodes the length header as little-endian
//! fails: replies to a frame with its payload reversed
//! says: big-endian
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

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
        let len = u32::from_le_bytes(header) as usize;
        if len > 1024 * 1024 {
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload)?;
        payload.reverse();
        stream.write_all(&(len as u32).to_le_bytes())?;
        stream.write_all(&payload)?;
    }
}
