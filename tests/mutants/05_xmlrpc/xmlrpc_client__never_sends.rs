//! mutant of: xmlrpc_client
//! bug: connects to the server and never sends a byte (hostile: a client that hangs)
//! fails: POSTs to NETLINGS_URL
//! says: sent no request
fn main() {
    let url = std::env::var("NETLINGS_URL").unwrap();
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let _stream = std::net::TcpStream::connect(host).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3600));
}
