//! mutant of: zmq_pub_sub
//! bug: no handshake: binds, gives subscribers half a second to connect, and publishes
//! fails: publishes HELLO until every subscriber is READY
//! says: slow-joiner
use std::time::Duration;

use zeromq::{PubSocket, Socket, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let messages = std::env::var("NETLINGS_MESSAGES")?;
    let mut publisher = PubSocket::new();
    publisher.bind(&endpoint).await?;
    // "Long enough" for the subscribers to join...
    tokio::time::sleep(Duration::from_millis(500)).await;
    for message in messages.lines() {
        publisher.send(ZmqMessage::from(message)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;
    std::future::pending::<()>().await;
    Ok(())
}
