//! variant of: zmq_pipeline
//! how: std threads and blocking calls: a current-thread runtime drives the sockets with block_on, the work is a std::thread::sleep on a thread of its own, results come back over a std channel
use std::sync::mpsc;
use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS")?;
    let results_endpoint = std::env::var("NETLINGS_RESULTS")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut tasks = PullSocket::new();
    runtime.block_on(tasks.connect(&tasks_endpoint))?;
    let mut results = PushSocket::new();
    runtime.block_on(results.connect(&results_endpoint))?;
    loop {
        let message = runtime.block_on(tasks.recv())?;
        let task = String::try_from(message)?;
        let (done, answer) = mpsc::channel();
        std::thread::spawn(move || {
            let parts: Vec<u64> = task.split(' ').filter_map(|p| p.parse().ok()).collect();
            if let [id, n, ms] = parts[..] {
                std::thread::sleep(Duration::from_millis(ms));
                let _ = done.send(format!("{id} {}", n * n));
            }
        });
        if let Ok(reply) = answer.recv() {
            runtime.block_on(results.send(ZmqMessage::from(reply)))?;
        }
    }
}
