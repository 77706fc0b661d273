//! variant of: zmq_req_rep
//! how: a plain `fn main` that drives the socket with `block_on` on a current-thread runtime, one call at a time, as a pyzmq loop reads
use zeromq::{RepSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::var("NETLINGS_ENDPOINT")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut rep = RepSocket::new();
    runtime.block_on(rep.bind(&endpoint))?;
    loop {
        let request = runtime.block_on(rep.recv())?;
        let reply = match request.into_vec().as_slice() {
            [frame] => match String::from_utf8(frame.to_vec()) {
                Ok(text) => calculate(&text).unwrap_or_else(|e| format!("ERR {e}")),
                Err(_) => "ERR bad UTF-8".to_string(),
            },
            _ => "ERR too many frames".to_string(),
        };
        runtime.block_on(rep.send(ZmqMessage::from(reply)))?;
    }
}

fn calculate(text: &str) -> Result<String, String> {
    let parts: Vec<&str> = text.split(' ').collect();
    if parts.len() != 3 {
        return Err(format!("{} words", parts.len()));
    }
    let a: i64 = parts[1].parse().map_err(|e| format!("{e}"))?;
    let b: i64 = parts[2].parse().map_err(|e| format!("{e}"))?;
    let result = match parts[0] {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        op => return Err(format!("unknown {op}")),
    };
    Ok(result.map_or("ERR overflow".to_string(), |n| n.to_string()))
}
