//! # amqp_subscribe
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! Write a subscriber of a pub/sub system:
//!
//! 1. Connect to the broker at `NETLINGS_AMQP_URL`.
//! 2. Declare the durable fanout exchange named by `NETLINGS_EXCHANGE`
//!    (netlings may have declared it already, with these same arguments).
//! 3. Declare a queue of your own: server-named (an empty name) and
//!    exclusive. Bind it to the exchange.
//! 4. Consume it: print each message's body on a line of its own, and ack
//!    each message.
//! 5. When the body is `END`, do not print it: exit with status 0.
//!
//! How it is graded: netlings runs two copies of your program at once and
//! publishes once both queues are bound (it watches the binding go by on the
//! wire, through a recording proxy in front of a real RabbitMQ). Each copy
//! must print every message. The proxy checks that each queue was
//! server-named and exclusive, and that every message was acked.
//!
//! Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`.

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

    // TODO: connect, declare the exchange and your own exclusive queue, bind
    // it, then print and ack every message until the body END.
    todo!("connect to NETLINGS_AMQP_URL and bind a queue of your own")
}
