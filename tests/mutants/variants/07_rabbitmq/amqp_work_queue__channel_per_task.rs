//! variant of: amqp_work_queue
//! how: the queue declared on one channel; the consumer, with a global prefetch of 1 on a channel of its own, runs in a spawned task; each task's work runs in a task of its own that acks through the channel by delivery tag
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
    let setup = connection.create_channel().await?;
    setup
        .queue_declare(
            queue.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let channel = connection.create_channel().await?;
    channel
        .basic_qos(1, BasicQosOptions { global: true })
        .await?;
    let consumer_task = tokio::spawn(async move {
        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                "worker".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        while let Some(delivery) = consumer.next().await {
            let delivery = delivery?;
            let channel = channel.clone();
            let work = tokio::spawn(async move {
                let task = String::from_utf8_lossy(&delivery.data).into_owned();
                let (id, ms) = task.split_once(' ').unwrap_or((&task, "0"));
                tokio::time::sleep(Duration::from_millis(ms.parse().unwrap_or(0))).await;
                println!("done {id}");
                channel
                    .basic_ack(delivery.delivery_tag, BasicAckOptions::default())
                    .await
            });
            work.await??;
        }
        anyhow::Ok(())
    });
    consumer_task.await??;
    Ok(())
}
