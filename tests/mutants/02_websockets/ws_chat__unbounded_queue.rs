//! mutant of: ws_chat
//! bug: each client's queue is an unbounded channel: a client that stops reading never stalls the room, but the server keeps every message for it, without limit
//! fails: keeps a bounded queue for a client that stops reading
//! says: received every one of them
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

type Room = Arc<Mutex<HashMap<u64, mpsc::UnboundedSender<String>>>>;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let room: Room = Arc::default();
    for id in 1u64.. {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(client(stream, id, room.clone()));
    }
    Ok(())
}

/// Sends `line` to everyone but `from`, never waiting for anyone.
fn say(room: &Room, from: u64, line: &str) {
    for (id, tx) in room.lock().unwrap().iter() {
        if *id != from {
            let _ = tx.send(line.to_string());
        }
    }
}

fn name_of(request: &Request) -> Option<String> {
    let query = request.uri().query()?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "name").then(|| v.to_string())
    })
}

async fn client(stream: TcpStream, id: u64, room: Room) {
    let mut name = None;
    let ws = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        name = name_of(req);
        Ok(resp)
    })
    .await;
    let Ok(ws) = ws else { return };
    let name = name.unwrap_or_else(|| format!("anon{id}"));

    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    room.lock().unwrap().insert(id, tx);
    say(&room, id, &format!("* {name} joined"));

    let (mut sink, mut source) = ws.split();
    let writer = tokio::spawn(async move {
        while let Some(line) = rx.recv().await {
            if sink.send(Message::text(line)).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = source.next().await {
        if let Message::Text(text) = msg {
            say(&room, id, &format!("{name}: {}", text.as_str()));
        }
    }
    room.lock().unwrap().remove(&id);
    writer.abort();
    say(&room, id, &format!("* {name} left"));
}
