//! mutant of: zmq_pub_sub
//! bug: publishes as soon as the first subscriber is READY
//! fails: publishes HELLO until every subscriber is READY
//! says: READY
use std::time::Duration;

use zeromq::{PubSocket, RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let sync_endpoint = std::env::var("NETLINGS_SYNC_ENDPOINT")?;
    let messages = std::env::var("NETLINGS_MESSAGES")?;
    let mut publisher = PubSocket::new();
    publisher.bind(&endpoint).await?;
    let mut sync = RepSocket::new();
    sync.bind(&sync_endpoint).await?;
    // Someone is listening: that is enough, isn't it?
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    loop {
        tokio::select! {
            _ = tick.tick() => publisher.send(ZmqMessage::from("HELLO")).await?,
            request = sync.recv() => {
                request?;
                sync.send(ZmqMessage::from("OK")).await?;
                break;
            }
        }
    }
    for message in messages.lines() {
        publisher.send(ZmqMessage::from(message)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;
    std::future::pending::<()>().await;
    Ok(())
}
