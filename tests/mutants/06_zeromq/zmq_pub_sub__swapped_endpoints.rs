//! mutant of: zmq_pub_sub
//! bug: mixes up the two endpoints: binds the PUB at NETLINGS_SYNC_ENDPOINT and the REP at NETLINGS_ENDPOINT
//! fails: binds a PUB socket at NETLINGS_ENDPOINT
//! says: is not a PUB
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
    publisher.bind(&sync_endpoint).await?;
    let mut sync = RepSocket::new();
    sync.bind(&endpoint).await?;
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
    std::future::pending::<()>().await;
    Ok(())
}
