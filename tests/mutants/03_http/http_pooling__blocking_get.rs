//! mutant of: http_pooling
//! bug: calls the convenience function reqwest::blocking::get for each page, which builds a Client (and a pool) every time
//! fails: reuses its connections
//! says: reqwest::blocking::get build a new Client
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    events: Vec<serde_json::Value>,
    next: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let mut total = 0;
    let mut next = Some(format!("{base}/v1/events"));
    while let Some(url) = next {
        let page: Page = reqwest::blocking::get(&url)?.json()?;
        total += page.events.len();
        next = page.next;
    }
    println!("{total}");
    Ok(())
}
