//! variant of: udp_kv_server
//! how: binds first and only then does its start-up work (a pause standing for loading a snapshot), so early datagrams wait in the socket's buffer and are all answered afterwards; the store is a Vec of pairs
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    // Bound first: requests that come during start-up are kept by the
    // kernel, not refused, and every one of them gets its answer below.
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut store: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    std::thread::sleep(Duration::from_millis(300)); // start-up work

    let mut buf = vec![0u8; 65_507];
    loop {
        let (n, peer) = socket.recv_from(&mut buf)?;
        let message = &buf[..n];
        match message.iter().position(|&b| b == b'=') {
            Some(at) if &message[..at] == b"version" => {}
            Some(at) => {
                let (key, value) = (message[..at].to_vec(), message[at + 1..].to_vec());
                match store.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = value,
                    None => store.push((key, value)),
                }
            }
            None => {
                let value: &[u8] = if message == b"version" {
                    b"netlings 1.0"
                } else {
                    store
                        .iter()
                        .find(|(k, _)| k == message)
                        .map_or(&[][..], |(_, v)| v)
                };
                let mut reply = message.to_vec();
                reply.push(b'=');
                reply.extend_from_slice(value);
                socket.send_to(&reply, peer)?;
            }
        }
    }
}
