//! mutant of: http_retry
//! bug: decodes the order into a struct with the fields it cares about and prints that back, so the other fields are lost
//! fails: prints the order after the 200
//! says: the order's JSON
use std::time::Duration;

#[derive(serde::Deserialize, serde::Serialize)]
struct Order {
    id: String,
    status: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let order = std::env::var("NETLINGS_ORDER")?;
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")?.parse()?;
    let mut delay = Duration::from_millis(std::env::var("NETLINGS_BASE_DELAY_MS")?.parse()?);
    let client = reqwest::blocking::Client::new();
    let url = format!("{base}/v1/orders/{order}");
    for attempt in 1..=max {
        let response = client.get(&url).send()?;
        let status = response.status();
        if status.is_success() {
            let order: Order = response.json()?;
            println!("{}", serde_json::to_string(&order)?);
            return Ok(());
        }
        if ![429, 502, 503, 504].contains(&status.as_u16()) {
            println!("error: {status}");
            std::process::exit(1);
        }
        if attempt < max {
            let wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .map(Duration::from_secs)
                .unwrap_or(delay);
            std::thread::sleep(wait);
            delay *= 2;
        }
    }
    println!("gave up after {max} attempts");
    std::process::exit(1);
}
