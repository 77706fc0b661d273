//! variant of: amqp_topic_routing
//! how: a plain fn main blocking on a tokio runtime; the queue consumed with no-ack; consuming before the bindings are made, bound in reverse order
use futures_util::StreamExt;
use lapin::options::{
    BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let patterns = std::env::var("NETLINGS_PATTERNS")?;
    let rt = tokio::runtime::Runtime::new()?;
    let connection = rt.block_on(Connection::connect(&url, ConnectionProperties::default()))?;
    let channel = rt.block_on(connection.create_channel())?;
    rt.block_on(channel.exchange_declare(
        exchange.as_str().into(),
        ExchangeKind::Topic,
        ExchangeDeclareOptions {
            durable: true,
            ..ExchangeDeclareOptions::default()
        },
        FieldTable::default(),
    ))?;
    let queue = rt.block_on(channel.queue_declare(
        "".into(),
        QueueDeclareOptions {
            exclusive: true,
            ..QueueDeclareOptions::default()
        },
        FieldTable::default(),
    ))?;
    let mut consumer = rt.block_on(channel.basic_consume(
        queue.name().clone(),
        "".into(),
        BasicConsumeOptions {
            no_ack: true,
            ..BasicConsumeOptions::default()
        },
        FieldTable::default(),
    ))?;
    let patterns: Vec<&str> = patterns.split(',').collect();
    for pattern in patterns.iter().rev() {
        rt.block_on(channel.queue_bind(
            queue.name().clone(),
            exchange.as_str().into(),
            (*pattern).into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        ))?;
    }
    while let Some(delivery) = rt.block_on(consumer.next()) {
        let delivery = delivery?;
        if delivery.data == b"END" {
            break;
        }
        println!("{}", String::from_utf8_lossy(&delivery.data));
    }
    Ok(())
}
