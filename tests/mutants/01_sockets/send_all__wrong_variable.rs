//! mutant of: send_all
//! bug: reads the server's address from `ADDR`, a variable netlings does not set, and panics before connecting
//! fails: connects to NETLINGS_ADDR
//! says: ADDR
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let addr = std::env::var("ADDR").expect("ADDR is set");
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(&data).await?;
    stream.shutdown().await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    print!("{reply}");
    Ok(())
}
