//! mutant of: tcp_echo_server
//! bug: hostile: starts a copy of itself that listens and never answers, then hangs
//! fails: echoes a line
//! says: waited
use std::process::Command;

fn main() -> std::io::Result<()> {
    if std::env::var_os("HOSTILE_CHILD").is_some() {
        // A server's address it takes, and never answers; elsewhere (a
        // client's exercise) it just hangs.
        let listener = std::env::var("NETLINGS_ADDR")
            .ok()
            .and_then(|addr| std::net::TcpListener::bind(addr).ok());
        let mut held = Vec::new();
        for stream in listener.iter().flat_map(|l| l.incoming()) {
            held.push(stream?);
        }
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
    let _child = Command::new(std::env::current_exe()?)
        .env("HOSTILE_CHILD", "1")
        .spawn()?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
