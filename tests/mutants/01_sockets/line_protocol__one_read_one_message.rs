//! mutant of: line_protocol
//! bug: treats the bytes of one read() as exactly one request
//! fails: answers a request that arrives one byte per write | answers three requests sent in one write, in order
//! says: TCP delivers bytes, not messages
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        let request = String::from_utf8_lossy(&buf[..n]);
        let reply = answer(request.trim_end());
        stream.write_all(format!("{reply}\n").as_bytes())?;
    }
}

fn answer(request: &str) -> String {
    let parts: Vec<&str> = request.split_whitespace().collect();
    let [op, a, b] = parts[..] else {
        return "ERR bad request".into();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR bad number".into();
    };
    match op {
        "ADD" => (a + b).to_string(),
        "MUL" => (a * b).to_string(),
        _ => "ERR unknown".into(),
    }
}
