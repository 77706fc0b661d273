//! mutant of: zmq_req_rep
//! bug: connects its REP to NETLINGS_ENDPOINT, as a client would, instead of binding it there
//! fails: binds a REP socket at NETLINGS_ENDPOINT
//! says: bind one there
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut rep = RepSocket::new();
    // The endpoint is where the calculator is, so go there.
    rep.connect(&endpoint).await?;
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
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return "ERR unknown operation".to_string(),
    };
    result.map_or("ERR overflow".to_string(), |r| r.to_string())
}
