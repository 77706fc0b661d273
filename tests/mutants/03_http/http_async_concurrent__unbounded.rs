//! mutant of: http_async_concurrent
//! bug: join_all over every request: all 20 in flight at once, ignoring NETLINGS_MAX_IN_FLIGHT
//! fails: keeps at most NETLINGS_MAX_IN_FLIGHT
//! says: NETLINGS_MAX_IN_FLIGHT is 8
use serde::Deserialize;

#[derive(Deserialize)]
struct SensorList {
    sensors: Vec<String>,
}

#[derive(Deserialize)]
struct Reading {
    sensor: String,
    celsius: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .json()
        .await?;
    let fetches = list.sensors.iter().map(|id| {
        let request = client.get(format!("{base}/v1/sensors/{id}/reading"));
        async move { request.send().await?.json::<Reading>().await }
    });
    for reading in futures_util::future::join_all(fetches).await {
        let reading = reading?;
        println!("{} {}", reading.sensor, reading.celsius);
    }
    Ok(())
}
