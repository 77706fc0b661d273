//! variant of: zmq_pub_sub
//! how: one task, one `select!` loop: a HELLO on each tick of an interval, or a READY answered, until all are ready
use std::time::Duration;

use zeromq::{PubSocket, RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let sync_endpoint = std::env::var("NETLINGS_SYNC_ENDPOINT")?;
    let subscribers: usize = std::env::var("NETLINGS_SUBSCRIBERS")?.parse()?;
    let messages = std::env::var("NETLINGS_MESSAGES")?;
    let mut publisher = PubSocket::new();
    publisher.bind(&endpoint).await?;
    let mut sync = RepSocket::new();
    sync.bind(&sync_endpoint).await?;
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let mut ready = 0;
    while ready < subscribers {
        tokio::select! {
            _ = tick.tick() => publisher.send(ZmqMessage::from("HELLO")).await?,
            request = sync.recv() => {
                if request.is_ok() {
                    sync.send(ZmqMessage::from("ready, go")).await?;
                    ready += 1;
                }
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
