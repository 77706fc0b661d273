//! mutant of: udp_kv_server
//! bug: answers every insert with "OK" (a habit from request/response protocols)
//! fails: stores `key=value` without replying, then answers its lookup
//! says: an insert gets no reply
use std::collections::HashMap;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut store: HashMap<String, String> = HashMap::new();
    let mut buf = vec![0u8; 65535];
    loop {
        let (n, from) = socket.recv_from(&mut buf)?;
        let request = String::from_utf8_lossy(&buf[..n]).to_string();
        match request.split_once('=') {
            Some((k, v)) => {
                if k != "version" {
                    store.insert(k.into(), v.into());
                }
                socket.send_to(b"OK", from)?;
            }
            None => {
                let v = if request == "version" {
                    "netlings 1.0".to_string()
                } else {
                    store.get(&request).cloned().unwrap_or_default()
                };
                socket.send_to(format!("{request}={v}").as_bytes(), from)?;
            }
        }
    }
}
