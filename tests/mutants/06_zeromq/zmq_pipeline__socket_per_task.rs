//! mutant of: zmq_pipeline
//! bug: opens a new PULL connection for each task, so the tasks PUSH dealt to the old one are lost
//! fails: every task's result comes back once
//! says: no result came
use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;
    loop {
        // A fresh socket for a fresh task.
        let mut tasks = PullSocket::new();
        tasks.connect(&tasks_endpoint).await?;
        let task = String::try_from(tasks.recv().await?)?;
        let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
        let [id, n, ms] = parts[..] else { continue };
        tokio::time::sleep(Duration::from_millis(ms)).await;
        results
            .send(ZmqMessage::from(format!("{id} {}", n * n)))
            .await?;
    }
}
