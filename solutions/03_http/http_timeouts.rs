//! # http_timeouts — a reference solution
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! A server that accepts a connection and then stalls is the failure no
//! error reports: without a timeout the client just waits. reqwest's async
//! Client has none by default; the blocking one waits 30 s. Set one on the
//! Client (or per request) and handle it as its own kind of error.

use std::process::ExitCode;
use std::time::Duration;

async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, reqwest::Error> {
    client
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await
}

#[tokio::main]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let report = std::env::var("NETLINGS_REPORT").expect("netlings sets NETLINGS_REPORT");
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");
    let timeout = Duration::from_millis(timeout_ms);

    let client = match reqwest::Client::builder()
        // Bounds only the TCP connect: a host that drops packets.
        .connect_timeout(timeout)
        // Bounds the whole request - connect, send, wait for the answer,
        // read the body. This is the one that catches a stalled server.
        // (RequestBuilder::timeout overrides it for a single request.)
        .timeout(timeout)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            println!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    match fetch(&client, &format!("{base}/v1/reports/{report}")).await {
        Ok(body) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        // A timeout is worth telling apart: the caller may retry it (for an
        // idempotent request), whereas a 404 will not change.
        Err(e) if e.is_timeout() => {
            println!("timeout");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
