//! mutant of: amqp_topic_routing
//! bug: one queue per pattern, all consumed: a message whose key matches two patterns is printed twice
//! fails: prints exactly the messages whose keys match
//! says: printed 2×
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let patterns = std::env::var("NETLINGS_PATTERNS")?;
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
    let exclusive = QueueDeclareOptions {
        exclusive: true,
        ..QueueDeclareOptions::default()
    };
    let mut queues = Vec::new();
    for pattern in patterns.split(",") {
        let queue = channel
            .queue_declare("".into(), exclusive, FieldTable::default())
            .await?;
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.as_str().into(),
                pattern.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
        queues.push(queue);
    }
    // Every queue feeds one stream.
    let mut streams = Vec::new();
    for queue in &queues {
        streams.push(
            channel
                .basic_consume(
                    queue.name().clone(),
                    "".into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?,
        );
    }
    let mut consumer = futures_util::stream::select_all(streams);
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
