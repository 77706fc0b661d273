//! mutant of: send_all
//! bug: reads the reply with one read() into an 8-byte buffer, so `OK <bytes>` is cut short
//! fails: prints the server's reply
//! says: did not print
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    stream.write_all(&data).await?;
    stream.shutdown().await?;
    // "OK" and a number: 8 bytes will do.
    let mut reply = [0u8; 8];
    let n = stream.read(&mut reply).await?;
    println!("{}", String::from_utf8_lossy(&reply[..n]).trim());
    Ok(())
}
