//! mutant of: http_async_concurrent
//! bug: fetches the ids in batches of NETLINGS_MAX_IN_FLIGHT with chunks_exact, which leaves out the last ids (20 is not a multiple of 8)
//! fails: fetches all 20 readings
//! says: it asked for 16 of the 20 readings
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
    let max_in_flight: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    // Batches of exactly max_in_flight: never more in flight than that.
    for batch in list.sensors.chunks_exact(max_in_flight) {
        let fetches = batch.iter().map(|id| {
            let request = client.get(format!("{base}/v1/sensors/{id}/reading"));
            async move { request.send().await?.json::<Reading>().await }
        });
        for reading in futures_util::future::join_all(fetches).await {
            let reading = reading?;
            println!("{} {}", reading.sensor, reading.celsius);
        }
    }
    Ok(())
}
