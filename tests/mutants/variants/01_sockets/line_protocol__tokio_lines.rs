//! variant of: line_protocol
//! how: tokio tasks reading with AsyncBufReadExt::lines; parsing by strip_prefix and arithmetic in i128 with a range check
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = serve(stream).await;
        });
    }
}

async fn serve(stream: TcpStream) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Some(line) = lines.next_line().await? {
        let reply = match calculate(&line) {
            Ok(n) => format!("{n}\n"),
            Err(why) => format!("ERR {why}\n"),
        };
        write.write_all(reply.as_bytes()).await?;
    }
    Ok(())
}

fn calculate(line: &str) -> Result<i64, String> {
    let (op, args): (fn(i128, i128) -> i128, &str) = if let Some(rest) = line.strip_prefix("ADD ") {
        (|a, b| a + b, rest)
    } else if let Some(rest) = line.strip_prefix("MUL ") {
        (|a, b| a * b, rest)
    } else {
        return Err(format!("unknown request {line:?}"));
    };
    let numbers: Vec<&str> = args.split_ascii_whitespace().collect();
    let [a, b] = numbers[..] else {
        return Err("two numbers expected".into());
    };
    let a: i64 = a.parse().map_err(|_| format!("bad number {a:?}"))?;
    let b: i64 = b.parse().map_err(|_| format!("bad number {b:?}"))?;
    i64::try_from(op(a.into(), b.into())).map_err(|_| "overflow".to_string())
}
