//! mutant of: zmq_req_rep
//! bug: builds the reply on the request it received: pushes the result as a second frame after the request's
//! fails: ADD and MUL of signed 64-bit integers
//! says: came as 2 frames
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut rep = RepSocket::new();
    rep.bind(&endpoint).await?;
    loop {
        let request = rep.recv().await?;
        let answer = match request.get(0).map(|f| std::str::from_utf8(f)) {
            Some(Ok(text)) if request.len() == 1 => calculate(text),
            _ => "ERR one frame of UTF-8, please".to_string(),
        };
        // The request comes back with its answer attached.
        let mut reply = request;
        reply.push_back(answer.into());
        rep.send(reply).await?;
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
