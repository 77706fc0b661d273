//! mutant of: zmq_req_rep
//! bug: wrapping arithmetic: a result that does not fit wraps around instead of `ERR overflow`
//! fails: a result that does not fit 64 bits
//! says: ERR overflow
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
    let parts: Vec<&str> = text.split(' ').collect();
    let [op, a, b] = parts[..] else {
        return "ERR expected `OP a b`".to_string();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR not a number".to_string();
    };
    match op {
        // No panic in debug builds, no surprise in release builds...
        "ADD" => a.wrapping_add(b).to_string(),
        "MUL" => a.wrapping_mul(b).to_string(),
        _ => "ERR unknown operation".to_string(),
    }
}
