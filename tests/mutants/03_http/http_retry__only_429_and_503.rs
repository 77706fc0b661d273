//! mutant of: http_retry
//! bug: retries only the statuses netlings' other scenarios send, 429 and 503; a 502 or 504 is reported as an error
//! fails: retries after 502 Bad Gateway and 504 Gateway Timeout
//! says: 502 and 504 are temporary
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
        let status = response.status().as_u16();
        if status != 429 && status != 503 {
            println!("error: {}", response.status());
            std::process::exit(1);
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
