//! mutant of: http_async_concurrent
//! bug: async code that awaits each request before sending the next: never more than one in flight
//! fails: keeps at least 5 requests in flight
//! says: never had more than 1
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
    for id in list.sensors {
        let reading: Reading = client
            .get(format!("{base}/v1/sensors/{id}/reading"))
            .send()
            .await?
            .json()
            .await?;
        println!("{} {}", reading.sensor, reading.celsius);
    }
    Ok(())
}
