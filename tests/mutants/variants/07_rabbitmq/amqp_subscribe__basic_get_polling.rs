//! variant of: amqp_subscribe
//! how: no consumer: polls the queue with basic_get, pausing briefly when it is empty
use std::time::Duration;

use lapin::options::{
    BasicAckOptions, BasicGetOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
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
    channel
        .queue_bind(
            queue.name().clone(),
            exchange.as_str().into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    loop {
        let Some(message) = channel
            .basic_get(queue.name().clone(), BasicGetOptions::default())
            .await?
        else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let body = String::from_utf8_lossy(&message.delivery.data).into_owned();
        message.delivery.ack(BasicAckOptions::default()).await?;
        if body == "END" {
            return Ok(());
        }
        println!("{body}");
    }
}
