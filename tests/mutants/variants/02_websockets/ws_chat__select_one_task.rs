//! variant of: ws_chat
//! how: one task per client, no split: tokio::select! between the WebSocket's next message and the room's broadcast receiver; the name parsed from the Request's URI in the handshake callback
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let (room, _) = broadcast::channel::<(usize, String)>(32);
    let mut next = 0;
    loop {
        let (stream, _) = listener.accept().await?;
        next += 1;
        tokio::spawn(client(stream, next, room.clone()));
    }
}

async fn client(stream: TcpStream, me: usize, room: broadcast::Sender<(usize, String)>) {
    let mut name = String::new();
    let handshake = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        name = req
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "name")
            .map_or_else(|| format!("guest-{me}"), |(_, v)| v.to_string());
        Ok(resp)
    });
    let Ok(mut ws) = handshake.await else { return };
    let mut inbox = room.subscribe();
    let _ = room.send((me, format!("* {name} joined")));
    loop {
        tokio::select! {
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let _ = room.send((me, format!("{name}: {}", text.as_str())));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            said = inbox.recv() => match said {
                Ok((from, _)) if from == me => {}
                Ok((_, line)) => {
                    if ws.send(Message::text(line)).await.is_err() {
                        break;
                    }
                }
                // Too far behind: skip what was missed.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
        }
    }
    let _ = room.send((me, format!("* {name} left")));
}
