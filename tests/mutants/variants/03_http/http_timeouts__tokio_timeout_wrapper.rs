//! variant of: http_timeouts
//! how: reqwest's async Client with no timeout of its own; tokio::time::timeout around the whole request, body included
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let base = std::env::var("NETLINGS_BASE_URL").unwrap();
    let report = std::env::var("NETLINGS_REPORT").unwrap();
    let timeout = Duration::from_millis(
        std::env::var("NETLINGS_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let client = reqwest::Client::new();

    let request = async {
        client
            .get(format!("{base}/v1/reports/{report}"))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await
    };
    match tokio::time::timeout(timeout, request).await {
        Ok(Ok(body)) => {
            println!("{body}");
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            println!("error: {e}");
            ExitCode::FAILURE
        }
        // The request future is dropped here: its connection closes.
        Err(_elapsed) => {
            println!("timeout");
            ExitCode::FAILURE
        }
    }
}
