//! # concurrent_server — a reference solution
//!
//! Q4. Blocking sockets: a task per connection, and a timeout on every read.
//!
//! With tokio, each connection is a task: a task waiting for a quiet client
//! costs a few hundred bytes and blocks nobody. `tokio::time::timeout`
//! around each read closes connections that stay idle too long. (With std,
//! the same is a thread per connection and `set_read_timeout`.)

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let idle_ms: u64 = std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_IDLE_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");
    let idle = Duration::from_millis(idle_ms);
    let listener = TcpListener::bind(&addr).await?;

    loop {
        let (stream, _) = listener.accept().await?;
        // The accept loop never waits on a client: each one gets a task.
        tokio::spawn(async move {
            if let Err(e) = serve(stream, idle).await {
                eprintln!("connection ended: {e}");
            }
        });
    }
}

/// Answers every request line of one connection until it closes or idles out.
async fn serve(stream: TcpStream, idle: Duration) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        // "Idle" means no bytes at all for `idle`: each read that returns
        // data restarts the clock, even in the middle of a line.
        let read = tokio::time::timeout(idle, reader.fill_buf()).await;
        let available = match read {
            Err(_) => return Ok(()), // idle too long: returning closes it
            Ok(result) => result?,
        };
        if available.is_empty() {
            return Ok(()); // EOF
        }
        let (taken, complete) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        line.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        if complete {
            let request = String::from_utf8_lossy(&line);
            let reply = answer(request.trim_end());
            writer.write_all(format!("{reply}\n").as_bytes()).await?;
            line.clear();
        }
    }
}

/// The reply to one request line (as in `line_protocol`).
fn answer(request: &str) -> String {
    let parts: Vec<&str> = request.split_whitespace().collect();
    let [op, a, b] = parts[..] else {
        return "ERR expected `ADD a b` or `MUL a b`".to_string();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR bad number".to_string();
    };
    match op {
        "ADD" => a
            .checked_add(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        "MUL" => a
            .checked_mul(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        _ => "ERR unknown command".to_string(),
    }
}
