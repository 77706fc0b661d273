//! mutant of: length_prefixed
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

const MAX_FRAME: usize = 1024 * 1024;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let port = addr.rsplit(':').next().unwrap();
    let listener = TcpListener::bind(format!("[::1]:{port}"))?;
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
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload)?;
        payload.reverse();
        stream.write_all(&header)?;
        stream.write_all(&payload)?;
    }
}
