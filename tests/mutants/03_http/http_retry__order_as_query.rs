//! mutant of: http_retry
//! bug: asks for the order as a query parameter, GET /v1/orders?id=<order>, not as a path segment
//! fails: sends GET /v1/orders/<NETLINGS_ORDER>
//! says: then NETLINGS_ORDER
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let order = std::env::var("NETLINGS_ORDER").unwrap();
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
        let response = match client.get(format!("{base}/v1/orders?id={order}")).send() {
            Ok(response) => response,
            Err(e) => {
                println!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let status = response.status();
        if status.is_success() {
            println!("{}", response.text().unwrap_or_default());
            return ExitCode::SUCCESS;
        }
        if ![429, 502, 503, 504].contains(&status.as_u16()) {
            println!("error: {status}");
            return ExitCode::FAILURE;
        }
        if attempt < max {
            std::thread::sleep(delay);
            delay *= 2;
        }
    }
    println!("gave up after {max} attempts");
    ExitCode::FAILURE
}
