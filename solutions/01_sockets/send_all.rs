//! # send_all — a reference solution
//!
//! Q3. How does `write_all` differ from `write` on a socket?
//!
//! `write` is one system call: it copies what fits into the kernel's send
//! buffer and returns that count, which against a slow reader is far less
//! than asked. `write_all` calls `write` in a loop until every byte is
//! taken (Python's `sendall` does the same).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let size: usize = std::env::var("NETLINGS_SIZE")
        .expect("netlings sets NETLINGS_SIZE")
        .parse()
        .expect("NETLINGS_SIZE is a number");
    let data = payload(size);

    let mut stream = TcpStream::connect(&addr).await?;
    // Waits (asynchronously) whenever the send buffer is full, and resumes
    // as the server reads: every byte goes out, in order.
    stream.write_all(&data).await?;

    // Half-close: "I have sent everything". The server answers after EOF.
    stream.shutdown().await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    print!("{reply}");
    Ok(())
}

/// The payload: byte `i` is `i % 251`.
fn payload(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}
