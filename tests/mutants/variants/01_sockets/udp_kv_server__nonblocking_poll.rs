//! variant of: udp_kv_server
//! how: a non-blocking std socket drained in a polling loop, a BTreeMap of Strings, the reply built with write!
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::ErrorKind;
use std::net::UdpSocket;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let socket = UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    socket.set_nonblocking(true)?;
    let mut store: BTreeMap<String, String> = BTreeMap::new();
    store.insert("version".into(), "netlings 1.0".into());
    let mut buf = vec![0u8; u16::MAX as usize];
    loop {
        let (n, from) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Err(e) => {
                eprintln!("recv: {e}");
                continue;
            }
        };
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        if let Some(eq) = text.find('=') {
            let (key, value) = (&text[..eq], &text[eq + 1..]);
            if key != "version" {
                store.insert(key.to_owned(), value.to_owned());
            }
            continue;
        }
        let mut reply = String::new();
        let _ = write!(
            reply,
            "{text}={}",
            store.get(&text).map(String::as_str).unwrap_or("")
        );
        loop {
            match socket.send_to(reply.as_bytes(), from) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                other => {
                    if let Err(e) = other {
                        eprintln!("send to {from}: {e}");
                    }
                    break;
                }
            }
        }
    }
}
