//! mutant of: zmq_pub_sub
//! bug: the zguide's first sync: counts READYs over REQ/REP but sends no HELLO, so a READY can overtake its subscriptions
//! fails: publishes HELLO until every subscriber is READY
//! says: A READY over REQ/REP alone proves nothing
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
