//! mutant of: concurrent_server
//! bug: a sequential accept loop: it has the idle timeout, but serves one connection at a time
//! fails: serves 10 clients, last first, while another trickles a request that never ends
//! says: one connection at a time
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let idle: u64 = std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    for stream in listener.incoming() {
        let _ = serve(stream?, Duration::from_millis(idle));
    }
    Ok(())
}

fn serve(stream: TcpStream, idle: Duration) -> std::io::Result<()> {
    stream.set_read_timeout(Some(idle))?;
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
        writer.write_all(format!("{reply}\n").as_bytes())?;
        line.clear();
    }
    Ok(())
}
