//! mutant of: zmq_pipeline
//! bug: mixes up the endpoints: sends results on a PUSH connected to NETLINGS_TASKS, pulls from NETLINGS_RESULTS
//! fails: both copies connect PULL
//! says: did you swap NETLINGS_TASKS and NETLINGS_RESULTS
use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    // Results go back where the tasks came from...
    let mut results = PushSocket::new();
    results.connect(&tasks_endpoint).await?;
    let mut tasks = PullSocket::new();
    tasks.connect(&results_endpoint).await?;
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
