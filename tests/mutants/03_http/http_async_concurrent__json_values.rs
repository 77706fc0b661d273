//! mutant of: http_async_concurrent
//! bug: prints the reading's fields as serde_json::Values, so the id keeps its JSON quotes ("s-kqzfau" 21.4)
//! fails: prints every reading
//! says: the first missing reading
use futures_util::stream::{self, StreamExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let max_in_flight: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
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
        .filter_map(|id| id.as_str().map(String::from))
        .collect();
    let mut readings = stream::iter(ids)
        .map(|id| {
            let request = client.get(format!("{base}/v1/sensors/{id}/reading"));
            async move { request.send().await?.json::<serde_json::Value>().await }
        })
        .buffer_unordered(max_in_flight);
    while let Some(reading) = readings.next().await {
        let reading = reading?;
        println!("{} {}", reading["sensor"], reading["celsius"]);
    }
    Ok(())
}
