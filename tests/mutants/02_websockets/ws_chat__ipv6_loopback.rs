//! mutant of: ws_chat
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    // "localhost is localhost": only the port is taken from the address.
    let port = addr.rsplit(':').next().unwrap();
    let listener = TcpListener::bind(format!("[::1]:{port}")).await?;
    let (room, _) = broadcast::channel::<(u64, String)>(64);
    let mut next_id = 0;
    loop {
        let (stream, _) = listener.accept().await?;
        next_id += 1;
        tokio::spawn(serve(stream, next_id, room.clone()));
    }
}

async fn serve(stream: TcpStream, id: u64, room: broadcast::Sender<(u64, String)>) {
    let name = Arc::new(Mutex::new(String::new()));
    let seen = name.clone();
    let callback = move |req: &Request, res: Response| {
        let query = req.uri().query().unwrap_or("");
        *seen.lock().unwrap() = query
            .strip_prefix("name=")
            .unwrap_or("anonymous")
            .to_string();
        Ok(res)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let name = name.lock().unwrap().clone();
    let (mut tx, mut rx) = ws.split();
    let mut inbox = room.subscribe();
    let _ = room.send((id, format!("* {name} joined")));
    loop {
        tokio::select! {
            msg = rx.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    let _ = room.send((id, format!("{name}: {text}")));
                }
                Some(Ok(_)) => {}
                _ => break,
            },
            line = inbox.recv() => match line {
                Ok((from, line)) if from != id => {
                    if tx.send(Message::text(line)).await.is_err() {
                        break;
                    }
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => break,
            },
        }
    }
    let _ = room.send((id, format!("* {name} left")));
}
