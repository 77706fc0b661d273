//! mutant of: http_pooling
//! bug: builds the page URLs itself and counts pages from 0, so its first request is ?page=0
//! fails: fetches the first page
//! says: the first page
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    events: Vec<serde_json::Value>,
    next: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let client = reqwest::blocking::Client::new();
    let mut total = 0;
    for n in 0.. {
        let page: Page = client
            .get(format!("{base}/v1/events?page={n}"))
            .send()?
            .error_for_status()?
            .json()?;
        total += page.events.len();
        if page.next.is_none() {
            break;
        }
    }
    println!("{total}");
    Ok(())
}
