//! mutant of: udp_kv_server
//! bug: answers a lookup only when the key is set; an unset key gets no reply instead of `key=`
//! fails: answers a lookup of an unset key
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
            Some((key, value)) if key != "version" => {
                store.insert(key.to_string(), value.to_string());
            }
            Some(_) => {}
            None => {
                if let Some(value) = store.get(&request) {
                    socket.send_to(format!("{request}={value}").as_bytes(), sender)?;
                }
            }
        }
    }
}
