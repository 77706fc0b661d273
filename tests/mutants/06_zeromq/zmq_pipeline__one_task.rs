//! mutant of: zmq_pipeline
//! bug: answers one task and exits (no loop)
//! fails: every task's result comes back once
//! says: exited with status 0 after answering 1 task
use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    let mut tasks = PullSocket::new();
    tasks.connect(&tasks_endpoint).await?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;
    let task = String::try_from(tasks.recv().await?)?;
    let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
    if let [id, n, ms] = parts[..] {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        results
            .send(ZmqMessage::from(format!("{id} {}", n * n)))
            .await?;
    }
    // Give the result time to leave before the sockets close.
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}
