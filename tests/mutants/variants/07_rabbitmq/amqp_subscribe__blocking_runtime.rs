//! variant of: amqp_subscribe
//! how: a plain fn main blocking on a tokio runtime, the consumer read with block_on(next()); the END message is left unacked
use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let rt = tokio::runtime::Runtime::new()?;
    let connection = rt.block_on(Connection::connect(&url, ConnectionProperties::default()))?;
    let channel = rt.block_on(connection.create_channel())?;
    rt.block_on(channel.exchange_declare(
        exchange.as_str().into(),
        ExchangeKind::Fanout,
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
            auto_delete: true,
            ..QueueDeclareOptions::default()
        },
        FieldTable::default(),
    ))?;
    rt.block_on(channel.queue_bind(
        queue.name().clone(),
        exchange.as_str().into(),
        "anything".into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    ))?;
    let mut consumer = rt.block_on(channel.basic_consume(
        queue.name().clone(),
        "subscriber".into(),
        BasicConsumeOptions::default(),
        FieldTable::default(),
    ))?;
    while let Some(delivery) = rt.block_on(consumer.next()) {
        let delivery = delivery?;
        if delivery.data == b"END" {
            break;
        }
        println!("{}", String::from_utf8_lossy(&delivery.data));
        rt.block_on(delivery.ack(BasicAckOptions::default()))?;
    }
    Ok(())
}
