//! mutant of: length_prefixed
//! bug: reads header and payload with one read() each, assuming each arrives whole
//! fails: reads a frame sent one byte per write (header included) | handles a 1 MiB frame of binary data (the largest allowed)
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
        if stream.read(&mut header)? == 0 {
            return Ok(());
        }
        let len = u32::from_be_bytes(header) as usize;
        if len > 1024 * 1024 {
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        // One read: whatever has arrived; the rest of `payload` stays zero.
        let _ = stream.read(&mut payload)?;
        payload.reverse();
        stream.write_all(&(len as u32).to_be_bytes())?;
        stream.write_all(&payload)?;
    }
}
