//! mutant of: http_timeouts
//! bug: keeps 300 ms of NETLINGS_TIMEOUT_MS "for connecting and printing", so it gives up well before the timeout
//! fails: gives up after NETLINGS_TIMEOUT_MS
//! says: which had not passed yet
use std::time::Duration;

#[tokio::main]
async fn main() {
    let url = format!(
        "{}/v1/reports/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_REPORT").unwrap()
    );
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    // Leave room for the rest of the program within the timeout.
    let budget = Duration::from_millis(timeout_ms.saturating_sub(300));
    let client = reqwest::Client::builder().timeout(budget).build().unwrap();
    match client.get(&url).send().await {
        Ok(response) => match response.text().await {
            Ok(body) => println!("{body}"),
            Err(e) if e.is_timeout() => {
                println!("timeout");
                std::process::exit(1);
            }
            Err(e) => {
                println!("error: {e}");
                std::process::exit(1);
            }
        },
        Err(e) if e.is_timeout() => {
            println!("timeout");
            std::process::exit(1);
        }
        Err(e) => {
            println!("error: {e}");
            std::process::exit(1);
        }
    }
}
