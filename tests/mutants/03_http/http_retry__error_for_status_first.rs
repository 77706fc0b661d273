//! mutant of: http_retry
//! bug: calls error_for_status()? on every answer before its retry logic, so the first 503 ends the program with an error
//! fails: retries after a 503
//! says: not now
use std::time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let order = std::env::var("NETLINGS_ORDER")?;
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")?.parse()?;
    let mut delay = Duration::from_millis(std::env::var("NETLINGS_BASE_DELAY_MS")?.parse()?);
    let client = reqwest::blocking::Client::new();
    let url = format!("{base}/v1/orders/{order}");
    for attempt in 1..=max {
        let response = client.get(&url).send()?.error_for_status()?;
        let status = response.status();
        if status.is_success() {
            println!("{}", response.text()?);
            return Ok(());
        }
        // Never reached for a 4xx or 5xx: error_for_status turned it into an Err.
        if attempt < max {
            std::thread::sleep(delay);
            delay *= 2;
        }
    }
    println!("gave up after {max} attempts");
    std::process::exit(1);
}
