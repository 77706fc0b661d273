//! variant of: zmq_req_rep
//! how: a ROUTER socket that handles the envelopes itself: it reads [identity, "", request…] and sends [identity, "", reply]
use bytes::Bytes;
use zeromq::{RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let mut router = RouterSocket::new();
    router.bind(&endpoint).await?;
    loop {
        let mut frames = router.recv().await?.into_vec();
        // The envelope: the routing identity ROUTER added, then the empty
        // delimiter REQ put in front of its frames.
        let Some(delimiter) = frames.iter().position(|f| f.is_empty()) else {
            continue;
        };
        let body = frames.split_off(delimiter + 1);
        let reply = match body.as_slice() {
            [one] => match std::str::from_utf8(one) {
                Ok(text) => calculate(text),
                Err(_) => "ERR not UTF-8".to_string(),
            },
            more => format!("ERR {} frames, one expected", more.len()),
        };
        frames.push(Bytes::from(reply));
        router
            .send(ZmqMessage::try_from(frames).expect("an envelope"))
            .await?;
    }
}

fn calculate(text: &str) -> String {
    let mut words = text.split(' ');
    let (Some(op), Some(a), Some(b), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return "ERR expected `ADD a b` or `MUL a b`".to_string();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR operands are 64-bit integers".to_string();
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return format!("ERR no operation {op}"),
    };
    result.map_or_else(|| "ERR overflow".to_string(), |n| n.to_string())
}
