//! variant of: http_timeouts
//! how: reqwest::blocking, the timeout set per request (RequestBuilder::timeout) rather than on the Client
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let report = std::env::var("NETLINGS_REPORT").unwrap();
    let timeout = Duration::from_millis(
        std::env::var("NETLINGS_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let client = reqwest::blocking::Client::new();

    let result = client
        .get(format!("{base}/v1/reports/{report}"))
        .timeout(timeout)
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.text());
    match result {
        Ok(body) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Err(e) if e.is_timeout() => {
            println!("timeout");
            ExitCode::from(2)
        }
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
