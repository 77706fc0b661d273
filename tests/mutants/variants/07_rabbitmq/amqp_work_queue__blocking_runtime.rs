//! variant of: amqp_work_queue
//! how: a plain fn main blocking on a tokio runtime; the consumer read with block_on(next()), the work done with std::thread::sleep
use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};

fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let queue = std::env::var("NETLINGS_QUEUE")?;
    let rt = tokio::runtime::Runtime::new()?;
    let connection = rt.block_on(Connection::connect(&url, ConnectionProperties::default()))?;
    let channel = rt.block_on(connection.create_channel())?;
    rt.block_on(channel.queue_declare(
        queue.as_str().into(),
        QueueDeclareOptions {
            durable: true,
            ..QueueDeclareOptions::default()
        },
        FieldTable::default(),
    ))?;
    rt.block_on(channel.basic_qos(1, BasicQosOptions::default()))?;
    let mut consumer = rt.block_on(channel.basic_consume(
        queue.as_str().into(),
        "".into(),
        BasicConsumeOptions::default(),
        FieldTable::default(),
    ))?;
    while let Some(delivery) = rt.block_on(consumer.next()) {
        let delivery = delivery?;
        let task = String::from_utf8_lossy(&delivery.data).into_owned();
        let (id, ms) = task.split_once(' ').unwrap_or((&task, "0"));
        std::thread::sleep(Duration::from_millis(ms.trim().parse().unwrap_or(0)));
        println!("done {id}");
        rt.block_on(delivery.ack(BasicAckOptions::default()))?;
    }
    Ok(())
}
