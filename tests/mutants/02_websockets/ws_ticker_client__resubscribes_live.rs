//! mutant of: ws_ticker_client
//! bug: reconnects, but resubscribes without FROM, so the ticks sent while it was away are lost
//! fails: printed every tick once, in order
//! says: missing ticks
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    for _ in 0..10 {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
            continue;
        };
        if ws
            .send(Message::text(format!("SUBSCRIBE {symbol}")))
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
            }
        }
    }
}
