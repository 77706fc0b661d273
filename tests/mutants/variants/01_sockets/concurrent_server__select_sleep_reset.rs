//! variant of: concurrent_server
//! how: tokio tasks; the idle limit is one pinned Sleep raced in tokio::select! against each read and reset() whenever bytes arrive
use std::pin::pin;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, sleep};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let idle = Duration::from_millis(
        std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(serve(stream, idle));
    }
}

async fn serve(mut stream: TcpStream, idle: Duration) {
    let mut deadline = pin!(sleep(idle));
    let mut pending = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = tokio::select! {
            () = &mut deadline => return, // idle: dropping the stream closes it
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
        };
        deadline.as_mut().reset(Instant::now() + idle);
        pending.extend_from_slice(&buf[..n]);
        let mut replies = String::new();
        while let Some(i) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=i).collect();
            replies.push_str(&answer(&String::from_utf8_lossy(&line)));
            replies.push('\n');
        }
        if !replies.is_empty() && stream.write_all(replies.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn answer(request: &str) -> String {
    let words: Vec<&str> = request.split_whitespace().collect();
    let &[op, a, b] = words.as_slice() else {
        return "ERR expected: ADD a b | MUL a b".into();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR operands are i64".into();
    };
    match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return format!("ERR unknown {op}"),
    }
    .map_or_else(|| "ERR overflow".into(), |n| n.to_string())
}
