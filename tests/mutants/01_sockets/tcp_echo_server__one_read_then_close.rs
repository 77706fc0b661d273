//! mutant of: tcp_echo_server
//! bug: echoes what one read() returned, then drops the connection: a request/response habit, where an echo is a stream
//! fails: echoes 1 MiB of random bytes intact
//! says: ended the connection while netlings was still sending
//! says not: String
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || echo(stream));
    }
    Ok(())
}

fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    let n = stream.read(&mut buf)?;
    stream.write_all(&buf[..n])
}
