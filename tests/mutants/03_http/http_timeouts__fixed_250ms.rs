//! mutant of: http_timeouts
//! bug: ignores NETLINGS_TIMEOUT_MS and uses a hard-coded 250 ms "typical API deadline", so a report that takes 300 ms times out
//! fails: prints the report when the server answers within
//! says: NETLINGS_TIMEOUT_MS in milliseconds
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let report = std::env::var("NETLINGS_REPORT").unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(250))
        .build()
        .unwrap();
    let answer = async {
        client
            .get(format!("{base}/v1/reports/{report}"))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await
    };
    match answer.await {
        Ok(body) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
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
