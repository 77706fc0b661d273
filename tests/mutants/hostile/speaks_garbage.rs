//! mutant of: tcp_echo_server
//! bug: hostile: answers every connection with binary garbage instead of the echo
//! fails: echoes a line
//! says: the echo differs
use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let mut stream = stream?;
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut x: u32 = 0x1234_5678;
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let garbage: Vec<u8> = (0..n)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        x as u8
                    })
                    .collect();
                let _ = stream.write_all(&garbage);
            }
        });
    }
    Ok(())
}
