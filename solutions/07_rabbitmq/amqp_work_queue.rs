//! # amqp_work_queue — a reference solution
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases? Q14. How would you implement a publisher-subscriber model using
//! RabbitMQ in Rust?
//!
//! A work queue: many workers consume ONE queue, and each task goes to one
//! of them. What a broker adds over a bare socket is that a task is not
//! gone until a worker says it is done: the broker keeps every delivered,
//! unacked task, and gives it to another worker if this one dies.

use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicQosOptions, BasicRejectOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").context("netlings sets NETLINGS_AMQP_URL")?;
    let queue = std::env::var("NETLINGS_QUEUE").context("netlings sets NETLINGS_QUEUE")?;

    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;

    // Durable: the queue itself survives a broker restart (its persistent
    // messages too).
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

    // Prefetch 1: at most one unacked task at a time for this consumer.
    // Without it the broker pushes tasks round-robin as fast as it can, and
    // a worker busy with a long task sits on others that an idle worker
    // could do. It applies to consumers started after it: set it first.
    channel.basic_qos(1, BasicQosOptions::default()).await?;

    let mut consumer = channel
        .basic_consume(
            queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(), // manual acks
            FieldTable::default(),
        )
        .await?;

    while let Some(delivery) = consumer.next().await {
        let delivery = delivery?;
        let task = String::from_utf8_lossy(&delivery.data).into_owned();
        let Some((id, ms)) = task
            .split_once(' ')
            .and_then(|(id, ms)| Some((id.to_string(), ms.trim().parse::<u64>().ok()?)))
        else {
            eprintln!("not a task: {task:?}");
            // A malformed task would fail again anywhere: drop it.
            delivery
                .reject(BasicRejectOptions { requeue: false })
                .await?;
            continue;
        };
        // The work.
        tokio::time::sleep(Duration::from_millis(ms)).await;
        println!("done {id}");
        // Only now: a worker that dies before this line loses nothing.
        delivery.ack(BasicAckOptions::default()).await?;
    }
    Ok(())
}
