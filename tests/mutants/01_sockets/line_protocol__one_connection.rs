//! mutant of: line_protocol
//! bug: serves the first connection it accepts to its end, then returns from main
//! fails: serves a new connection after the first one closes
//! says: no longer listening
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let (stream, _) = listener.accept()?;
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
