//! variant of: line_protocol
//! how: a single-threaded event loop: non-blocking std sockets multiplexed with libc::poll, per-connection input and output buffers
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

struct Conn {
    stream: TcpStream,
    input: Vec<u8>,
    output: Vec<u8>,
    eof: bool,
}

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    listener.set_nonblocking(true)?;
    let mut conns: Vec<Conn> = Vec::new();
    loop {
        let mut fds = vec![libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        for c in &conns {
            let mut events = 0;
            if !c.eof {
                events |= libc::POLLIN;
            }
            if !c.output.is_empty() {
                events |= libc::POLLOUT;
            }
            fds.push(libc::pollfd {
                fd: c.stream.as_raw_fd(),
                events,
                revents: 0,
            });
        }
        // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        let mut keep = Vec::with_capacity(conns.len());
        for (c, fd) in conns.iter_mut().zip(&fds[1..]) {
            keep.push(fd.revents == 0 || service(c).is_ok_and(|open| open));
        }
        let mut keep = keep.into_iter();
        conns.retain(|_| keep.next().unwrap_or(true));
        if fds[0].revents != 0 {
            loop {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(true)?;
                        conns.push(Conn {
                            stream,
                            input: Vec::new(),
                            output: Vec::new(),
                            eof: false,
                        });
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => {
                        eprintln!("accept: {e}");
                        break;
                    }
                }
            }
        }
    }
}

/// Reads what is there, answers complete lines, writes what it can.
/// `Ok(false)` when the connection is finished.
fn service(c: &mut Conn) -> std::io::Result<bool> {
    let mut buf = [0u8; 4096];
    while !c.eof {
        match c.stream.read(&mut buf) {
            Ok(0) => c.eof = true,
            Ok(n) => c.input.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    while let Some(i) = c.input.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = c.input.drain(..=i).collect();
        let reply = answer(String::from_utf8_lossy(&line).trim_end());
        c.output.extend_from_slice(reply.as_bytes());
        c.output.push(b'\n');
    }
    while !c.output.is_empty() {
        match c.stream.write(&c.output) {
            Ok(n) => {
                c.output.drain(..n);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(!(c.eof && c.output.is_empty()))
}

fn answer(request: &str) -> String {
    let parts: Vec<&str> = request.split_whitespace().collect();
    let (op, a, b) = match parts.as_slice() {
        [op, a, b] => (*op, *a, *b),
        _ => return "ERR malformed request".into(),
    };
    match (op, a.parse::<i64>(), b.parse::<i64>()) {
        ("ADD", Ok(a), Ok(b)) => a
            .checked_add(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        ("MUL", Ok(a), Ok(b)) => a
            .checked_mul(b)
            .map_or("ERR overflow".into(), |n| n.to_string()),
        ("ADD" | "MUL", _, _) => "ERR bad number".into(),
        _ => "ERR unknown command".into(),
    }
}
