//! mutant of: udp_kv_server
//! bug: remembers the first client's address and sends every reply there, instead of to each datagram's sender
//! fails: replies to each sender's own address, from NETLINGS_ADDR
//! says: should go to the address the request came from
use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut store: HashMap<String, String> = HashMap::new();
    let mut client: Option<SocketAddr> = None;
    let mut buf = vec![0u8; 65535];
    loop {
        let (n, from) = socket.recv_from(&mut buf)?;
        let client = *client.get_or_insert(from);
        let request = String::from_utf8_lossy(&buf[..n]).to_string();
        match request.split_once('=') {
            Some((k, v)) if k != "version" => {
                store.insert(k.into(), v.into());
            }
            Some(_) => {}
            None if request == "version" => {
                socket.send_to(b"version=netlings 1.0", client)?;
            }
            None => {
                let v = store.get(&request).cloned().unwrap_or_default();
                socket.send_to(format!("{request}={v}").as_bytes(), client)?;
            }
        }
    }
}
