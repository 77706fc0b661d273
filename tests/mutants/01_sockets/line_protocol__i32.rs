//! mutant of: line_protocol
//! bug: parses the numbers as i32, so 64-bit values are rejected
//! fails: handles the whole signed 64-bit range
//! says: parse the numbers as i64
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
            [op, a, b] => match (a.parse::<i32>(), b.parse::<i32>()) {
                (Ok(a), Ok(b)) if op == "ADD" => (i64::from(a) + i64::from(b)).to_string(),
                (Ok(a), Ok(b)) if op == "MUL" => (i64::from(a) * i64::from(b)).to_string(),
                _ => "ERR bad request".into(),
            },
            _ => "ERR bad request".into(),
        };
        writer.write_all(format!("{reply}\n").as_bytes())?;
        line.clear();
    }
    Ok(())
}
