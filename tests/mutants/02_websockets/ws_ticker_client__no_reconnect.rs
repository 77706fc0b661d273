//! mutant of: ws_ticker_client
//! bug: follows one connection and stops when it ends
//! fails: reconnects after the server drops the connection
//! says: connect again and resubscribe
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() {
    let url = std::env::var("NETLINGS_WS_URL").unwrap();
    let symbol = std::env::var("NETLINGS_SYMBOL").unwrap();
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::text(format!("SUBSCRIBE {symbol}")))
        .await
        .unwrap();
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
