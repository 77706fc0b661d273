//! mutant of: zmq_req_rep
//! bug: parses the operands as i32
//! fails: ADD and MUL of signed 64-bit integers
//! says: i64
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
    let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) else {
        return "ERR not a number".to_string();
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return "ERR unknown operation".to_string(),
    };
    result.map_or("ERR overflow".to_string(), |n| n.to_string())
}
