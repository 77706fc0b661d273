//! variant of: amqp_publish
//! how: one channel for the declaration and another for publishing; each message's confirm awaited before the next is published; exits without closing the connection
use std::io::BufRead;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};

#[tokio::main(flavor = "current_thread")]
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
    let publisher = connection.create_channel().await?;
    publisher
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut n = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let confirmation = publisher
            .basic_publish(
                exchange.as_str().into(),
                "".into(),
                BasicPublishOptions::default(),
                line.as_bytes(),
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?
            .await?;
        anyhow::ensure!(confirmation.is_ack(), "nacked: {line}");
        n += 1;
    }
    println!("confirmed {n}");
    Ok(())
}
