//! mutant of: xmlrpc_server
//! bug: reads every request and never answers (hostile: a server that hangs)
//! fails: math.add
//! says: sent nothing for
use std::io::Read;

fn main() {
    let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).unwrap();
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
            }
        });
    }
}
