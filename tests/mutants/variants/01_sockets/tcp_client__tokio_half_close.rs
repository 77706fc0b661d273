//! variant of: tcp_client
//! how: tokio; half-closes after the request, accumulates the reply with a hand-rolled read loop, writes the bytes with tokio::io::stdout
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let name = std::env::var("NETLINGS_NAME").unwrap();
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(format!("HELLO {name}\n").as_bytes())
        .await?;
    // Nothing more to send: say so. The server still replies.
    stream.shutdown().await?;

    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
    }
    let mut out = tokio::io::stdout();
    out.write_all(&reply).await?;
    out.flush().await
}
