//! variant of: http_async_concurrent
//! how: no async at all: NETLINGS_MAX_IN_FLIGHT std threads share one reqwest::blocking::Client and take ids from a shared queue
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("NETLINGS_BASE_URL")?;
    let workers: usize = std::env::var("NETLINGS_MAX_IN_FLIGHT")?.parse()?;
    let client = reqwest::blocking::Client::new();
    let list: SensorList = client
        .get(format!("{base}/v1/sensors"))
        .send()?
        .error_for_status()?
        .json()?;

    let queue = Arc::new(Mutex::new(VecDeque::from(list.sensors)));
    let failed = Arc::new(Mutex::new(None::<String>));
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let (client, queue, failed, base) =
                (client.clone(), queue.clone(), failed.clone(), base.clone());
            std::thread::spawn(move || {
                loop {
                    let Some(id) = queue.lock().unwrap().pop_front() else {
                        return;
                    };
                    let reading = client
                        .get(format!("{base}/v1/sensors/{id}/reading"))
                        .send()
                        .and_then(|r| r.error_for_status())
                        .and_then(|r| r.json::<Reading>());
                    match reading {
                        Ok(r) => println!("{} {}", r.sensor, r.celsius),
                        Err(e) => *failed.lock().unwrap() = Some(format!("{id}: {e}")),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a worker panicked");
    }
    match failed.lock().unwrap().take() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
