//! # amqp_subscribe — a reference solution
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! The subscriber's half of pub/sub: a queue of its own, bound to the
//! exchange. The fanout exchange copies every message into every bound
//! queue, so each subscriber gets all of them. (Subscribers sharing one
//! queue would compete for its messages instead: that is a work queue.)

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

    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;

    // The same declaration as the publisher's: whoever comes first creates
    // the exchange, and the other's declare only checks it.
    channel
        .exchange_declare(
            exchange.as_str().into(),
            ExchangeKind::Fanout,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;

    // An empty name asks the broker to name the queue (amq.gen-…);
    // exclusive: only this connection may use it, and it is deleted when
    // the connection closes - no queue is left behind by a subscriber that
    // goes away.
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

    // From the moment the binding exists, the exchange copies each message
    // into this queue. Messages published before it are not ours.
    channel
        .queue_bind(
            queue.name().clone(),
            exchange.as_str().into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let mut consumer = channel
        .basic_consume(
            queue.name().clone(),
            "".into(),
            BasicConsumeOptions::default(), // manual acks (no_ack: false)
            FieldTable::default(),
        )
        .await?;

    while let Some(delivery) = consumer.next().await {
        let delivery = delivery?;
        let body = String::from_utf8_lossy(&delivery.data).into_owned();
        if body == "END" {
            delivery.ack(BasicAckOptions::default()).await?;
            break;
        }
        println!("{body}");
        // Acked after it was handled: had this program died before the ack,
        // the broker would still hold the message.
        delivery.ack(BasicAckOptions::default()).await?;
    }

    connection.close(200, "done".into()).await?;
    Ok(())
}
