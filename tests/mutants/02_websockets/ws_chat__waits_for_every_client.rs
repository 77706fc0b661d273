//! mutant of: ws_chat
//! bug: sends each line to every client in turn, awaiting each send, so one client that does not read blocks the whole room
//! fails: a client that stops reading does not stall the room
//! says: if the room waits on that write, everyone waits
use std::collections::HashMap;
use std::sync::Arc;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

type Sinks = Arc<Mutex<HashMap<u64, SplitSink<WebSocketStream<TcpStream>, Message>>>>;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let sinks: Sinks = Arc::default();
    let mut id = 0;
    loop {
        let (stream, _) = listener.accept().await?;
        id += 1;
        tokio::spawn(client(stream, id, sinks.clone()));
    }
}

async fn broadcast(sinks: &Sinks, from: u64, line: String) {
    let mut all = sinks.lock().await;
    for (id, sink) in all.iter_mut() {
        if *id != from {
            let _ = sink.send(Message::text(line.clone())).await;
        }
    }
}

async fn client(stream: TcpStream, id: u64, sinks: Sinks) {
    let mut name = String::from("guest");
    let cb = |req: &Request, res: Response| {
        if let Some(q) = req.uri().query().and_then(|q| q.strip_prefix("name=")) {
            name = q.to_string();
        }
        Ok(res)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, cb).await else {
        return;
    };
    let (sink, mut source) = ws.split();
    broadcast(&sinks, id, format!("* {name} joined")).await;
    sinks.lock().await.insert(id, sink);
    while let Some(Ok(Message::Text(t))) = source.next().await {
        broadcast(&sinks, id, format!("{name}: {}", t.as_str())).await;
    }
    sinks.lock().await.remove(&id);
    broadcast(&sinks, id, format!("* {name} left")).await;
}
