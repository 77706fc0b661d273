//! # ws_echo_server
//!
//! Q6. How would you implement a WebSocket server in Rust with
//! tokio-tungstenite (Python: the `websockets` library)?
//!
//! Build a WebSocket echo server:
//!
//! - Listen on `NETLINGS_ADDR`; accept connections in a loop and run the
//!   WebSocket handshake on each (`tokio_tungstenite::accept_async`), each
//!   connection in its own task.
//! - Send back every text message as text and every binary message as
//!   binary, unchanged.
//! - Pings get a pong with the same payload (tungstenite answers them by
//!   itself as you keep reading - do not echo them).
//! - When the client sends a close frame, answer with the same code and end
//!   the connection (again tungstenite does it: keep reading until the
//!   stream ends).
//!
//! How it is graded: netlings connects with a WebSocket client and sends
//! text, binary (any bytes), a ping, 1 MiB, then opens ten connections at
//! once, and finally closes with a code of its own.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(echo(stream));
    }
}

/// Runs the handshake, then echoes messages until the client closes.
async fn echo(stream: TcpStream) {
    // TODO: accept_async(stream), then loop on next(): send text and binary
    // messages back; let tungstenite handle pings and close.
    todo!("complete the WebSocket handshake with accept_async and echo messages")
}
