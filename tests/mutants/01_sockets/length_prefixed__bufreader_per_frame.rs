//! mutant of: length_prefixed
//! bug: wraps the stream in a new BufReader for every frame; each one reads ahead and is dropped with the frames it read ahead
//! fails: answers three frames sent in one write, in order
//! says: frame 2 of 3
use std::io::{BufReader, Read, Write};
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
        let mut reader = BufReader::new(&stream);
        let mut header = [0u8; 4];
        reader.read_exact(&mut header)?;
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_FRAME {
            return Ok(());
        }
        let mut payload = vec![0u8; len];
        reader.read_exact(&mut payload)?;
        drop(reader);
        payload.reverse();
        stream.write_all(&header)?;
        stream.write_all(&payload)?;
    }
}
