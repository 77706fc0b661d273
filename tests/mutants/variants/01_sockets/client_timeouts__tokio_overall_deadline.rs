//! variant of: client_timeouts
//! how: tokio; one overall deadline, 90% of NETLINGS_TIMEOUT_MS, covers connect, send and the reply line together (tokio::time::timeout_at)
use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

#[tokio::main]
async fn main() -> ExitCode {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    // A little less than allowed: the caller's budget is never exceeded.
    let deadline = Instant::now() + Duration::from_millis(timeout_ms * 9 / 10);

    let exchange = async {
        let mut stream = TcpStream::connect(&addr).await?;
        stream.write_all(b"PING\n").await?;
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).await?;
        Ok::<_, std::io::Error>(line)
    };
    match timeout_at(deadline, exchange).await {
        Ok(Ok(line)) => {
            println!("{}", line.trim_end());
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
        Err(_elapsed) => {
            println!("timeout");
            ExitCode::from(124)
        }
    }
}
