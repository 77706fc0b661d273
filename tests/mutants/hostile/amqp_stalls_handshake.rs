//! mutant of: amqp_publish
//! bug: hostile: connects to NETLINGS_AMQP_URL, sends the AMQP protocol header, reads the broker's Connection.Start and never answers it, holding the connection open
//! fails: connects to NETLINGS_AMQP_URL
//! says: did not complete the AMQP handshake
use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    // amqp://USER:PASSWORD@HOST:PORT/VHOST
    let url = std::env::var("NETLINGS_AMQP_URL").unwrap();
    let rest = url.split_once('@').map_or(url.as_str(), |(_, r)| r);
    let addr = rest.split('/').next().unwrap();
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.write_all(b"AMQP\x00\x00\x09\x01")?;
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf)?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
