//! mutant of: http_pooling
//! bug: builds a new async Client for every page, so every request starts with an empty pool
//! fails: reuses its connections
//! says: the server accepted 30 connections
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    events: Vec<serde_json::Value>,
    next: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let mut total = 0;
    let mut next = Some(format!("{base}/v1/events"));
    while let Some(url) = next {
        let client = reqwest::Client::new();
        let page: Page = client.get(&url).send().await?.json().await?;
        total += page.events.len();
        next = page.next;
    }
    println!("{total}");
    Ok(())
}
