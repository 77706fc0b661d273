//! mutant of: http_timeouts
//! bug: sets only connect_timeout, which ends at the connect: a server that accepts and stalls is waited on forever
//! fails: gives up after NETLINGS_TIMEOUT_MS
//! says: connect_timeout covers only the connect
use std::time::Duration;

fn main() {
    let url = format!(
        "{}/v1/reports/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_REPORT").unwrap()
    );
    let timeout: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_millis(timeout))
        .timeout(None)
        .build()
        .unwrap();
    match client.get(&url).send().and_then(|r| r.text()) {
        Ok(body) => println!("{body}"),
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
