//! variant of: tcp_echo_server
//! how: one thread, no tokio: std sockets in non-blocking mode, every connection polled in a loop with its own pending-output buffer
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

struct Client {
    stream: TcpStream,
    pending: Vec<u8>,
    eof: bool,
}

/// Stop reading from a client while this much of its echo is unsent.
const HIGH_WATER: usize = 256 * 1024;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    listener.set_nonblocking(true)?;
    let mut clients: Vec<Client> = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let mut progress = false;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(true)?;
                    clients.push(Client {
                        stream,
                        pending: Vec::new(),
                        eof: false,
                    });
                    progress = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => {
                    eprintln!("accept: {e}");
                    break;
                }
            }
        }
        clients.retain_mut(|c| match step(c, &mut buf) {
            Ok(Some(moved)) => {
                progress |= moved;
                true
            }
            Ok(None) => false,
            Err(_) => false,
        });
        if !progress {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Moves what it can without blocking; `None` when the connection is done.
fn step(c: &mut Client, buf: &mut [u8]) -> std::io::Result<Option<bool>> {
    let mut moved = false;
    while !c.pending.is_empty() {
        match c.stream.write(&c.pending) {
            Ok(0) => return Ok(None),
            Ok(n) => {
                c.pending.drain(..n);
                moved = true;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    while !c.eof && c.pending.len() < HIGH_WATER {
        match c.stream.read(buf) {
            Ok(0) => c.eof = true,
            Ok(n) => {
                c.pending.extend_from_slice(&buf[..n]);
                moved = true;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    if c.eof && c.pending.is_empty() {
        // Everything echoed after the half-close: dropping closes it.
        return Ok(None);
    }
    Ok(Some(moved))
}
