//! mutant of: amqp_publish
//! bug: never declares the exchange, trusting that it exists (here netlings made it; on a fresh broker every publish would fail)
//! fails: declares the durable fanout exchange
//! says: declaring the exchange
use std::io::BufRead;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::{BasicProperties, Connection, ConnectionProperties};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
    let connection = Connection::connect(&url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;

    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let mut confirms = Vec::new();
    for line in &lines {
        let confirm = channel
            .basic_publish(
                exchange.as_str().into(),
                "".into(),
                BasicPublishOptions::default(),
                line.as_bytes(),
                BasicProperties::default().with_delivery_mode(2),
            )
            .await?;
        confirms.push(confirm);
    }
    for confirm in confirms {
        confirm.await?;
    }
    println!("confirmed {}", lines.len());
    connection.close(200, "done".into()).await?;
    Ok(())
}
