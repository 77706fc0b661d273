//! variant of: amqp_work_queue
//! how: no consumer and no prefetch: polls the queue with basic_get, one task at a time, pausing briefly when it is empty; std::thread::sleep for the work
use std::time::Duration;

use lapin::options::{BasicAckOptions, BasicGetOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let queue = std::env::var("NETLINGS_QUEUE")?;
    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    loop {
        let Some(message) = channel
            .basic_get(queue.as_str().into(), BasicGetOptions::default())
            .await?
        else {
            tokio::time::sleep(Duration::from_millis(25)).await;
            continue;
        };
        let task = String::from_utf8_lossy(&message.delivery.data).into_owned();
        let mut words = task.split_whitespace();
        let id = words.next().unwrap_or_default().to_string();
        let ms: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
        tokio::task::spawn_blocking(move || std::thread::sleep(Duration::from_millis(ms))).await?;
        println!("done {id}");
        message.delivery.ack(BasicAckOptions::default()).await?;
    }
}
