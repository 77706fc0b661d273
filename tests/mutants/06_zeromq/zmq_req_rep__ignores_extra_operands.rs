//! mutant of: zmq_req_rep
//! bug: takes the first three words and ignores the rest, so `ADD 1 2 3` is answered `3`
//! fails: anything else
//! says: ERR <reason>
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut rep = RepSocket::new();
    rep.bind(&endpoint).await?;
    loop {
        let request = rep.recv().await?;
        let reply = match String::try_from(request) {
            Ok(text) => calculate(&text),
            Err(e) => format!("ERR {e}"),
        };
        rep.send(ZmqMessage::from(reply)).await?;
    }
}

fn calculate(text: &str) -> String {
    let mut words = text.split_whitespace();
    let (Some(op), Some(a), Some(b)) = (words.next(), words.next(), words.next()) else {
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
