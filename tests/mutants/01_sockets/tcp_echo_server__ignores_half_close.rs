//! mutant of: tcp_echo_server
//! bug: treats read() == 0 as "nothing yet" and keeps polling, so the connection never closes after the client's half-close
//! fails: after the client's half-close, echoes the rest and closes
//! says: read() returning 0 means the client has finished sending
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

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
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            // "No data yet, try again later."
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        stream.write_all(&buf[..n])?;
    }
}
