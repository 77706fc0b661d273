//! # zmq_pub_sub
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! Publish to several subscribers, and lose nothing. Bind a PUB socket at
//! `NETLINGS_ENDPOINT` and a REP socket at `NETLINGS_SYNC_ENDPOINT`.
//! `NETLINGS_SUBSCRIBERS` subscribers will connect to both, each
//! subscribing to its own prefixes. `NETLINGS_MESSAGES` holds the messages,
//! one per line, each beginning with its topic (`weather.oslo 3`).
//!
//! The trap - the slow joiner: a subscription reaches the PUB some time
//! after the subscriber connected, and until it does the PUB drops every
//! message for it, silently. There is no broker to keep them. So:
//!
//! 1. Until `NETLINGS_SUBSCRIBERS` subscribers have each sent `READY` on
//!    the REP socket (answer each one; its REQ waits for the answer), send
//!    the one-frame message `HELLO` on the PUB again and again, every 20 ms
//!    or so, and nothing else. A subscriber says READY only after a HELLO
//!    reached it, which proves its subscriptions have arrived (they
//!    travelled before it, on the same connection). A READY alone would
//!    not prove that: it takes another connection, and can overtake them.
//! 2. Then publish each line of `NETLINGS_MESSAGES`, in order, as one frame
//!    exactly as given: the PUB sends it to every subscriber whose prefix
//!    begins it, and to no other.
//! 3. Then publish the one frame `END`, and keep running: `send` only
//!    queues, and netlings stops your program when it is done.
//!
//! How it is graded: netlings plays three subscribers; the last one joins
//! late, after the first two are READY. Each must get every message its
//! prefixes match, in order, no other, then END. A program that publishes
//! before every subscriber is READY loses the late one's first messages,
//! every time.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::time::Duration;

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

    // TODO: HELLO until `subscribers` READYs have been answered (a task of
    // its own that sends HELLO on a `tokio::time::interval`, stopped with
    // a oneshot channel, is one way; `select!` is another). Then every
    // message, then END, then wait for ever
    // (`std::future::pending::<()>().await`).
    todo!("the HELLO/READY handshake, then publish")
}
