//! # zmq_pipeline — a reference solution
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! The pipeline of the ZeroMQ guide: a ventilator PUSHes tasks, workers
//! PULL them and PUSH results to a sink. The stable ends (ventilator and
//! sink) bind; the workers, which come and go, connect - so adding a worker
//! is starting one more process, with no configuration anywhere else. PUSH
//! deals tasks round-robin among the PULLs connected to it. Nothing
//! acknowledges a task: a worker that dies takes the tasks it had with it
//! (RabbitMQ would redeliver them; see amqp_work_queue).

use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS").expect("netlings sets NETLINGS_TASKS");
    let results_endpoint =
        std::env::var("NETLINGS_RESULTS").expect("netlings sets NETLINGS_RESULTS");

    // Connect, never bind: netlings' ventilator and sink are bound there.
    // `connect` retries until the other end listens.
    let mut tasks = PullSocket::new();
    tasks.connect(&tasks_endpoint).await?;
    let mut results = PushSocket::new();
    results.connect(&results_endpoint).await?;

    // A worker runs until it is stopped: one task after another.
    loop {
        let task = tasks.recv().await?;
        let reply = match work(&task).await {
            Ok(reply) => reply,
            Err(reason) => {
                eprintln!("skipping a task: {reason}");
                continue;
            }
        };
        results.send(ZmqMessage::from(reply)).await?;
    }
}

/// One task, `<id> <n> <ms>`: works `<ms>` milliseconds, answers `<id> <n*n>`.
async fn work(task: &ZmqMessage) -> Result<String, String> {
    let text = task
        .get(0)
        .and_then(|f| std::str::from_utf8(f).ok())
        .ok_or("a task that is not UTF-8 text")?;
    let parts: Vec<&str> = text.split(' ').collect();
    let [id, n, ms] = parts[..] else {
        return Err(format!("a task that is not `<id> <n> <ms>`: {text:?}"));
    };
    let n: u64 = n.parse().map_err(|_| format!("bad n in {text:?}"))?;
    let ms: u64 = ms.parse().map_err(|_| format!("bad ms in {text:?}"))?;
    // The sleep stands for real work that takes time.
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(format!("{id} {}", n * n))
}
