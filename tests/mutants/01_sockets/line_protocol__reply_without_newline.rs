//! mutant of: line_protocol
//! bug: writes the result without its terminating newline, so the client never sees a whole reply line
//! fails: answers `ADD a b` and `MUL a b`
//! says: waited
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while reader.read_line(&mut line)? > 0 {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let reply = match parts[..] {
            [op, a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) if op == "ADD" => a.wrapping_add(b).to_string(),
                (Ok(a), Ok(b)) if op == "MUL" => a.wrapping_mul(b).to_string(),
                _ => "ERR bad request".into(),
            },
            _ => "ERR bad request".into(),
        };
        writer.write_all(reply.as_bytes())?;
        line.clear();
    }
    Ok(())
}
