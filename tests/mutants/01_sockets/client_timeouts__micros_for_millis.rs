//! mutant of: client_timeouts
//! bug: builds the timeout with Duration::from_micros, so it gives up before a server that answers in time can answer
//! fails: prints the reply of a server that answers in time
//! says: did not print
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() {
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap()).unwrap();
    stream.write_all(b"PING\n").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_micros(timeout)))
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
