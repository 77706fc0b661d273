//! mutant of: tcp_echo_server
//! bug: hostile: prints 100 MB to stdout and never listens
//! fails: listens on NETLINGS_ADDR
//! says: netlings stopped it
use std::io::Write;

fn main() {
    let line = [b'x'; 1023];
    let mut out = std::io::stdout().lock();
    for _ in 0..100 * 1024 {
        let _ = out.write_all(&line);
        let _ = out.write_all(b"\n");
    }
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
