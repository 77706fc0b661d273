//! # http_retry — a reference solution
//!
//! Q9. How would you handle retries, timeouts, and connection pooling with
//! reqwest (Python: `requests`)?
//!
//! A retry policy is three decisions: *what* to retry (only what is
//! temporary), *when* (a growing backoff, or the server's own Retry-After),
//! and *when to stop* (a cap, so the caller gets an answer). reqwest leaves
//! all three to you: a 503 is an `Ok(Response)` like any other.

use std::process::ExitCode;
use std::time::Duration;

use reqwest::StatusCode;

/// How a fetch that did not succeed ended.
enum Failure {
    /// An answer that asking again will not change (404, 400, 401…).
    Status(StatusCode),
    /// Every attempt failed with something temporary.
    GaveUp { attempts: u32 },
    /// No answer at all, and not one worth waiting for.
    Transport(reqwest::Error),
}

/// Statuses that say "not now": rate limited, or a server (or the gateway
/// in front of it) overloaded or restarting.
fn is_temporary(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// `Retry-After: <seconds>`. (It may also be an HTTP date; a client that
/// cannot parse it falls back to its own backoff.)
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let seconds: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

async fn get_with_retry(
    client: &reqwest::Client,
    url: &str,
    max_attempts: u32,
    base_delay: Duration,
) -> Result<String, Failure> {
    let mut backoff = base_delay;
    for attempt in 1..=max_attempts {
        let wait = match client.get(url).send().await {
            Ok(response) if response.status().is_success() => {
                return response.text().await.map_err(Failure::Transport);
            }
            Ok(response) if is_temporary(response.status()) => {
                // The server knows best when it will be ready again.
                retry_after(&response).unwrap_or(backoff)
            }
            Ok(response) => return Err(Failure::Status(response.status())),
            // A refused or timed-out connection is as temporary as a 503
            // (for a GET: sending it twice does no harm).
            Err(e) if e.is_connect() || e.is_timeout() => backoff,
            Err(e) => return Err(Failure::Transport(e)),
        };
        if attempt == max_attempts {
            break;
        }
        // An async sleep: the thread is free for other tasks meanwhile.
        tokio::time::sleep(wait).await;
        // Doubling spreads the load of many clients that failed together;
        // real clients also add random jitter and a ceiling.
        backoff *= 2;
    }
    Err(Failure::GaveUp {
        attempts: max_attempts,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let order = std::env::var("NETLINGS_ORDER").expect("netlings sets NETLINGS_ORDER");
    let max_attempts: u32 = env_number("NETLINGS_MAX_ATTEMPTS");
    let base_delay = Duration::from_millis(env_number("NETLINGS_BASE_DELAY_MS"));

    let client = reqwest::Client::new();
    let url = format!("{base}/v1/orders/{order}");
    match get_with_retry(&client, &url, max_attempts, base_delay).await {
        Ok(body) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Err(Failure::Status(status)) => {
            println!("error: {status}");
            ExitCode::FAILURE
        }
        Err(Failure::GaveUp { attempts }) => {
            println!("gave up after {attempts} attempts");
            ExitCode::FAILURE
        }
        Err(Failure::Transport(e)) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn env_number<T: std::str::FromStr>(name: &str) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("netlings sets {name} to a number"))
}
