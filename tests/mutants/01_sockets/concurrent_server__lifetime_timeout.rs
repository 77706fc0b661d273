//! mutant of: concurrent_server
//! bug: tokio tasks, but the timeout wraps the whole connection instead of each read, so busy connections are cut too
//! fails: keeps open a connection that talks more often than the timeout
//! says: the timeout is for idleness
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let idle: u64 = std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(tokio::time::timeout(
            Duration::from_millis(idle),
            serve(stream),
        ));
    }
}

async fn serve(stream: TcpStream) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let reply = match parts[..] {
            [op, a, b] => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) if op == "ADD" => a.wrapping_add(b).to_string(),
                (Ok(a), Ok(b)) if op == "MUL" => a.wrapping_mul(b).to_string(),
                _ => "ERR bad request".into(),
            },
            _ => "ERR bad request".into(),
        };
        writer.write_all(format!("{reply}\n").as_bytes()).await?;
    }
    Ok(())
}
