//! # amqp_publish
//!
//! Q14. How would you implement a publisher-subscriber model using RabbitMQ
//! in Rust (lapin; Python: pika)?
//!
//! Write the publisher of a pub/sub system:
//!
//! 1. Connect to the broker at `NETLINGS_AMQP_URL`.
//! 2. Declare the durable fanout exchange named by `NETLINGS_EXCHANGE`.
//! 3. Turn on publisher confirms on your channel.
//! 4. Publish each line of stdin (without its newline), in order, to that
//!    exchange as a persistent message (delivery mode 2).
//! 5. Wait until the broker has confirmed every message, then print
//!    `confirmed <n>` (n: the number of messages) and exit with status 0.
//!
//! How it is graded: netlings declares the exchange and binds a queue of its
//! own to it before your program starts; that queue must receive every line
//! in order. Your program talks to a real RabbitMQ through a recording proxy,
//! which checks on the wire that the channel was in confirm mode, that every
//! message was persistent, and that your program was still there when the
//! broker's last confirm arrived (the proxy delays it a little).
//!
//! Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_EXCHANGE`; the lines
//! come on stdin.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::io::BufRead;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection, ConnectionProperties, ExchangeKind};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").expect("netlings sets NETLINGS_AMQP_URL");
    let exchange = std::env::var("NETLINGS_EXCHANGE").expect("netlings sets NETLINGS_EXCHANGE");
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;

    // TODO: connect, declare the exchange, turn on confirms, publish each
    // line persistently, wait for every confirm, print `confirmed <n>`.
    todo!("connect to NETLINGS_AMQP_URL and publish with confirms")
}
