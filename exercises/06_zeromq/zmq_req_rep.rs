//! # zmq_req_rep
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! ZeroMQ has no broker: your program *is* the server, a REP socket bound
//! at `NETLINGS_ENDPOINT` (`tcp://127.0.0.1:<port>`). REQ clients connect
//! to it and ask in lock-step: one request, then wait for its reply.
//!
//! Each request is one frame, `ADD a b` or `MUL a b`, with `a` and `b`
//! signed 64-bit integers. Answer with one frame:
//!
//! - the result in decimal (`ADD 2 -5` → `-3`);
//! - `ERR overflow` when the result does not fit 64 bits;
//! - `ERR <reason>` for anything else (another operation, a missing or
//!   extra operand, something that is not a 64-bit integer).
//!
//! Several clients are connected at once and may all be waiting: each must
//! get the answer to its own request. A request of more than one frame, or
//! one that is not UTF-8, gets `ERR <reason>` too, and the server goes on
//! serving: a REP that does not answer leaves its client waiting forever.
//!
//! How it is graded: netlings connects REQ sockets (the same ZMTP as
//! libzmq's, so pyzmq can replay every check) and checks each answer.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT").expect("netlings sets NETLINGS_ENDPOINT");
    let mut rep = RepSocket::new();
    // TODO: bind `rep` at `endpoint`; then, for ever: receive a request,
    // work out its answer (`answer` below), send it.
    todo!("bind a REP socket at NETLINGS_ENDPOINT and answer each request")
}

/// The one-frame answer to a request.
fn answer(request: &ZmqMessage) -> String {
    // TODO: one frame of UTF-8 text, `ADD a b` or `MUL a b` with i64
    // operands; `checked_add` / `checked_mul` say when it overflows.
    todo!("compute the answer")
}
