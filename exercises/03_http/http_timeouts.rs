//! # http_timeouts
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! This client works - until the server accepts the request and never
//! answers. Then it waits forever: reqwest's async `Client` has no timeout
//! unless you give it one. Make it give up in time:
//!
//! 1. GET `<NETLINGS_BASE_URL>/v1/reports/<NETLINGS_REPORT>`.
//! 2. If the answer comes within `NETLINGS_TIMEOUT_MS` milliseconds, print
//!    its body (one line of JSON) and exit with status 0.
//! 3. If it does not, give up: print `timeout` and exit with a non-zero
//!    status.
//!
//! How it is graded: one server answers after 300 ms (your timeout is
//! 2000 ms: wait for it); another reads your request and never answers
//! (your timeout is 800 ms: netlings times how long you wait, and stops a
//! program that hangs).

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let report = std::env::var("NETLINGS_REPORT").expect("netlings sets NETLINGS_REPORT");
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .expect("netlings sets NETLINGS_TIMEOUT_MS")
        .parse()
        .expect("a number of milliseconds");

    // TODO: this client waits as long as the server makes it wait. Give it
    // a timeout of `timeout_ms`, and print `timeout` when it fires
    // (reqwest::Error::is_timeout tells a timeout from other errors).
    let client = reqwest::Client::new();

    let url = format!("{base}/v1/reports/{report}");
    let result = async {
        client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await
    }
    .await;
    match result {
        Ok(body) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
