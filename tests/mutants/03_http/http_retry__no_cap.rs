//! mutant of: http_retry
//! bug: retries a 503 for as long as it takes, never counting attempts against NETLINGS_MAX_ATTEMPTS
//! fails: gives up after NETLINGS_MAX_ATTEMPTS
//! says: netlings stopped it
use std::time::Duration;

#[tokio::main]
async fn main() {
    let url = format!(
        "{}/v1/orders/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_ORDER").unwrap()
    );
    let mut delay = Duration::from_millis(
        std::env::var("NETLINGS_BASE_DELAY_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let client = reqwest::Client::new();
    loop {
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
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(delay);
        tokio::time::sleep(wait).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}
