//! # zmq_req_rep — a reference solution
//!
//! Q13. What is the difference between RabbitMQ and ZeroMQ in terms of use
//! cases?
//!
//! A REP socket is a server in strict lock-step: `recv` one request, `send`
//! its one reply, and only then `recv` the next. The socket remembers which
//! REQ client asked (the "envelope" of routing frames ZeroMQ adds and
//! strips), so a reply always goes back to the client whose request it
//! answers, however many clients are connected. The one rule that keeps it
//! alive: every request gets a reply - also a request you cannot read -
//! or the socket (and that client) waits forever.

use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT").expect("netlings sets NETLINGS_ENDPOINT");
    let mut rep = RepSocket::new();
    rep.bind(&endpoint).await?;
    loop {
        // A broken connection ends only that request; REP serves on.
        let request = match rep.recv().await {
            Ok(request) => request,
            Err(_) => continue,
        };
        let reply = answer(&request);
        // Sending fails only when the client went away meanwhile.
        let _ = rep.send(ZmqMessage::from(reply)).await;
    }
}

/// The reply to one request: the result, or `ERR <reason>`.
fn answer(request: &ZmqMessage) -> String {
    if request.len() != 1 {
        return format!("ERR a request is one frame, this one has {}", request.len());
    }
    let Some(frame) = request.get(0) else {
        return "ERR an empty request".to_string();
    };
    let Ok(text) = std::str::from_utf8(frame) else {
        return "ERR the request is not UTF-8".to_string();
    };
    match calculate(text) {
        Ok(n) => n.to_string(),
        Err(reason) => format!("ERR {reason}"),
    }
}

/// `ADD a b` or `MUL a b` with signed 64-bit operands; checked arithmetic
/// says when the result does not fit.
fn calculate(text: &str) -> Result<i64, String> {
    let parts: Vec<&str> = text.split(' ').collect();
    let [op, a, b] = parts[..] else {
        return Err(format!("expected `ADD a b` or `MUL a b`, got {text:?}"));
    };
    let number = |s: &str| {
        s.parse::<i64>()
            .map_err(|_| format!("{s:?} is not a signed 64-bit integer"))
    };
    let (a, b) = (number(a)?, number(b)?);
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        other => return Err(format!("unknown operation {other:?}")),
    };
    result.ok_or_else(|| "overflow".to_string())
}
