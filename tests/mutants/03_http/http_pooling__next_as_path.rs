//! mutant of: http_pooling
//! bug: takes `next` for a path and appends it to NETLINGS_BASE_URL, though it is a full URL
//! fails: follows `next`
//! says: it fetched 1 of the 30 pages
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
    let mut path = Some("/v1/events".to_string());
    while let Some(p) = path {
        let page: Page = client
            .get(format!("{base}{p}"))
            .send()?
            .error_for_status()?
            .json()?;
        total += page.events.len();
        path = page.next;
    }
    println!("{total}");
    Ok(())
}
