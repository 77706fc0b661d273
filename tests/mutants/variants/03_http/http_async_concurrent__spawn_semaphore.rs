//! variant of: http_async_concurrent
//! how: a tokio task per sensor in a JoinSet, gated by a Semaphore of 6 permits (several in flight, under the bound), the JSON read as serde_json::Value
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let max: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
    // Stay comfortably under the server's limit.
    let permits = Arc::new(Semaphore::new(max.saturating_sub(2).max(1)));
    let client = reqwest::Client::new();

    let list: serde_json::Value = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let ids: Vec<String> = list["sensors"]
        .as_array()
        .ok_or("no sensors")?
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();

    let mut tasks = JoinSet::new();
    for id in ids {
        let (client, permits, url) = (
            client.clone(),
            permits.clone(),
            format!("{base}/v1/sensors/{id}/reading"),
        );
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            let reading: serde_json::Value = client
                .get(url)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            Ok::<_, reqwest::Error>((id, reading["celsius"].as_f64()))
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (id, celsius) = done??;
        println!("{id} {}", celsius.ok_or("a reading without celsius")?);
    }
    Ok(())
}
