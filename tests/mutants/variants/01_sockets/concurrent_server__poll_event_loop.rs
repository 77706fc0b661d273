//! variant of: concurrent_server
//! how: no threads, no tokio: one libc::poll event loop over non-blocking sockets, each connection's last activity tracked and the poll timeout set by the nearest idle deadline
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

struct Conn {
    stream: TcpStream,
    input: Vec<u8>,
    output: Vec<u8>,
    last_heard: Instant,
    done: bool,
}

fn main() -> std::io::Result<()> {
    let idle = Duration::from_millis(
        std::env::var("NETLINGS_IDLE_TIMEOUT_MS")
            .unwrap()
            .parse()
            .unwrap(),
    );
    let listener = TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap())?;
    listener.set_nonblocking(true)?;
    let mut conns: Vec<Conn> = Vec::new();
    loop {
        // Close whoever has been silent too long; sleep until the next one would be.
        let now = Instant::now();
        conns.retain(|c| now.duration_since(c.last_heard) < idle);
        let wait = conns
            .iter()
            .map(|c| (c.last_heard + idle).saturating_duration_since(now))
            .min()
            .map_or(-1, |d| d.as_millis() as i32 + 1);

        let mut fds = vec![libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        fds.extend(conns.iter().map(|c| libc::pollfd {
            fd: c.stream.as_raw_fd(),
            events: libc::POLLIN
                | if c.output.is_empty() {
                    0
                } else {
                    libc::POLLOUT
                },
            revents: 0,
        }));
        // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
        if unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait) } < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for (c, fd) in conns.iter_mut().zip(&fds[1..]) {
            if fd.revents != 0 && service(c).is_err() {
                c.done = true;
            }
        }
        conns.retain(|c| !c.done);
        if fds[0].revents != 0 {
            while let Ok((stream, _)) = listener.accept() {
                stream.set_nonblocking(true)?;
                conns.push(Conn {
                    stream,
                    input: Vec::new(),
                    output: Vec::new(),
                    last_heard: Instant::now(),
                    done: false,
                });
            }
        }
    }
}

fn service(c: &mut Conn) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    loop {
        match c.stream.read(&mut buf) {
            Ok(0) => {
                c.done = true;
                break;
            }
            Ok(n) => {
                c.last_heard = Instant::now();
                c.input.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    while let Some(i) = c.input.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = c.input.drain(..=i).collect();
        let reply = answer(&String::from_utf8_lossy(&line));
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
    Ok(())
}

fn answer(request: &str) -> String {
    let words: Vec<&str> = request.split_whitespace().collect();
    let [op, a, b] = words[..] else {
        return "ERR expected `ADD a b` or `MUL a b`".into();
    };
    let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) else {
        return "ERR bad number".into();
    };
    let result = match op {
        "ADD" => a.checked_add(b),
        "MUL" => a.checked_mul(b),
        _ => return "ERR unknown command".into(),
    };
    result.map_or("ERR overflow".into(), |n| n.to_string())
}
