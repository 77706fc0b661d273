//! variant of: udp_kv_server
//! how: a receiving thread hands datagrams over an mpsc channel to a worker thread that owns the store and replies through a try_clone'd socket
use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::mpsc;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let replies = socket.try_clone()?;
    let (tx, rx) = mpsc::channel::<(Vec<u8>, SocketAddr)>();

    let worker = std::thread::spawn(move || {
        let mut store: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        for (datagram, from) in rx {
            match datagram.iter().position(|&b| b == b'=') {
                Some(eq) => {
                    let key = &datagram[..eq];
                    if key != b"version" {
                        store.insert(key.to_vec(), datagram[eq + 1..].to_vec());
                    }
                }
                None => {
                    let value: &[u8] = if datagram == b"version" {
                        b"netlings 1.0"
                    } else {
                        store.get(&datagram).map_or(&[][..], Vec::as_slice)
                    };
                    let reply = [&datagram[..], b"=", value].concat();
                    if let Err(e) = replies.send_to(&reply, from) {
                        eprintln!("reply to {from}: {e}");
                    }
                }
            }
        }
    });

    let mut buf = [0u8; 65_536];
    loop {
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) => {
                eprintln!("recv: {e}");
                continue;
            }
        };
        if tx.send((buf[..n].to_vec(), from)).is_err() {
            break;
        }
    }
    let _ = worker.join();
    Ok(())
}
