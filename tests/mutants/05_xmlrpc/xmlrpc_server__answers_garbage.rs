//! mutant of: xmlrpc_server
//! bug: answers every connection with bytes that are not HTTP (hostile: speaks garbage)
//! fails: math.add
//! says: not an HTTP response
use std::io::{Read, Write};

fn main() {
    let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).unwrap();
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0
                    || stream
                        .write_all(b"\x7fELF\x02\x01 <methodResponse> garbage\r\n\r\n")
                        .is_err()
                {
                    break;
                }
            }
        });
    }
}
