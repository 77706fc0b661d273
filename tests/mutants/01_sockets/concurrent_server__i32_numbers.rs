//! mutant of: concurrent_server
//! bug: parses and multiplies the numbers as i32, not i64: a product past 2^31 overflows and panics the connection's thread
//! fails: serves 10 clients
//! says: overflow
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let idle: u64 = std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    for stream in listener.incoming() {
        let stream = stream?;
        stream.set_read_timeout(Some(Duration::from_millis(idle)))?;
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
            [op, a, b] => match (a.parse::<i32>(), b.parse::<i32>()) {
                (Ok(a), Ok(b)) if op == "ADD" => (a + b).to_string(),
                (Ok(a), Ok(b)) if op == "MUL" => (a * b).to_string(),
                _ => "ERR bad request".into(),
            },
            _ => "ERR bad request".into(),
        };
        writer.write_all(format!("{reply}\n").as_bytes())?;
    }
    Ok(())
}
