//! mutant of: ws_chat
//! bug: forgets to tell the room when a client's connection ends
//! fails: announces a leave to those who stay
//! says: tell the others it left
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let (room, _) = broadcast::channel::<(u64, String)>(64);
    let mut id = 0;
    loop {
        let (stream, _) = listener.accept().await?;
        id += 1;
        tokio::spawn(client(stream, id, room.clone()));
    }
}

async fn client(stream: TcpStream, id: u64, room: broadcast::Sender<(u64, String)>) {
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
    let (mut sink, mut source) = ws.split();
    let mut inbox = room.subscribe();
    let _ = room.send((id, format!("* {name} joined")));
    let writer = tokio::spawn(async move {
        loop {
            match inbox.recv().await {
                Ok((from, _)) if from == id => {}
                Ok((_, line)) => {
                    if sink.send(Message::text(line)).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return,
            }
        }
    });
    while let Some(Ok(Message::Text(t))) = source.next().await {
        let _ = room.send((id, format!("{name}: {}", t.as_str())));
    }
    writer.abort();
}
