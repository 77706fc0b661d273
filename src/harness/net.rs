//! Addresses and readiness: ports chosen by the kernel, readiness by a
//! retried connect that fails as soon as the program has exited.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream, UdpSocket};

use super::expect::{Race, ended_early, race};
use super::process::Program;
use super::{Failure, Grading};

/// A free TCP port on loopback: bound to port 0, then released for the
/// learner's program to take.
pub fn free_tcp_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0")
}

/// A free UDP port on loopback.
pub fn free_udp_addr() -> SocketAddr {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("binding 127.0.0.1:0")
}

/// A listener of netlings' own on a fresh loopback port, for a program
/// under test that is a client (in peer mode, on the address of `--addr`).
pub async fn listen(g: &Grading) -> Result<TcpListener, Failure> {
    let addr = g.listen_addr();
    TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::error(format!("netlings cannot bind {addr}: {e}")))
}

/// Waits for the program under test (a client) to connect to `listener`,
/// at most `within`; fails at once if it exits first. `connect` says what
/// it should do, for the messages: "connect to NETLINGS_ADDR (127.0.0.1:4000)",
/// "reconnect after the first drop".
pub async fn accept(
    program: &Program,
    listener: &TcpListener,
    within: Duration,
    connect: &str,
) -> Result<TcpStream, Failure> {
    match race(program, within, listener.accept()).await {
        Race::Done(Ok((stream, _))) => Ok(stream),
        Race::Done(Err(e)) => Err(Failure::error(format!("accepting a connection: {e}"))),
        Race::Exited(status) => Err(ended_early(
            program,
            status,
            &format!("and did not {connect}"),
        )),
        Race::TimedOut => Err(Failure::timeout(format!(
            "your program did not {connect} within {} s",
            within.as_secs()
        ))),
    }
}

/// Connects to `addr` until the program listens, and returns that first
/// connection (so a one-connection server is not wasted on a probe).
/// Fails at once if the program exits, and names where it listens instead
/// if it listens somewhere else.
pub async fn connect_when_ready(
    g: &Grading,
    program: &Program,
    addr: SocketAddr,
) -> Result<TcpStream, Failure> {
    let started = Instant::now();
    let deadline = started + g.limits.ready;
    let mut backoff = Duration::from_millis(2);
    loop {
        tokio::select! {
            biased;
            status = program.exited() => {
                return Err(exited_before_ready(program, status, &format!("listening on {addr}")));
            }
            result = TcpStream::connect(addr) => {
                if let Ok(stream) = result {
                    return Ok(stream);
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(not_ready(program, addr, "TCP", g.limits.ready));
        }
        tokio::select! {
            biased;
            status = program.exited() => {
                return Err(exited_before_ready(program, status, &format!("listening on {addr}")));
            }
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_millis(50));
    }
}

/// Sends `probe` to a UDP server until a datagram comes back; it must be
/// `expected`, from `addr`. Fails at once if the program exits or answers
/// something else. Returns the socket that got the answer.
///
/// Every probe goes out from a socket of its own: a server that binds
/// before it serves answers the probes that queued meanwhile, each one, and
/// those late answers must not wait in the returned socket to be taken for
/// the answer to the grader's next request.
pub async fn udp_when_ready(
    g: &Grading,
    program: &Program,
    addr: SocketAddr,
    probe: &[u8],
    expected: &[u8],
) -> Result<UdpSocket, Failure> {
    let deadline = Instant::now() + g.limits.ready;
    let mut wait = Duration::from_millis(20);
    let mut buf = vec![0u8; 65536];
    // Probe sockets that got no answer, kept open while probing so that no
    // new probe socket is given the port of one whose answer may still come.
    let mut unanswered = Vec::new();
    loop {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| Failure::error(format!("binding a UDP socket: {e}")))?;
        // "Connection refused" from a closed UDP port shows up as an error on
        // send or receive; either way: not ready yet, try again.
        let _ = socket.send_to(probe, addr).await;
        let answer = tokio::select! {
            biased;
            status = program.exited() => {
                return Err(exited_before_ready(program, status, &format!("answering UDP on {addr}")));
            }
            r = tokio::time::timeout(wait, socket.recv_from(&mut buf)) => r,
        };
        if let Ok(Ok((n, from))) = answer {
            if from != addr {
                return Err(Failure::fail(format!(
                    "the reply came from {from}, not from NETLINGS_ADDR ({addr})"
                ))
                .because("reply with the socket that received the request: clients accept answers only from the address they asked"));
            }
            if &buf[..n] == expected {
                return Ok(socket);
            }
            return Err(Failure::mismatch(
                format!(
                    "your program answered the datagram {}, but not with the expected reply",
                    crate::report::escape_abridged(probe, 40)
                ),
                "the reply",
                expected,
                buf[..n].to_vec(),
            ));
        }
        if Instant::now() >= deadline {
            return Err(not_ready(program, addr, "UDP", g.limits.ready));
        }
        unanswered.push(socket);
        wait = (wait * 2).min(Duration::from_millis(250));
    }
}

fn exited_before_ready(program: &Program, status: std::process::ExitStatus, what: &str) -> Failure {
    ended_early(program, status, &format!("before {what}"))
}

fn not_ready(program: &Program, addr: SocketAddr, proto: &str, waited: Duration) -> Failure {
    let elsewhere = listening_sockets(program.pid, proto == "UDP");
    let mut message = format!(
        "your program did not {} on {addr} (NETLINGS_ADDR) within {} s",
        if proto == "UDP" {
            "answer UDP"
        } else {
            "listen"
        },
        waited.as_secs()
    );
    if elsewhere.is_empty() {
        message.push_str(&format!(
            "\nit has no {proto} socket bound at all: does it read NETLINGS_ADDR and bind it?"
        ));
    } else {
        let list: Vec<String> = elsewhere.iter().map(ToString::to_string).collect();
        message.push_str(&format!(
            "\nit is bound to {} instead: bind the address in NETLINGS_ADDR, not a port of your own",
            list.join(", ")
        ));
    }
    Failure::timeout(message)
}

/// Local addresses of the sockets the program (and its children) have bound:
/// TCP sockets that listen, or UDP sockets. Linux only (read from /proc);
/// empty elsewhere, where a failure says less about where it listened.
#[cfg(not(target_os = "linux"))]
pub fn listening_sockets(_pid: u32, _udp: bool) -> Vec<SocketAddr> {
    Vec::new()
}

#[cfg(target_os = "linux")]
pub fn listening_sockets(pid: u32, udp: bool) -> Vec<SocketAddr> {
    let inodes = socket_inodes_of_group(pid);
    if inodes.is_empty() {
        return Vec::new();
    }
    let tables: &[&str] = if udp {
        &["/proc/net/udp", "/proc/net/udp6"]
    } else {
        &["/proc/net/tcp", "/proc/net/tcp6"]
    };
    let mut found = Vec::new();
    for table in tables {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 10 {
                continue;
            }
            let listening = udp || cols[3] == "0A";
            if listening
                && inodes.contains(&cols[9].to_string())
                && let Some(addr) = parse_proc_addr(cols[1])
            {
                found.push(addr);
            }
        }
    }
    found
}

/// Socket inodes held by every process in the program's process group.
#[cfg(target_os = "linux")]
fn socket_inodes_of_group(pgid: u32) -> Vec<String> {
    let mut inodes = Vec::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return inodes;
    };
    for entry in procs.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // Field 5 (pgrp) comes after the ")" that closes the command name.
        let pgrp = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(2))
            .and_then(|p| p.parse::<u32>().ok());
        if pgrp != Some(pgid) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && let Some(inode) = target
                    .to_str()
                    .and_then(|t| t.strip_prefix("socket:["))
                    .and_then(|t| t.strip_suffix(']'))
            {
                inodes.push(inode.to_string());
            }
        }
    }
    inodes
}

/// "0100007F:1F90" -> 127.0.0.1:8080 (IPv4 and IPv6 forms of /proc/net).
#[cfg(any(target_os = "linux", test))]
fn parse_proc_addr(text: &str) -> Option<SocketAddr> {
    let (ip_hex, port_hex) = text.split_once(':')?;
    let port = u16::from_str_radix(port_hex, 16).ok()?;
    let ip: std::net::IpAddr = match ip_hex.len() {
        8 => {
            let raw = u32::from_str_radix(ip_hex, 16).ok()?;
            std::net::Ipv4Addr::from(raw.swap_bytes()).into()
        }
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                let word = u32::from_str_radix(&ip_hex[i * 8..i * 8 + 8], 16).ok()?;
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            std::net::Ipv6Addr::from(bytes).into()
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_addresses_parse() {
        assert_eq!(
            parse_proc_addr("0100007F:1F90").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            parse_proc_addr("00000000000000000000000001000000:0050").unwrap(),
            "[::1]:80".parse().unwrap()
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn finds_our_own_listener() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        // Our pid is not a group leader under cargo test, so look by pid's group.
        let pgid = unsafe { libc::getpgrp() } as u32;
        assert!(listening_sockets(pgid, false).contains(&addr));
    }
}
