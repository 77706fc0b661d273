//! mutant of: http_async_concurrent
//! bug: asks the mock server it was tested against, a hard-coded http://127.0.0.1:8080, instead of NETLINGS_BASE_URL
//! fails: fetches the sensor list
//! says: the URL is NETLINGS_BASE_URL
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

/// "the mock API from the README": where the author ran it by hand.
const BASE: &str = "http://127.0.0.1:8080";

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
    let max_in_flight: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{BASE}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mut readings = stream::iter(list.sensors)
        .map(|id| {
            let request = client.get(format!("{BASE}/v1/sensors/{id}/reading"));
            async move { request.send().await?.json::<Reading>().await }
        })
        .buffer_unordered(max_in_flight);
    while let Some(reading) = readings.next().await {
        let reading = reading?;
        println!("{} {}", reading.sensor, reading.celsius);
    }
    Ok(())
}
