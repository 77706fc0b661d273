//! # amqp_topic_routing
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! Write a subscriber that picks its messages by routing key:
//!
//! 1. Connect to the broker at `NETLINGS_AMQP_URL`.
//! 2. Declare the durable topic exchange named by `NETLINGS_EXCHANGE`.
//! 3. Declare one server-named, exclusive queue, and bind it to the exchange
//!    with every pattern of `NETLINGS_PATTERNS` (comma-separated, e.g.
//!    `kern.*,*.critical,audit.#`).
//! 4. Print the body of every message you receive, on a line of its own.
//! 5. When the body is `END`, do not print it: exit with status 0.
//!
//! How it is graded: once your bindings are on the wire (a recording proxy
//! in front of a real RabbitMQ sees them), netlings publishes messages whose
//! keys match one pattern, several, or none - the edge cases of `*` and `#`
//! included - and END with a key that matches. You must print exactly the
//! messages whose keys match, each once.
//!
//! Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`,
//! `NETLINGS_PATTERNS`.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").expect("netlings sets NETLINGS_AMQP_URL");
    let exchange = std::env::var("NETLINGS_EXCHANGE").expect("netlings sets NETLINGS_EXCHANGE");
    let patterns = std::env::var("NETLINGS_PATTERNS").expect("netlings sets NETLINGS_PATTERNS");

    // TODO: connect, declare the topic exchange and your exclusive queue,
    // bind it once per pattern, print every body until END.
    todo!("connect to NETLINGS_AMQP_URL and bind a queue with each pattern")
}
