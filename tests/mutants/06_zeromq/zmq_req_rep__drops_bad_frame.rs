//! mutant of: zmq_req_rep
//! bug: skips a request it cannot read instead of answering it with ERR
//! fails: extra frames or invalid UTF-8
//! says: nothing came
//! says: a REP must send one reply for each request
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut rep = RepSocket::new();
    rep.bind(&endpoint).await?;
    loop {
        let request = rep.recv().await?;
        // One frame of text, or it is not worth an answer.
        let Ok(text) = String::try_from(request) else {
            continue;
        };
        rep.send(ZmqMessage::from(calculate(&text))).await?;
    }
}

fn calculate(text: &str) -> String {
    let parts: Vec<&str> = text.split(' ').collect();
    let [op, a, b] = parts[..] else {
        return "ERR expected `OP a b`".to_string();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR not a number".to_string();
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return "ERR unknown operation".to_string(),
    };
    result.map_or("ERR overflow".to_string(), |n| n.to_string())
}
