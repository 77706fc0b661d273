//! # tcp_echo_server — a reference solution
//!
//! Q2. How would you implement a simple TCP client and server in Rust?
//!
//! A thread per connection with std::net: the simplest server that serves
//! many clients at once. (The tokio version is the same shape, with
//! `tokio::spawn` for `thread::spawn` and `.await` on every read and write.)

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr)?;

    for stream in listener.incoming() {
        match stream {
            // Each connection gets its own thread, so one slow or idle client
            // never blocks the accept loop or the other clients.
            Ok(stream) => {
                std::thread::spawn(move || {
                    // A client that vanishes makes a write fail: that ends
                    // this connection only; the server carries on.
                    if let Err(e) = echo(stream) {
                        eprintln!("connection ended: {e}");
                    }
                });
            }
            // A failed accept (e.g. too many open files) is not fatal either.
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
    Ok(())
}

/// Sends back everything the client sends, until the client half-closes.
fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    loop {
        // `read` returns as soon as *some* bytes are there: 1 byte or 8192.
        let n = stream.read(&mut buf)?;
        if n == 0 {
            // The client shut down its sending side (a half-close). Everything
            // it sent has been echoed already; returning drops `stream`, which
            // closes our side too.
            return Ok(());
        }
        // `write` may take fewer bytes than offered; `write_all` loops until
        // every one of the `n` bytes is sent.
        stream.write_all(&buf[..n])?;
    }
}
