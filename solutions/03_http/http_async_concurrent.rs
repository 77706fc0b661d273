//! # http_async_concurrent — a reference solution
//!
//! Q8. Compare reqwest's blocking and async clients (Python: `requests` vs
//! `httpx`). Which would you use for async APIs and why?
//!
//! Twenty requests that each wait 300 ms on the server: one after another
//! they take 6 s; eight at a time, about 0.9 s - on one thread, because an
//! async task that waits on the network gives the thread back. The bound
//! matters as much as the concurrency: the server (or its rate limiter) is
//! shared with everyone else.

use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct SensorList {
    sensors: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Reading {
    sensor: String,
    celsius: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL").expect("netlings sets NETLINGS_BASE_URL");
    let max_in_flight: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")
        .expect("netlings sets NETLINGS_MAX_IN_FLIGHT")
        .parse()
        .expect("a number");

    // One Client, shared: cloning it is cheap (an Arc around one connection
    // pool), so every request below can reuse the pool's connections.
    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;

    // A future does nothing until it is polled. `buffer_unordered(n)` polls
    // up to n of them at once and starts the next one as soon as one ends:
    // a bounded fan-out. (`for id in ids { fetch(id).await }` would run them
    // one by one; `join_all` would start all 20 together.)
    let mut readings = stream::iter(list.sensors)
        .map(|id| {
            let client = client.clone();
            let url = format!("{base}/v1/sensors/{id}/reading");
            async move {
                client
                    .get(url)
                    .send()
                    .await?
                    .error_for_status()?
                    .json::<Reading>()
                    .await
            }
        })
        .buffer_unordered(max_in_flight);

    // Results come in the order they finish, not the order they started.
    while let Some(reading) = readings.next().await {
        let reading = reading?;
        println!("{} {}", reading.sensor, reading.celsius);
    }
    Ok(())
}
