//! # send_all
//!
//! Q3. How does `write_all` differ from `write` on a socket (Python's
//! `socket.sendall()` vs `socket.send()`)?
//!
//! This client sends a large payload to a server that reads slowly, and it
//! has a bug: the server receives only part of the payload. Find and fix it.
//!
//! The protocol:
//! 1. Connect to `NETLINGS_ADDR`.
//! 2. Send the `NETLINGS_SIZE` bytes that `payload` below makes.
//! 3. Shut down the sending side (`shutdown()`), so the server sees EOF.
//! 4. Read the server's one-line reply (`OK <bytes received>`), print it,
//!    and exit with status 0.
//!
//! How it is graded: netlings' server reads slowly, through a small receive
//! buffer, and checks every byte of the payload and your printed reply.

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

    // TODO: `write` hands the kernel as much as fits in the socket's buffer
    // *right now* and says how much that was. The rest is never sent.
    let sent = stream.write(&data).await?;
    eprintln!("write() took {sent} of {} bytes", data.len());

    stream.shutdown().await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    print!("{reply}");
    Ok(())
}

/// The payload: byte `i` is `i % 251`. (251 is prime, so a lost or repeated
/// chunk shows up as a break in the pattern.)
fn payload(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i % 251) as u8).collect()
}
