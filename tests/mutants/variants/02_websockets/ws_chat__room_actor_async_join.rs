//! variant of: ws_chat
//! how: a room actor task owns the members and gets Join/Say/Leave commands over an mpsc channel; after its handshake a client first does an async lookup whose time varies (up to ~150 ms), then joins
use std::collections::HashMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

enum Command {
    Join(u64, String, mpsc::Sender<String>),
    Say(u64, String),
    Leave(u64),
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let (commands, inbox) = mpsc::unbounded_channel();
    tokio::spawn(room(inbox));
    for id in 1u64.. {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(client(stream, id, commands.clone()));
    }
    Ok(())
}

/// The only owner of the member list: no locks, one command at a time.
async fn room(mut inbox: mpsc::UnboundedReceiver<Command>) {
    let mut members: HashMap<u64, (String, mpsc::Sender<String>)> = HashMap::new();
    let tell_others =
        |members: &HashMap<u64, (String, mpsc::Sender<String>)>, from: u64, line: String| {
            for (id, (_, tx)) in members {
                if *id != from {
                    let _ = tx.try_send(line.clone()); // full: that slow client misses it
                }
            }
        };
    while let Some(command) = inbox.recv().await {
        match command {
            Command::Join(id, name, tx) => {
                tell_others(&members, id, format!("* {name} joined"));
                members.insert(id, (name, tx));
            }
            Command::Say(id, text) => {
                if let Some((name, _)) = members.get(&id) {
                    let line = format!("{name}: {text}");
                    tell_others(&members, id, line);
                }
            }
            Command::Leave(id) => {
                if let Some((name, _)) = members.remove(&id) {
                    tell_others(&members, id, format!("* {name} left"));
                }
            }
        }
    }
}

/// Stands for an asynchronous step before joining - a profile looked up in
/// a database or an auth service - which takes longer for some users than
/// for others (here: by the length of the name).
async fn look_up(name: String) -> String {
    let millis = 15 * name.len().min(10) as u64;
    tokio::time::sleep(Duration::from_millis(millis)).await;
    name
}

async fn client(stream: TcpStream, id: u64, room: mpsc::UnboundedSender<Command>) {
    let mut name = None;
    let accepted = tokio_tungstenite::accept_hdr_async(stream, |req: &Request, resp: Response| {
        name = req.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("name="))
                .map(str::to_string)
        });
        Ok(resp)
    })
    .await;
    let Ok(ws) = accepted else { return };
    let name = look_up(name.unwrap_or_else(|| format!("guest{id}"))).await;

    let (mut sink, mut source) = ws.split();
    let (tx, mut lines) = mpsc::channel::<String>(32);
    if room.send(Command::Join(id, name, tx)).is_err() {
        return;
    }
    let writer = tokio::spawn(async move {
        while let Some(line) = lines.recv().await {
            if sink.send(Message::text(line)).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(message)) = source.next().await {
        if let Message::Text(text) = message {
            let _ = room.send(Command::Say(id, text.as_str().to_string()));
        }
    }
    let _ = room.send(Command::Leave(id));
    writer.abort();
}
