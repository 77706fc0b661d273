//! mutant of: http_retry
//! bug: waits NETLINGS_BASE_DELAY_MS before every retry: a constant pause, not exponential backoff
//! fails: backs off exponentially
//! says: double the wait
use std::time::Duration;

#[tokio::main]
async fn main() {
    let url = format!(
        "{}/v1/orders/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_ORDER").unwrap()
    );
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")
        .unwrap()
        .parse()
        .unwrap();
    let delay = Duration::from_millis(
        std::env::var("NETLINGS_BASE_DELAY_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let client = reqwest::Client::new();
    for attempt in 1..=max {
        let response = client.get(&url).send().await.unwrap();
        let status = response.status();
        if status.is_success() {
            println!("{}", response.text().await.unwrap());
            return;
        }
        if ![429, 502, 503, 504].contains(&status.as_u16()) {
            println!("error: {status}");
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
        tokio::time::sleep(wait).await;
    }
    println!("gave up after {max} attempts");
    std::process::exit(1);
}
