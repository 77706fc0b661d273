//! mutant of: http_pooling
//! bug: assigns each page's count to the total instead of adding it, so it prints the last page's count
//! fails: prints the number of events
//! says: the number of events
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
    let mut next = Some(format!("{base}/v1/events"));
    while let Some(url) = next {
        let page: Page = client.get(&url).send()?.error_for_status()?.json()?;
        total = page.events.len();
        next = page.next;
    }
    println!("{total}");
    Ok(())
}
