//! mutant of: ws_echo_server
//! bug: turns every message into text before echoing it, so binary comes back as (mangled) text
//! fails: echoes a binary message as binary
//! says: Message::Binary stays binary
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
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
        if message.is_text() || message.is_binary() {
            let text = String::from_utf8_lossy(&message.into_data()).into_owned();
            if ws.send(Message::text(text)).await.is_err() {
                return;
            }
        }
    }
}
