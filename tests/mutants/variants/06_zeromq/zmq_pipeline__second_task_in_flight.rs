//! variant of: zmq_pipeline
//! how: takes the next task while one is being worked on: a receiving task feeds a channel of one, the work runs in spawned tasks, two at a time
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, Semaphore, mpsc};
use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    let mut tasks = PullSocket::new();
    tasks.connect(&tasks_endpoint).await?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;
    let results = Arc::new(Mutex::new(results));
    let (queue, mut next) = mpsc::channel::<String>(1);
    tokio::spawn(async move {
        while let Ok(message) = tasks.recv().await {
            if let Ok(task) = String::try_from(message)
                && queue.send(task).await.is_err()
            {
                return;
            }
        }
    });
    let slots = Arc::new(Semaphore::new(2));
    while let Some(task) = next.recv().await {
        let slot = slots.clone().acquire_owned().await?;
        let results = results.clone();
        tokio::spawn(async move {
            let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
            if let [id, n, ms] = parts[..] {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                let reply = ZmqMessage::from(format!("{id} {}", n * n));
                let _ = results.lock().await.send(reply).await;
            }
            drop(slot);
        });
    }
    Ok(())
}
