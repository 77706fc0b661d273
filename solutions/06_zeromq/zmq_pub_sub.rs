//! # zmq_pub_sub — a reference solution
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! A PUB socket sends each message to the subscribers whose subscription
//! is a prefix of its first frame - the ones it knows of *at that moment*.
//! A subscription travels from the SUB to the PUB over the connection, some
//! time after the SUB connected: what the PUB sends before it arrives is
//! dropped, without an error (the slow-joiner problem). No broker keeps it.
//!
//! The handshake that removes the race (the ZeroMQ guide's "node
//! coordination"): while it waits, the publisher sends `HELLO` over the PUB
//! socket itself. A subscriber that receives a `HELLO` knows its
//! subscriptions have reached the publisher - they travelled before it on
//! the same connection - and only then says `READY` over REQ/REP. When
//! every subscriber has, the messages go out. A READY alone is not enough:
//! it travels on another connection, and may overtake the subscription.

use std::time::Duration;

use tokio::sync::oneshot;
use zeromq::{PubSocket, RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT").expect("netlings sets NETLINGS_ENDPOINT");
    let sync_endpoint =
        std::env::var("NETLINGS_SYNC_ENDPOINT").expect("netlings sets NETLINGS_SYNC_ENDPOINT");
    let subscribers: usize = std::env::var("NETLINGS_SUBSCRIBERS")
        .expect("netlings sets NETLINGS_SUBSCRIBERS")
        .parse()?;
    let messages = std::env::var("NETLINGS_MESSAGES").expect("netlings sets NETLINGS_MESSAGES");

    let mut publisher = PubSocket::new();
    publisher.bind(&endpoint).await?;
    let mut sync = RepSocket::new();
    sync.bind(&sync_endpoint).await?;

    // HELLO every 20 ms from a task of its own, until it is told to stop;
    // it hands the socket back when it ends.
    let (stop, stopped) = oneshot::channel::<()>();
    let prober = tokio::spawn(async move {
        let mut stopped = stopped;
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tokio::select! {
                _ = &mut stopped => return publisher,
                _ = tick.tick() => {
                    let _ = publisher.send(ZmqMessage::from("HELLO")).await;
                }
            }
        }
    });

    // One READY per subscriber, each answered (its REQ waits for that).
    let mut ready = 0;
    while ready < subscribers {
        if sync.recv().await.is_ok() {
            sync.send(ZmqMessage::from("OK")).await?;
            ready += 1;
        }
    }
    let _ = stop.send(());
    let mut publisher = prober.await?;

    // Everyone is subscribed: each message is one frame that begins with
    // its topic, so the PUB's prefix filter sends it only where it is wanted.
    for message in messages.lines() {
        publisher.send(ZmqMessage::from(message)).await?;
    }
    publisher.send(ZmqMessage::from("END")).await?;

    // `send` only queues: the sockets deliver while the program runs, so
    // it stays up until netlings stops it.
    std::future::pending::<()>().await;
    Ok(())
}
