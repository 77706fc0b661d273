//! # ws_ticker_client — a reference solution
//!
//! Q7. A long-lived WebSocket must expect to be dropped. The client keeps
//! one piece of state across connections - the next tick it needs - and
//! every (re)subscription asks for exactly that, so nothing is lost or
//! printed twice.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// How a connection ended.
enum Ended {
    /// The server sent END: all ticks are in.
    Done,
    /// The connection dropped (or never came up): try again.
    Dropped(String),
}

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").expect("netlings sets NETLINGS_WS_URL");
    let symbol = std::env::var("NETLINGS_SYMBOL").expect("netlings sets NETLINGS_SYMBOL");

    let mut next_tick: Option<u64> = None;
    let mut backoff = Duration::from_millis(50);
    let mut failures = 0;
    loop {
        match follow(&url, &symbol, &mut next_tick).await {
            Ended::Done => return,
            Ended::Dropped(why) => {
                failures += 1;
                eprintln!("connection lost ({why}); reconnecting in {backoff:?}");
                if failures > 20 {
                    eprintln!("giving up");
                    std::process::exit(1);
                }
                // Back off a little between attempts, so a server that is
                // down is not hammered.
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// One connection: subscribe from where we are, print ticks until it ends.
async fn follow(url: &str, symbol: &str, next_tick: &mut Option<u64>) -> Ended {
    let mut ws = match tokio_tungstenite::connect_async(url).await {
        Ok((ws, _)) => ws,
        Err(e) => return Ended::Dropped(e.to_string()),
    };
    let subscribe = match next_tick {
        None => format!("SUBSCRIBE {symbol}"),
        Some(seq) => format!("SUBSCRIBE {symbol} FROM {seq}"),
    };
    if let Err(e) = ws.send(Message::text(subscribe)).await {
        return Ended::Dropped(e.to_string());
    }
    while let Some(message) = ws.next().await {
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(_) => continue,
            Err(e) => return Ended::Dropped(e.to_string()),
        };
        if text.as_str() == "END" {
            return Ended::Done;
        }
        // TICK <symbol> <seq> <price>
        let parts: Vec<&str> = text.split_whitespace().collect();
        if let ["TICK", _, seq, price] = parts[..]
            && let Ok(seq) = seq.parse::<u64>()
        {
            // A replay may overlap what we have: print each tick once.
            if next_tick.is_none_or(|next| seq >= next) {
                println!("{seq} {price}");
                *next_tick = Some(seq + 1);
            }
        }
    }
    Ended::Dropped("the stream ended without END".into())
}
