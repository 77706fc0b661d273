//! mutant of: tcp_echo_server
//! bug: hostile: starts a copy of itself that listens and never answers, then hangs
//! fails: echoes a line
//! says: waited
use std::process::Command;

fn main() -> std::io::Result<()> {
    if std::env::var_os("HOSTILE_CHILD").is_some() {
        let listener = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream?);
        }
        return Ok(());
    }
    let _child = Command::new(std::env::current_exe()?)
        .env("HOSTILE_CHILD", "1")
        .spawn()?;
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
