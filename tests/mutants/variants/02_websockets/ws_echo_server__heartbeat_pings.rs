//! variant of: ws_echo_server
//! how: one task per connection with tokio::select! over the next message and a heartbeat interval: the server pings every client every 100 ms, as servers do to find dead peers
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(serve(stream));
    }
}

async fn serve(stream: TcpStream) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let mut heartbeat = tokio::time::interval(Duration::from_millis(100));
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut beat = 0u64;
    loop {
        tokio::select! {
            message = ws.next() => match message {
                Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                    if ws.send(m).await.is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {} // pings answered, pongs noted, close answered by tungstenite
                Some(Err(_)) | None => return,
            },
            _ = heartbeat.tick() => {
                beat += 1;
                if ws.send(Message::Ping(beat.to_be_bytes().to_vec().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
