//! # ws_ticker_client
//!
//! Q7. What are some real-world use cases where WebSockets are preferred?
//!
//! Live prices are a classic: the server pushes each tick as it happens. But
//! a long-lived connection *will* drop, and a client must carry on without
//! losing or repeating anything. Write the client:
//!
//! 1. Connect to `NETLINGS_WS_URL` (e.g. `ws://127.0.0.1:41234/ticks`) and
//!    send the text `SUBSCRIBE <symbol>` (`<symbol>` is `NETLINGS_SYMBOL`).
//! 2. The server sends text messages `TICK <symbol> <seq> <price>`, with
//!    `<seq>` counting up from 0. Print each tick as one line: `<seq> <price>`.
//! 3. The server may drop the connection at any time (the stream ends, or an
//!    error, without a close frame). Then reconnect and send
//!    `SUBSCRIBE <symbol> FROM <seq>` with the next tick you need: the server
//!    replays what you missed. (Without `FROM` it resumes at the live tick,
//!    and whatever happened while you were away is lost.)
//! 4. The text `END` means the ticks are over: exit with status 0.
//!
//! How it is graded: the ticker drops your client twice, and the ticks move
//! on while it is away. In the end the tick lines of your output - the
//! lines of the form `<seq> <price>` - must be every tick exactly once, in
//! order. (Other lines, such as `reconnecting…`, are not counted; stderr is
//! the better place for them.)

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").expect("netlings sets NETLINGS_WS_URL");
    let symbol = std::env::var("NETLINGS_SYMBOL").expect("netlings sets NETLINGS_SYMBOL");

    // TODO: connect (tokio_tungstenite::connect_async), subscribe, print the
    // ticks; when the connection drops, reconnect and resubscribe FROM the
    // next tick you need.
    todo!("connect to NETLINGS_WS_URL and subscribe to the ticks")
}
