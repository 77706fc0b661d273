//! variant of: amqp_publish
//! how: a plain fn main that blocks on a tokio runtime for each step; one channel.wait_for_confirms() for the whole batch
use std::io::BufRead;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};

fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL")?;
    let exchange = std::env::var("NETLINGS_EXCHANGE")?;
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
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
    rt.block_on(channel.confirm_select(ConfirmSelectOptions::default()))?;
    for line in &lines {
        rt.block_on(
            channel.basic_publish(
                exchange.as_str().into(),
                "ignored-by-fanout".into(),
                BasicPublishOptions::default(),
                line.as_bytes(),
                BasicProperties::default()
                    .with_delivery_mode(2)
                    .with_content_type("text/plain".into()),
            ),
        )?;
    }
    let returned = rt.block_on(channel.wait_for_confirms())?;
    anyhow::ensure!(returned.is_empty(), "messages came back");
    println!("publishing done");
    println!("confirmed {}", lines.len());
    rt.block_on(connection.close(200, "bye".into()))?;
    Ok(())
}
