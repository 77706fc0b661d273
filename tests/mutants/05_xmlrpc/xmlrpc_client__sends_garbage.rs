//! mutant of: xmlrpc_client
//! bug: writes bytes that are not HTTP to the server, then waits for an answer (hostile: speaks garbage)
//! fails: POSTs to NETLINGS_URL
//! says: not an HTTP request
use std::io::{Read, Write};

fn main() {
    let url = std::env::var("NETLINGS_URL").unwrap();
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .write_all(b"\x00\x01\xfe\xffHELLO <methodCall>\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    std::thread::sleep(std::time::Duration::from_secs(3600));
}
