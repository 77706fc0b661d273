//! variant of: http_pooling
//! how: reqwest's async Client, cloned for every page (clones share one pool); pages read as serde_json::Value
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()?;

    let mut total = 0usize;
    let mut next = Some(format!("{base}/v1/events"));
    while let Some(url) = next.take() {
        let page_client = client.clone();
        let page: serde_json::Value = page_client
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        total += page["events"].as_array().map_or(0, Vec::len);
        next = page["next"].as_str().map(str::to_owned);
    }
    println!("{total}");
    Ok(())
}
