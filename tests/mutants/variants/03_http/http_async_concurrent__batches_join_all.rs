//! variant of: http_async_concurrent
//! how: fixed batches: the ids in chunks of NETLINGS_MAX_IN_FLIGHT, each chunk's requests driven together with join_all before the next chunk starts
use futures_util::future::join_all;
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let max: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;

    for batch in list.sensors.chunks(max) {
        let requests = batch.iter().map(|id| {
            let request = client.get(format!("{base}/v1/sensors/{id}/reading"));
            async move {
                request
                    .send()
                    .await?
                    .error_for_status()?
                    .json::<Reading>()
                    .await
            }
        });
        for reading in join_all(requests).await {
            let reading = reading?;
            println!("{} {}", reading.sensor, reading.celsius);
        }
    }
    Ok(())
}
