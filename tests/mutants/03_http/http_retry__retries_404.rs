//! mutant of: http_retry
//! bug: retries every answer that is not a success, a 404 included
//! fails: does not retry a 404
//! says: asked again after a 404
use std::time::Duration;

fn main() {
    let url = format!(
        "{}/v1/orders/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_ORDER").unwrap()
    );
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")
        .unwrap()
        .parse()
        .unwrap();
    let mut delay = Duration::from_millis(
        std::env::var("NETLINGS_BASE_DELAY_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let client = reqwest::blocking::Client::new();
    for attempt in 1..=max {
        let response = client.get(&url).send().unwrap();
        if response.status().is_success() {
            println!("{}", response.text().unwrap());
            return;
        }
        if attempt == max {
            break;
        }
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(delay);
        std::thread::sleep(wait);
        delay *= 2;
    }
    println!("gave up after {max} attempts");
    std::process::exit(1);
}
