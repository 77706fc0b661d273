//! mutant of: udp_kv_server
//! bug: sends replies from a second socket, so they come from another port than the one the client asked
//! fails: answers UDP on NETLINGS_ADDR (a lookup of `version`)
//! says: not from NETLINGS_ADDR
use std::collections::HashMap;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let replies = UdpSocket::bind("127.0.0.1:0")?;
    let mut store: HashMap<String, String> = HashMap::new();
    let mut buf = vec![0u8; 65535];
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
                replies.send_to(format!("{request}={v}").as_bytes(), from)?;
            }
        }
    }
}
