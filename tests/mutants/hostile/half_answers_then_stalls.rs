//! mutant of: tcp_echo_server
//! bug: hostile: echoes the first half of whatever it reads, then stalls with the connection open
//! fails: echoes a line
//! says: waited
use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let mut stream = stream?;
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            if let Ok(n) = stream.read(&mut buf) {
                let _ = stream.write_all(&buf[..n / 2]);
            }
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        });
    }
    Ok(())
}
