//! mutant of: zmq_req_rep
//! bug: unwraps the UTF-8 of a request, so one bad request kills the server
//! fails: extra frames or invalid UTF-8
//! says: panicked
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut rep = RepSocket::new();
    rep.bind(&endpoint).await?;
    loop {
        let request = rep.recv().await?;
        let reply = if request.len() != 1 {
            "ERR one frame, please".to_string()
        } else {
            let text = String::from_utf8(request.get(0).unwrap().to_vec()).unwrap();
            calculate(&text)
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
    result.map_or("ERR overflow".to_string(), |n| n.to_string())
}
