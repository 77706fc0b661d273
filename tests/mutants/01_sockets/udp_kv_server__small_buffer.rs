//! mutant of: udp_kv_server
//! bug: receives into a 1024-byte buffer, so longer datagrams are cut short
//! fails: keeps a 2000-byte value whole (one datagram each way)
//! says: 65 535 bytes
use std::collections::HashMap;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut store: HashMap<String, String> = HashMap::new();
    let mut buf = [0u8; 1024];
    loop {
        let (n, from) = socket.recv_from(&mut buf)?;
        let request = String::from_utf8_lossy(&buf[..n]).to_string();
        match request.split_once('=') {
            Some((k, v)) if k != "version" => {
                store.insert(k.into(), v.into());
            }
            Some(_) => {}
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
