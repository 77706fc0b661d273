//! mutant of: zmq_pub_sub
//! bug: leaves filtering to the subscribers: publishes each message as JSON with its topic inside, so no SUB prefix matches it
//! fails: each subscriber gets every message of its prefixes
//! says: begins with its topic
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
    // Every subscriber gets the topic and can decide for itself.
    for message in messages.lines() {
        let (topic, text) = message.split_once(' ').unwrap_or((message, ""));
        let json = serde_json::json!({ "topic": topic, "text": text }).to_string();
        publisher.send(ZmqMessage::from(json)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;
    std::future::pending::<()>().await;
    Ok(())
}
