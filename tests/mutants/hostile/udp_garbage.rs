//! mutant of: udp_kv_server
//! bug: hostile: answers every datagram with a burst of garbage datagrams
//! fails: answers UDP on NETLINGS_ADDR (a lookup of `version`)
//! says: version=netlings 1.0
fn main() -> std::io::Result<()> {
    let socket = std::net::UdpSocket::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    let mut buf = [0u8; 65535];
    loop {
        let (_, from) = socket.recv_from(&mut buf)?;
        for i in 0..20u8 {
            let _ = socket.send_to(&[0xff, i, 0x00, 0x7f], from);
        }
    }
}
