//! variant of: http_retry
//! how: reqwest::blocking and thread::sleep; the wait computed as base × 2^(attempt-1) rather than doubled in place; statuses matched by number
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let order = std::env::var("NETLINGS_ORDER").unwrap();
    let max_attempts: u32 = std::env::var("NETLINGS_MAX_ATTEMPTS")
        .unwrap()
        .parse()
        .unwrap();
    let base_delay: u64 = std::env::var("NETLINGS_BASE_DELAY_MS")
        .unwrap()
        .parse()
        .unwrap();
    let client = reqwest::blocking::Client::new();
    let url = format!("{base}/v1/orders/{order}");

    for attempt in 1..=max_attempts {
        let response = match client.get(&url).send() {
            Ok(response) => response,
            Err(e) => {
                println!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        let status = response.status();
        match status.as_u16() {
            200..=299 => {
                let body = response.text().unwrap_or_default();
                println!("{}", body.trim_end());
                return ExitCode::SUCCESS;
            }
            429 | 502 | 503 | 504 => {
                if attempt == max_attempts {
                    break;
                }
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let wait = match retry_after {
                    Some(seconds) => Duration::from_secs(seconds),
                    None => Duration::from_millis(base_delay << (attempt - 1)),
                };
                eprintln!("attempt {attempt}: {status}, waiting {wait:?}");
                std::thread::sleep(wait);
            }
            _ => {
                println!("error: {status}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("gave up after {max_attempts} attempts");
    ExitCode::from(4)
}
