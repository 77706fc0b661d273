//! mutant of: ws_echo_server
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    // "localhost is localhost": only the port is taken from the address.
    let port = addr.rsplit(':').next().unwrap();
    let listener = TcpListener::bind(format!("[::1]:{port}")).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(echo(stream));
    }
}

async fn echo(stream: TcpStream) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    while let Some(Ok(message)) = ws.next().await {
        if (message.is_text() || message.is_binary()) && ws.send(message).await.is_err() {
            return;
        }
    }
}
