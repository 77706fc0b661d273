//! mutant of: zmq_pipeline
//! bug: answers at once, without the task's <ms> of work
//! fails: every task's result comes back once
//! says: its work takes
use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    let mut tasks = PullSocket::new();
    tasks.connect(&tasks_endpoint).await?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;
    loop {
        let task = String::try_from(tasks.recv().await?)?;
        let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
        let [id, n, _ms] = parts[..] else { continue };
        results
            .send(ZmqMessage::from(format!("{id} {}", n * n)))
            .await?;
    }
}
