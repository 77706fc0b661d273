//! mutant of: tcp_client
//! bug: hostile client: connects and then hangs without sending anything
//! fails: sends the request line `HELLO <name>`
//! says: waited
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let _stream = TcpStream::connect(std::env::var("NETLINGS_ADDR").unwrap())?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
