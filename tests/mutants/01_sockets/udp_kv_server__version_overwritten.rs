//! mutant of: udp_kv_server
//! bug: keeps `version` in the store like any other key, so an insert of `version=…` changes it
//! fails: does not let `version` be changed
//! says: version=netlings 1.0
use std::collections::HashMap;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut store: HashMap<String, String> = HashMap::new();
    store.insert("version".into(), "netlings 1.0".into());
    let mut buf = vec![0u8; 65_535];
    loop {
        let (n, sender) = socket.recv_from(&mut buf)?;
        let request = String::from_utf8_lossy(&buf[..n]).to_string();
        match request.split_once('=') {
            Some((key, value)) => {
                store.insert(key.to_string(), value.to_string());
            }
            None => {
                let value = store.get(&request).map_or("", String::as_str);
                socket.send_to(format!("{request}={value}").as_bytes(), sender)?;
            }
        }
    }
}
