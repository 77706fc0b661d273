//! mutant of: zmq_pipeline
//! bug: binds its PULL at NETLINGS_TASKS instead of connecting to the ventilator
//! fails: both copies connect PULL
//! says: it tried to bind an endpoint that netlings has bound
use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    // The worker is a server of tasks, isn't it?
    let mut tasks = PullSocket::new();
    tasks.bind(&tasks_endpoint).await?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;
    loop {
        let task = String::try_from(tasks.recv().await?)?;
        let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
        let [id, n, ms] = parts[..] else { continue };
        tokio::time::sleep(Duration::from_millis(ms)).await;
        results
            .send(ZmqMessage::from(format!("{id} {}", n * n)))
            .await?;
    }
}
