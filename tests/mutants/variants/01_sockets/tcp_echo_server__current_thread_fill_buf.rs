//! variant of: tcp_echo_server
//! how: a current_thread tokio runtime; each task echoes what BufReader::fill_buf returns, consuming it after write_all
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(async move {
                        if let Err(e) = echo(stream).await {
                            eprintln!("connection: {e}");
                        }
                    });
                }
                Err(e) => eprintln!("accept: {e}"),
            }
        }
    })
}

async fn echo(stream: TcpStream) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::with_capacity(4096, reader);
    loop {
        let chunk = reader.fill_buf().await?;
        if chunk.is_empty() {
            writer.shutdown().await?;
            return Ok(());
        }
        let n = chunk.len();
        writer.write_all(chunk).await?;
        reader.consume(n);
    }
}
