//! # length_prefixed — a reference solution
//!
//! Length-prefixed framing: `read_exact` reads exactly the 4 header bytes,
//! then exactly `n` payload bytes, however the network splits them. The
//! length is checked before anything is allocated: a peer must not be able
//! to make the server reserve 4 GiB with four bytes.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};

/// The largest payload a frame may carry.
const MAX_FRAME: usize = 1024 * 1024;

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr)?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

/// Answers every frame of one connection.
fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    loop {
        let mut header = [0u8; 4];
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            // EOF between frames: the client is done.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        // Network byte order is big-endian: 00 00 00 05 is 5.
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_FRAME {
            // Returning drops the stream: this connection closes, no reply.
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload)?;
        payload.reverse();

        let mut reply = Vec::with_capacity(4 + len);
        reply.extend_from_slice(&(len as u32).to_be_bytes());
        reply.extend_from_slice(&payload);
        stream.write_all(&reply)?;
    }
}
