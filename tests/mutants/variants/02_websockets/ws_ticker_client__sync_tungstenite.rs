//! variant of: ws_ticker_client
//! how: no async: tungstenite's blocking connect/read in a plain loop, remembering the last tick printed (not the next one); the price parsed and printed as an f64
use std::io::Write;
use std::time::Duration;

use tokio_tungstenite::tungstenite::{self, Message};

fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    let mut last: Option<u64> = None;
    let mut out = std::io::stdout().lock();
    for attempt in 0.. {
        if attempt > 50 {
            eprintln!("the ticker is gone");
            std::process::exit(1);
        }
        let Ok((mut ws, _)) = tungstenite::connect(url.as_str()) else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        let subscribe = match last {
            None => format!("SUBSCRIBE {symbol}"),
            Some(seq) => format!("SUBSCRIBE {symbol} FROM {}", seq + 1),
        };
        if ws.send(Message::text(subscribe)).is_err() {
            continue;
        }
        loop {
            let text = match ws.read() {
                Ok(Message::Text(text)) => text,
                Ok(_) => continue,
                Err(e) => {
                    eprintln!("dropped: {e}");
                    break;
                }
            };
            if text.as_str() == "END" {
                let _ = ws.close(None);
                out.flush().unwrap();
                return;
            }
            let mut words = text.split(' ');
            let (Some("TICK"), Some(_), Some(seq), Some(price)) =
                (words.next(), words.next(), words.next(), words.next())
            else {
                continue;
            };
            let (Ok(seq), Ok(price)) = (seq.parse::<u64>(), price.parse::<f64>()) else {
                continue;
            };
            if last.is_some_and(|l| seq <= l) {
                continue; // already printed
            }
            writeln!(out, "{seq} {price}").unwrap();
            out.flush().unwrap();
            last = Some(seq);
        }
    }
}
