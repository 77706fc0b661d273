//! mutant of: zmq_pub_sub
//! bug: sends HELLO once, as it starts, instead of again and again until every subscriber is READY
//! fails: publishes HELLO until every subscriber is READY
//! says: no HELLO reached it
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
    // One HELLO is enough: whoever is connected hears it.
    publisher.send(ZmqMessage::from("HELLO")).await?;
    for _ in 0..subscribers {
        sync.recv().await?;
        sync.send(ZmqMessage::from("OK")).await?;
    }
    for message in messages.lines() {
        publisher.send(ZmqMessage::from(message)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;
    std::future::pending::<()>().await;
    Ok(())
}
