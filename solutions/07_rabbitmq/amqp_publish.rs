//! # amqp_publish — a reference solution
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! The publisher's half of pub/sub: it publishes to an exchange, never to a
//! queue, and does not know who listens. Three settings make "published"
//! mean "the broker has it, and keeps it": a durable exchange, persistent
//! messages (delivery mode 2), and publisher confirms - the broker's
//! `basic.ack` for each message, which the program waits for before it says
//! it is done.

use std::io::BufRead;

use anyhow::{Context, bail};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").context("netlings sets NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE").context("netlings sets NETLINGS_EXCHANGE")?;
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;

    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;

    // Declaring is idempotent: it creates the exchange, or checks that the
    // existing one has these same arguments (a different type or
    // durability is refused with PRECONDITION_FAILED).
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

    // Confirm mode: from now on the broker acks every message it has taken
    // responsibility for (for a persistent message in a durable queue:
    // written to disk). Without it, `basic_publish` returning only means
    // the bytes left this program.
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;

    // Publish everything first, then wait for the confirms: one round trip
    // for the batch instead of one per message.
    let mut confirms = Vec::with_capacity(lines.len());
    for line in &lines {
        let confirm = channel
            .basic_publish(
                exchange.as_str().into(),
                // A fanout exchange ignores the routing key.
                "".into(),
                BasicPublishOptions::default(),
                line.as_bytes(),
                // Delivery mode 2: persistent, kept across a broker restart.
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        if !confirm.await?.is_ack() {
            bail!("the broker refused (nacked) a message");
        }
    }

    println!("confirmed {}", lines.len());
    connection.close(200, "done".into()).await?;
    Ok(())
}
