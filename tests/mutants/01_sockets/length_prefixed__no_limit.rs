//! mutant of: length_prefixed
//! bug: trusts the length header: no 1 MiB limit, it waits for a payload that never comes
//! fails: closes a connection that announces more than 1 MiB, and only that one
//! says: check the length against the 1 MiB limit
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
        let len = u32::from_be_bytes(header) as usize;
        // Read in steps instead of allocating up front: no crash, just waiting.
        let mut payload = Vec::new();
        (&mut stream).take(len as u64).read_to_end(&mut payload)?;
        payload.reverse();
        stream.write_all(&(len as u32).to_be_bytes())?;
        stream.write_all(&payload)?;
    }
}
