//! variant of: length_prefixed
//! how: tokio tasks; AsyncReadExt::read_u32 (big-endian) and read_exact; the reply sent as two writes, header then payload
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};

const MAX_FRAME: u32 = 1 << 20;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(e) = serve(stream).await {
                eprintln!("connection: {e}");
            }
        });
    }
}

async fn serve(stream: TcpStream) -> std::io::Result<()> {
    let (mut reader, writer) = stream.into_split();
    let mut writer = BufWriter::new(writer);
    loop {
        let len = match reader.read_u32().await {
            Ok(len) => len,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        if len > MAX_FRAME {
            eprintln!("refusing a frame of {len} bytes");
            return Ok(());
        }
        let mut payload = vec![0u8; len as usize];
        reader.read_exact(&mut payload).await?;
        writer.write_u32(len).await?;
        writer.flush().await?;
        payload.reverse();
        writer.write_all(&payload).await?;
        writer.flush().await?;
    }
}
