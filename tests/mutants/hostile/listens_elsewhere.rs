//! mutant of: tcp_echo_server
//! bug: hostile: ignores NETLINGS_ADDR and listens on a port of its own
//! fails: listens on NETLINGS_ADDR
//! says: bind the address in NETLINGS_ADDR
fn main() -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    for stream in listener.incoming() {
        drop(stream?);
    }
    Ok(())
}
