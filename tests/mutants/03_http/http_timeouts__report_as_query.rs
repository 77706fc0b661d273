//! mutant of: http_timeouts
//! bug: puts the report id in a query parameter, GET /v1/reports?id=<report>, not in the path
//! fails: prints the report when the server answers within
//! says: then NETLINGS_REPORT
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let report = std::env::var("NETLINGS_REPORT").unwrap();
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")
        .unwrap()
        .parse()
        .unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(timeout_ms))
        .build()
        .unwrap();
    let answer = async {
        client
            .get(format!("{base}/v1/reports?id={report}"))
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
