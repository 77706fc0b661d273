//! variant of: client_timeouts
//! how: the read itself has no timeout; a watchdog thread prints `timeout` and ends the process when the deadline passes first
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set by whichever comes first: the reply or the watchdog.
static DECIDED: AtomicBool = AtomicBool::new(false);

fn main() {
    let addr = std::env::var("NETLINGS_ADDR").unwrap();
    let timeout = Duration::from_millis(
        std::env::var("NETLINGS_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );

    std::thread::spawn(move || {
        std::thread::sleep(timeout);
        if !DECIDED.swap(true, Ordering::SeqCst) {
            println!("timeout");
            std::process::exit(1);
        }
    });

    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(b"PING\n").expect("send");
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).expect("read");
    if !DECIDED.swap(true, Ordering::SeqCst) {
        print!("{reply}");
    } else {
        // The watchdog is exiting the process; wait for it.
        loop {
            std::thread::park();
        }
    }
}
