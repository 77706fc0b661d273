//! variant of: concurrent_server
//! how: a std thread per connection; set_read_timeout gives the idle limit, each raw read restarts it; lines cut from a hand-managed buffer
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let idle = Duration::from_millis(
        std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        std::thread::spawn(move || {
            if let Err(e) = serve(stream, idle) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}

fn serve(mut stream: TcpStream, idle: Duration) -> std::io::Result<()> {
    stream.set_read_timeout(Some(idle))?;
    let mut pending = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            // The read timeout fired: idle for too long. Dropping closes it.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(());
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(i) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            let reply = answer(String::from_utf8_lossy(&line).trim());
            stream.write_all(format!("{reply}\n").as_bytes())?;
        }
    }
}

fn answer(request: &str) -> String {
    let mut words = request.split_whitespace();
    let op = words.next();
    let a = words.next().map(str::parse::<i64>);
    let b = words.next().map(str::parse::<i64>);
    if words.next().is_some() {
        return "ERR too many words".into();
    }
    let (Some(Ok(a)), Some(Ok(b))) = (a, b) else {
        return "ERR two i64 operands expected".into();
    };
    let result = match op {
        Some("ADD") => a.checked_add(b),
        Some("MUL") => a.checked_mul(b),
        _ => return "ERR unknown command".into(),
    };
    result.map_or("ERR overflow".into(), |n| n.to_string())
}
