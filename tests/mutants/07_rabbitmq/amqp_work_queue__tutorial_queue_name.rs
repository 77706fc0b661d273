//! mutant of: amqp_work_queue
//! bug: declares NETLINGS_QUEUE but consumes `task_queue`, the RabbitMQ tutorial's queue
//! fails: each worker consumes the queue
//! says: before consuming the queue
use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueDeclareOptions};
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
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    let mut consumer = channel
        .basic_consume(
            "task_queue".into(),
            "".into(),
            BasicConsumeOptions {
                no_ack: false,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    while let Some(delivery) = consumer.next().await {
        let delivery = delivery?;
        let task = String::from_utf8_lossy(&delivery.data).into_owned();
        let (id, ms) = task.split_once(' ').unwrap_or((&task, "0"));
        let ms: u64 = ms.trim().parse().unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        println!("done {id}");
        delivery.ack(BasicAckOptions::default()).await?;
    }
    Ok(())
}
