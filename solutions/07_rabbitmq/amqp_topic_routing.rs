//! # amqp_topic_routing — a reference solution
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! Selective subscriptions: a topic exchange compares each message's
//! routing key (dot-separated words, `kern.disk.critical`) with the binding
//! patterns of each queue. `*` stands for exactly one word, `#` for zero or
//! more. One queue with several bindings gets a message once, however many
//! of its patterns match.

use anyhow::Context;
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").context("netlings sets NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE").context("netlings sets NETLINGS_EXCHANGE")?;
    let patterns = std::env::var("NETLINGS_PATTERNS").context("netlings sets NETLINGS_PATTERNS")?;

    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    channel
        .exchange_declare(
            exchange.as_str().into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let queue = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;

    // One binding per pattern: each is a separate rule "copy messages whose
    // key matches this into that queue".
    for pattern in patterns.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.as_str().into(),
                pattern.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }

    let mut consumer = channel
        .basic_consume(
            queue.name().clone(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    while let Some(delivery) = consumer.next().await {
        let delivery = delivery?;
        let body = String::from_utf8_lossy(&delivery.data).into_owned();
        delivery.ack(BasicAckOptions::default()).await?;
        if body == "END" {
            break;
        }
        println!("{body}");
    }
    connection.close(200, "done".into()).await?;
    Ok(())
}
