//! mutant of: http_retry
//! bug: in its Retry-After branch `let response = …` shadows the response instead of replacing it, so the loop keeps judging the 429 and gives up though the retry got 200
//! fails: prints the order after the 429
//! says: the order's JSON
use std::time::Duration;

fn retry_after(response: &reqwest::blocking::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    Some(Duration::from_secs(value.to_str().ok()?.parse().ok()?))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let order = std::env::var("NETLINGS_ORDER")?;
    let max: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")?.parse()?;
    let mut delay = Duration::from_millis(std::env::var("NETLINGS_BASE_DELAY_MS")?.parse()?);
    let client = reqwest::blocking::Client::new();
    let url = format!("{base}/v1/orders/{order}");
    let mut attempt = 1;
    let mut response = client.get(&url).send()?;
    loop {
        let status = response.status();
        if status.is_success() {
            println!("{}", response.text()?);
            return Ok(());
        }
        if ![429, 502, 503, 504].contains(&status.as_u16()) {
            println!("error: {status}");
            std::process::exit(1);
        }
        if attempt >= max {
            println!("gave up after {max} attempts");
            std::process::exit(1);
        }
        attempt += 1;
        if let Some(wait) = retry_after(&response) {
            std::thread::sleep(wait);
            let response = client.get(&url).send()?;
            eprintln!("retried after Retry-After: {}", response.status());
            continue;
        }
        std::thread::sleep(delay);
        delay *= 2;
        response = client.get(&url).send()?;
    }
}
