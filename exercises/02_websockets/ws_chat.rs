//! # ws_chat
//!
//! Q7. What are some real-world use cases where WebSockets are preferred?
//!
//! A chat room: the server pushes messages to clients the moment they
//! happen, which plain HTTP requests cannot do. Build it:
//!
//! - Listen on `NETLINGS_ADDR`. A client joins with a WebSocket to
//!   `/chat?name=<name>`.
//! - When `ada` joins, everyone else in the room gets the text message
//!   `* ada joined`.
//! - When `ada` sends the text `hi`, everyone else gets `ada: hi` (not ada).
//! - When ada's connection ends, everyone else gets `* ada left`.
//! - A client is in the room - it hears what is said - from the moment its
//!   join is announced. (netlings starts with two clients and waits until
//!   the first one hears the second's messages.)
//! - A client that stops reading must not stall the room: give each client
//!   a queue of at most 64 messages (for example a `tokio::sync::broadcast`
//!   receiver, or an `mpsc::channel(N)` per client) and drop messages for,
//!   or disconnect, a client whose queue is full.
//!
//! How it is graded: netlings joins as several clients and checks who gets
//! what; then one client stops reading while netlings sends 10 MiB through
//! the room, and another client must keep receiving every message in time.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("NETLINGS_ADDR").expect("netlings sets NETLINGS_ADDR");
    let listener = TcpListener::bind(&addr).await?;
    // TODO: accept clients, learn each one's name from the request path
    // (`accept_hdr_async` lets you see the request), and relay messages.
    todo!("accept chat clients and relay their messages to the others")
}
