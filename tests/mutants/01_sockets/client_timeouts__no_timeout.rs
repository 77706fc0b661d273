//! mutant of: client_timeouts
//! bug: tokio client that awaits the reply with no timeout
//! fails: gives up after NETLINGS_TIMEOUT_MS
//! says: without a read timeout
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    stream.write_all(b"PING\n").await?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).await?;
    print!("{reply}");
    Ok(())
}
