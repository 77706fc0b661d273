//! mutant of: http_timeouts
//! bug: async reqwest Client with its defaults: no timeout at all, so it waits for the answer forever
//! fails: gives up after NETLINGS_TIMEOUT_MS
//! says: your client hung
#[tokio::main]
async fn main() {
    let url = format!(
        "{}/v1/reports/{}",
        std::env::var("NETLINGS_BASE_URL").unwrap(),
        std::env::var("NETLINGS_REPORT").unwrap()
    );
    match reqwest::get(&url).await {
        Ok(response) => println!("{}", response.text().await.unwrap()),
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
