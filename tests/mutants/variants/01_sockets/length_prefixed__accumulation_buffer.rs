//! variant of: length_prefixed
//! how: no read_exact: a hand-rolled accumulation buffer parsed frame by frame as bytes come; the limit checked as soon as 4 bytes are in; shutdown(Both) on an absurd length
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};

const MAX_FRAME: usize = 1_048_576;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    loop {
        let (stream, _) = listener.accept()?;
        std::thread::spawn(move || {
            let _ = serve(stream);
        });
    }
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        // Answer every whole frame in the buffer.
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(header) = buf.get(at..at + 4) {
            let len = u32::from_be_bytes(header.try_into().unwrap()) as usize;
            if len > MAX_FRAME {
                stream.write_all(&out)?;
                return stream.shutdown(Shutdown::Both);
            }
            let Some(payload) = buf.get(at + 4..at + 4 + len) else {
                break;
            };
            out.extend_from_slice(&(len as u32).to_be_bytes());
            out.extend(payload.iter().rev());
            at += 4 + len;
        }
        buf.drain(..at);
        if !out.is_empty() {
            stream.write_all(&out)?;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
