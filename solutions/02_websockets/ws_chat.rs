//! # ws_chat — a reference solution
//!
//! Q7. Where WebSockets shine: the server pushes to many clients as things
//! happen. The room is a `tokio::sync::broadcast` channel. Every client has
//! a task that writes what the channel carries to its socket; a client that
//! stops reading falls behind, and the channel - bounded - drops the oldest
//! messages for it (it "lags") instead of making everyone wait.

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

/// A line for the room, and who said it (so it is not echoed to them).
#[derive(Clone)]
struct Line {
    from: u64,
    text: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr).await?;
    // Bounded: each client may fall at most 64 lines behind.
    let (room, _) = broadcast::channel::<Line>(64);
    let mut next_id = 0u64;
    loop {
        let (stream, _) = listener.accept().await?;
        next_id += 1;
        tokio::spawn(client(stream, next_id, room.clone()));
    }
}

/// One client: its handshake, then two halves - reading what it says into
/// the room, and writing what the room says to it.
async fn client(stream: TcpStream, id: u64, room: broadcast::Sender<Line>) {
    let mut name = format!("guest{id}");
    let callback = |request: &Request, response: Response| {
        if let Some(query) = request.uri().query()
            && let Some(value) = query.split('&').find_map(|kv| kv.strip_prefix("name="))
        {
            name = value.to_string();
        }
        Ok(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    // Subscribe before announcing, so nothing said from now on is missed.
    let mut inbox = room.subscribe();
    let _ = room.send(Line {
        from: id,
        text: format!("* {name} joined"),
    });

    let writer = tokio::spawn(async move {
        loop {
            match inbox.recv().await {
                Ok(line) if line.from == id => {}
                Ok(line) => {
                    if sink.send(Message::text(line.text)).await.is_err() {
                        return;
                    }
                }
                // This client fell too far behind: it misses some lines,
                // nobody else waits for it.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });

    while let Some(Ok(message)) = stream.next().await {
        if let Message::Text(text) = message {
            let _ = room.send(Line {
                from: id,
                text: format!("{name}: {}", text.as_str()),
            });
        }
    }
    writer.abort();
    let _ = room.send(Line {
        from: id,
        text: format!("* {name} left"),
    });
}
