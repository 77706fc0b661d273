//! variant of: send_all
//! how: tokio without write_all: writable().await and try_write in 16 KiB steps, counting what each call took; the reply read with read_line
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let size: usize = std::env::var("NETLINGS_SIZE").unwrap().parse().unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();

    let mut stream = TcpStream::connect(addr).await?;
    let mut sent = 0;
    while sent < data.len() {
        stream.writable().await?;
        let end = (sent + 16 * 1024).min(data.len());
        match stream.try_write(&data[sent..end]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    stream.shutdown().await?;

    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).await?;
    print!("{reply}");
    Ok(())
}
