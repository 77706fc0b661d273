//! variant of: ws_echo_server
//! how: tokio-tungstenite split into sink and stream; echoes go through an mpsc channel to a writer task
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(connection(stream));
    }
}

async fn connection(stream: TcpStream) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::channel::<Message>(8);
    let writer = tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if sink.send(msg).await.is_err() {
                break;
            }
        }
        sink
    });
    // Reading drives tungstenite's automatic pong and close replies.
    while let Some(Ok(msg)) = source.next().await {
        let data = matches!(msg, Message::Text(_) | Message::Binary(_));
        if data && tx.send(msg).await.is_err() {
            break;
        }
    }
    drop(tx);
    if let Ok(sink) = writer.await {
        // Both halves back together and dropped: the TCP connection closes.
        drop(sink.reunite(source));
    }
}
