//! mutant of: zmq_req_rep
//! bug: a ROUTER that keeps the identity of the first client and sends every reply there
//! fails: several REQ clients at once
//! says: nothing came
use bytes::Bytes;
use zeromq::{RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut router = RouterSocket::new();
    router.bind(&endpoint).await?;
    let mut client: Option<Bytes> = None;
    loop {
        // [identity, "", request]
        let frames = router.recv().await?.into_vec();
        if frames.len() < 3 {
            continue;
        }
        // There is one client, isn't there?
        let identity = client.get_or_insert_with(|| frames[0].clone()).clone();
        let reply = match std::str::from_utf8(&frames[2]) {
            Ok(text) if frames.len() == 3 => calculate(text),
            _ => "ERR unreadable".to_string(),
        };
        let message =
            ZmqMessage::try_from(vec![identity, Bytes::new(), Bytes::from(reply)]).unwrap();
        router.send(message).await?;
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
