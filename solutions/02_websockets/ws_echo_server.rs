//! # ws_echo_server — a reference solution
//!
//! Q6. A WebSocket server with tokio-tungstenite: a task per connection, a
//! loop over incoming messages, and the control frames (ping, pong, close)
//! left to the library, which answers them while you read.

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        // One task per connection: a quiet client blocks nobody.
        tokio::spawn(echo(stream));
    }
}

/// Runs the handshake, then echoes messages until the client closes.
async fn echo(stream: TcpStream) {
    let mut ws = match tokio_tungstenite::accept_async(stream).await {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("not a WebSocket handshake: {e}");
            return;
        }
    };
    // `next()` yields data messages; while it reads, tungstenite answers
    // pings with pongs and a close frame with a close frame of its own.
    // The stream ends after the closing handshake.
    while let Some(message) = ws.next().await {
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                eprintln!("connection ended: {e}");
                return;
            }
        };
        // Echo only data; text stays text, binary stays binary.
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            return;
        }
    }
}
