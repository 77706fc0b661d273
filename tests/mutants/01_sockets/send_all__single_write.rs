//! mutant of: send_all
//! bug: a single tokio write() whose return value (the count actually sent) is ignored
//! fails: delivers all
//! says: write_all() loops until every byte is sent
#![allow(clippy::unused_io_amount)]
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    stream.write(&data).await?;
    stream.shutdown().await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    print!("{reply}");
    Ok(())
}
