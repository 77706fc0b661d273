//! mutant of: line_protocol
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    // "localhost is localhost": only the port is taken from the address.
    let port = addr.rsplit(':').next().unwrap();
    let listener = TcpListener::bind(format!("[::1]:{port}"))?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    for line in BufReader::new(stream).lines() {
        let line = line?;
        let parts: Vec<&str> = line.split_whitespace().collect();
        let reply = match parts[..] {
            [op, a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) if op == "ADD" => a.wrapping_add(b).to_string(),
                (Ok(a), Ok(b)) if op == "MUL" => a.wrapping_mul(b).to_string(),
                _ => "ERR bad request".into(),
            },
            _ => "ERR bad request".into(),
        };
        writer.write_all(format!("{reply}\n").as_bytes())?;
    }
    Ok(())
}
