//! mutant of: zmq_req_rep
//! bug: hostile: listens at NETLINGS_ENDPOINT with a plain TCP socket and answers ZeroMQ's greeting with an HTTP error, then keeps the connection open
//! fails: binds a REP socket at NETLINGS_ENDPOINT
//! says: does not speak ZeroMQ
use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT").unwrap();
    let addr = endpoint.trim_start_matches("tcp://");
    let listener = std::net::TcpListener::bind(addr)?;
    for stream in listener.incoming() {
        let mut stream = stream?;
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nnot ZeroMQ\r\n",
            );
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
        });
    }
    Ok(())
}
