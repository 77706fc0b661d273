//! variant of: udp_kv_server
//! how: tokio's UdpSocket and a BTreeMap, the reply built with byte slices
use std::collections::BTreeMap;

use tokio::net::UdpSocket;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap()).await?;
    let mut store: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut buf = vec![0u8; 70_000];
    loop {
        let (n, from) = socket.recv_from(&mut buf).await?;
        let request = &buf[..n];
        if let Some(i) = request.iter().position(|&b| b == b'=') {
            let (key, value) = (&request[..i], &request[i + 1..]);
            if key != b"version" {
                store.insert(key.to_vec(), value.to_vec());
            }
            continue;
        }
        let mut reply = request.to_vec();
        reply.push(b'=');
        if request == b"version" {
            reply.extend_from_slice(b"netlings 1.0");
        } else if let Some(value) = store.get(request) {
            reply.extend_from_slice(value);
        }
        socket.send_to(&reply, from).await?;
    }
}
