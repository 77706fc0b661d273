//! # zmq_pipeline
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! Write a worker of the ZeroMQ guide's pipeline: a ventilator PUSHes
//! tasks, workers PULL them, and PUSH their results to a sink. netlings is
//! the ventilator, bound at `NETLINGS_TASKS`, and the sink, bound at
//! `NETLINGS_RESULTS` (`tcp://127.0.0.1:<port>` both). Your worker binds
//! nothing: it connects a PULL socket to `NETLINGS_TASKS` and a PUSH
//! socket to `NETLINGS_RESULTS` - the stable ends bind, the workers that
//! come and go connect.
//!
//! Each task is one frame, `<id> <n> <ms>`: work on it for `<ms>`
//! milliseconds (sleep: it stands for real work), then push one frame,
//! `<id> <n*n>`. Then take the next task, until netlings stops you.
//!
//! How it is graded: netlings starts two copies of your worker (each with
//! its own sink, so it knows who did what), waits until both are
//! connected, pushes a dozen tasks at once, and checks that every result
//! comes back once, correct, no sooner than its work allows, and that each
//! copy did a fair share (PUSH deals tasks round-robin among the PULLs
//! connected to it). Nothing acknowledges a task: if a copy dies, the tasks
//! it held are lost (RabbitMQ would redeliver them).

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::time::Duration;

use zeromq::{PullSocket, PushSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks_endpoint = std::env::var("NETLINGS_TASKS").expect("netlings sets NETLINGS_TASKS");
    let results_endpoint =
        std::env::var("NETLINGS_RESULTS").expect("netlings sets NETLINGS_RESULTS");
    // TODO: connect a PULL to `tasks_endpoint` and a PUSH to
    // `results_endpoint`; then, for ever: a task, its work, its result.
    todo!("connect PULL to NETLINGS_TASKS and PUSH to NETLINGS_RESULTS, then work")
}
