//! # http_pooling — a reference solution
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! Pooling in reqwest is automatic - per Client. Build the Client once and
//! every request after the first finds an idle connection waiting: 30 pages,
//! one TCP connection. (Python's `requests` needs a `Session` for the same;
//! `requests.get` is like `reqwest::blocking::get`, a fresh pool each call.)

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Page {
    events: Vec<Event>,
    /// The URL of the next page; `null` on the last one.
    next: Option<String>,
}

/// serde needs only the fields we read; an empty struct still checks that
/// each event is an object.
#[derive(Debug, Deserialize)]
struct Event {}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");

    // One Client for the whole program. Cloning it would share the same
    // pool; building a new one would start an empty pool.
    let client = reqwest::blocking::Client::new();

    let mut total = 0;
    let mut next = Some(format!("{base}/v1/events"));
    while let Some(url) = next {
        // Decoding reads the body to its end - that is what lets the
        // connection go back to the pool for the next request. (A response
        // dropped half-read costs its connection.)
        let page: Page = client.get(&url).send()?.error_for_status()?.json()?;
        total += page.events.len();
        next = page.next;
    }
    println!("{total}");
    Ok(())
}
