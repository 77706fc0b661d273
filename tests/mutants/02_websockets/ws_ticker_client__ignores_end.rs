//! mutant of: ws_ticker_client
//! bug: ignores END and keeps reconnecting, so it never exits
//! fails: printed every tick once, in order, then exited with status 0
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    let mut last: Option<u64> = None;
    loop {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        let request = match last {
            None => format!("SUBSCRIBE {symbol}"),
            Some(seq) => format!("SUBSCRIBE {symbol} FROM {}", seq + 1),
        };
        if ws.send(Message::text(request)).await.is_err() {
            continue;
        }
        while let Some(Ok(Message::Text(t))) = ws.next().await {
            // Keep listening, whatever the server says.
            let parts: Vec<&str> = t.split_whitespace().collect();
            if let ["TICK", _, seq, price] = parts[..] {
                println!("{seq} {price}");
                last = seq.parse().ok();
            }
        }
    }
}
