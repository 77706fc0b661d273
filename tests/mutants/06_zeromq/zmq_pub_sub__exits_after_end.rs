//! mutant of: zmq_pub_sub
//! bug: returns from main right after sending END, though `send` only queued it
//! fails: each subscriber gets every message | each subscriber gets END
//! says: `send` only queues
use std::time::Duration;

use tokio::sync::oneshot;
use zeromq::{PubSocket, RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let sync_endpoint = std::env::var("NETLINGS_SYNC_ENDPOINT")?;
    let subscribers: usize = std::env::var("NETLINGS_SUBSCRIBERS")?.parse()?;
    let messages = std::env::var("NETLINGS_MESSAGES")?;
    let mut publisher = PubSocket::new();
    publisher.bind(&endpoint).await?;
    let mut sync = RepSocket::new();
    sync.bind(&sync_endpoint).await?;
    let (stop, mut stopped) = oneshot::channel::<()>();
    let prober = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tokio::select! {
                _ = &mut stopped => return publisher,
                _ = tick.tick() => { let _ = publisher.send(ZmqMessage::from("HELLO")).await; }
            }
        }
    });
    for _ in 0..subscribers {
        sync.recv().await?;
        sync.send(ZmqMessage::from("OK")).await?;
    }
    let _ = stop.send(());
    let mut publisher = prober.await?;
    for message in messages.lines() {
        publisher.send(ZmqMessage::from(message)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;
    // Everything is sent: done.
    Ok(())
}
