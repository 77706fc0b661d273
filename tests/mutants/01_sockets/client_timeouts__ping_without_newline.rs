//! mutant of: client_timeouts
//! bug: sends `PING` without its newline, so the server waits for the end of the line and never answers
//! fails: connects and sends `PING`
//! says: the PING line
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() {
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap()).unwrap();
    stream.write_all(b"PING").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(timeout)))
        .unwrap();
    let mut line = String::new();
    match BufReader::new(stream).read_line(&mut line) {
        Ok(n) if n > 0 => println!("{}", line.trim_end()),
        _ => {
            println!("timeout");
            std::process::exit(1);
        }
    }
}
