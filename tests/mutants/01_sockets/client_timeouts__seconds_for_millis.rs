//! mutant of: client_timeouts
//! bug: reads NETLINGS_TIMEOUT_MS as seconds, so it waits a thousand times too long
//! fails: gives up after NETLINGS_TIMEOUT_MS
//! says: its timeout was 600 ms
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    stream.set_read_timeout(Some(Duration::from_secs(timeout)))?;
    stream.write_all(b"PING\n")?;
    let mut reply = String::new();
    match BufReader::new(stream).read_line(&mut reply) {
        Ok(_) => print!("{reply}"),
        Err(_) => {
            println!("timeout");
            std::process::exit(1);
        }
    }
    Ok(())
}
