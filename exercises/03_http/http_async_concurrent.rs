//! # http_async_concurrent
//!
//! Q8. Compare reqwest's blocking and async clients (Python: `requests` vs
//! `httpx`). Which would you use for async APIs and why?
//!
//! The async client earns its keep when many requests can wait on the
//! network together. Fetch 20 slow readings concurrently - but not all at
//! once:
//!
//! 1. GET `<NETLINGS_BASE_URL>/v1/sensors`. The answer is
//!    `{"sensors": ["s-kqzfau", "s-bemlow", …]}` (20 ids). (Done below.)
//! 2. For each id, GET `<NETLINGS_BASE_URL>/v1/sensors/<id>/reading`. Each
//!    takes the server about 300 ms and answers
//!    `{"sensor": "s-kqzfau", "celsius": 21.4, "taken_at": "…"}`.
//!    Keep several requests in flight at a time, and never more than
//!    `NETLINGS_MAX_IN_FLIGHT` (8).
//! 3. Print one line per sensor, `<id> <celsius>` (`s-kqzfau 21.4`), in any
//!    order, and exit with status 0.
//!
//! How it is graded: netlings' server counts your requests in flight at
//! every moment. One at a time (each `.await`ed before the next starts)
//! fails; all 20 at once fails too; it wants at least 5 and at most 8.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

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

    let client = reqwest::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;

    // TODO: fetch every sensor's reading, at most `max_in_flight` at a
    // time, and print `<id> <celsius>` for each.
    todo!("fetch the readings concurrently, at most NETLINGS_MAX_IN_FLIGHT at a time")
}
