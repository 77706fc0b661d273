//! variant of: amqp_subscribe
//! how: one channel to declare and bind, another owned by a spawned consumer task that acks several messages at once (multiple) and sends the bodies to main over an mpsc channel
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
    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let setup = connection.create_channel().await?;
    setup
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
    let queue = setup
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    setup
        .queue_bind(
            queue.name().clone(),
            exchange.as_str().into(),
            "".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let consuming = connection.create_channel().await?;
    let name = queue.name().clone();
    let task = tokio::spawn(async move {
        let mut consumer = consuming
            .basic_consume(
                name,
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        let mut unacked = 0;
        while let Some(delivery) = consumer.next().await {
            let delivery = delivery?;
            let body = String::from_utf8_lossy(&delivery.data).into_owned();
            let end = body == "END";
            tx.send(body)?;
            unacked += 1;
            // Ack in pairs (and at the end): one ack with multiple covers both.
            if unacked == 2 || end {
                consuming
                    .basic_ack(delivery.delivery_tag, BasicAckOptions { multiple: true })
                    .await?;
                unacked = 0;
            }
            if end {
                break;
            }
        }
        anyhow::Ok(())
    });
    while let Some(body) = rx.recv().await {
        if body == "END" {
            break;
        }
        println!("{body}");
    }
    task.await??;
    connection.close(200, "done".into()).await?;
    Ok(())
}
