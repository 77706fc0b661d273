//! mutant of: http_retry
//! bug: treats a 429 like a 503 and waits its own backoff, ignoring the Retry-After header
//! fails: honours `Retry-After
//! says: its Retry-After header said 1 s
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
        let status = response.status();
        if status.is_success() {
            println!("{}", response.text().unwrap());
            return;
        }
        if ![429, 502, 503, 504].contains(&status.as_u16()) {
            println!("error: {status}");
            std::process::exit(1);
        }
        if attempt == max {
            break;
        }
        std::thread::sleep(delay);
        delay *= 2;
    }
    println!("gave up after {max} attempts");
    std::process::exit(1);
}
