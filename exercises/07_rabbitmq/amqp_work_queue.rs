//! # amqp_work_queue
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases? Q14. How would you implement a publisher-subscriber model using
//! RabbitMQ in Rust?
//!
//! Write a worker of a task queue:
//!
//! 1. Connect to the broker at `NETLINGS_AMQP_URL`.
//! 2. Declare the durable queue named by `NETLINGS_QUEUE`.
//! 3. Consume it with a prefetch of 1 (`basic_qos`) and manual acks.
//! 4. A task's body is `<id> <ms>` (the id has no spaces): do the work -
//!    wait `ms` milliseconds - then print `done <id>`, and only then ack it.
//! 5. Keep running until you are stopped.
//!
//! How it is graded: netlings runs two workers and publishes tasks, a long
//! one among short ones: the short ones must not wait behind the long one.
//! Then it kills one worker (SIGKILL) in the middle of a task: the task must
//! be redelivered to the other worker and done once, and no task may be
//! lost. A recording proxy in front of a real RabbitMQ sees each delivery
//! and each ack, and when each ack came compared to your `done` line.
//!
//! Environment: `NETLINGS_AMQP_URL` (amqp://…), `NETLINGS_QUEUE`.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("NETLINGS_AMQP_URL").expect("netlings sets NETLINGS_AMQP_URL");
    let queue = std::env::var("NETLINGS_QUEUE").expect("netlings sets NETLINGS_QUEUE");

    // TODO: connect, declare the durable queue, set prefetch 1, consume;
    // for each task: wait <ms>, print `done <id>`, then ack.
    todo!("connect to NETLINGS_AMQP_URL and consume NETLINGS_QUEUE")
}
