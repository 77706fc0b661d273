//! mutant of: ws_ticker_client
//! bug: sends its SUBSCRIBE request as a binary message, not a text one
//! fails: connects to NETLINGS_WS_URL and subscribes
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    let mut last: Option<u64> = None;
    for _ in 0..10 {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
            continue;
        };
        let request = match last {
            None => format!("SUBSCRIBE {symbol}"),
            Some(seq) => format!("SUBSCRIBE {symbol} FROM {}", seq + 1),
        };
        if ws
            .send(Message::binary(request.into_bytes()))
            .await
            .is_err()
        {
            continue;
        }
        while let Some(Ok(Message::Text(t))) = ws.next().await {
            if t.as_str() == "END" {
                return;
            }
            let parts: Vec<&str> = t.split_whitespace().collect();
            if let ["TICK", _, seq, price] = parts[..] {
                println!("{seq} {price}");
                last = seq.parse().ok();
            }
        }
    }
}
