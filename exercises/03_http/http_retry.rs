//! # http_retry
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! Fetch an order from a flaky API, retrying exactly the failures that are
//! worth retrying:
//!
//! 1. GET `<NETLINGS_BASE_URL>/v1/orders/<NETLINGS_ORDER>`.
//! 2. 200: print the body (one line of JSON) and exit with status 0.
//! 3. 429, 502, 503 or 504 mean "not now": try again after a pause.
//!    - If the answer has a `Retry-After: <seconds>` header, wait that long.
//!    - Otherwise back off exponentially: wait `NETLINGS_BASE_DELAY_MS`
//!      before the 2nd attempt, twice that before the 3rd, four times that
//!      before the 4th… (100, 200, 400 ms). No jitter in this exercise:
//!      netlings measures your waits.
//! 4. Any other status (404, say) will not change by asking again: print
//!    `error: <status>` (`error: 404 Not Found`) and exit non-zero at once.
//! 5. Make at most `NETLINGS_MAX_ATTEMPTS` attempts in all. When the last
//!    one fails too, print `gave up after <N> attempts` and exit non-zero.
//!
//! How it is graded: netlings runs your program five times against a
//! scripted server - 503, 503, 503 then 200; a 429 with `Retry-After: 1`;
//! 502, 504 then 200; a 404; a 503 forever - and measures the gaps between
//! your attempts.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let order = std::env::var("NETLINGS_ORDER").expect("netlings sets NETLINGS_ORDER");
    let max_attempts: u32 = env_number("NETLINGS_MAX_ATTEMPTS");
    let base_delay = Duration::from_millis(env_number("NETLINGS_BASE_DELAY_MS"));

    let client = reqwest::blocking::Client::new();
    let url = format!("{base}/v1/orders/{order}");

    // TODO: send the GET; on 429/502/503/504 wait (Retry-After, or the
    // doubling backoff) and try again, at most `max_attempts` times in all.
    todo!("GET the order, retrying 429 and 5xx answers with exponential backoff")
}

fn env_number<T: std::str::FromStr>(name: &str) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("netlings sets {name} to a number"))
}
