//! A UDP socket as a grader sees it: datagrams in, datagrams out, each
//! recorded with where it came from.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;

use crate::harness::expect::{Race, ended_early, race};
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Who, escape_abridged};

pub struct Socket {
    socket: UdpSocket,
    /// Socket number in the transcript (each socket has its own port).
    pub id: u32,
    transcript: Transcript,
    /// When the last datagram received reached the socket.
    arrived: Mutex<Option<Instant>>,
}

impl Socket {
    pub async fn bind(g: &Grading) -> Result<Socket, Failure> {
        let addr = g.listen_addr();
        let socket = UdpSocket::bind(addr)
            .await
            .map_err(|e| Failure::error(format!("binding a UDP socket on {addr}: {e}")))?;
        Ok(Socket::from_socket(g, socket))
    }

    pub fn from_socket(g: &Grading, socket: UdpSocket) -> Socket {
        let id = g.transcript.new_conn();
        let local = socket.local_addr().map_or("?".into(), |a| a.to_string());
        g.transcript
            .opened(id, Who::Netlings, format!("UDP socket bound to {local}"));
        arrival::enable(&socket);
        Socket {
            socket,
            id,
            transcript: g.transcript.clone(),
            arrived: Mutex::new(None),
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.socket
            .local_addr()
            .expect("a bound socket has an address")
    }

    pub async fn send_to(&self, bytes: &[u8], to: SocketAddr) -> Result<(), Failure> {
        self.transcript
            .datagram(Who::Netlings, self.id, bytes, &format!("to {to}"));
        self.socket
            .send_to(bytes, to)
            .await
            .map(|_| ())
            .map_err(|e| Failure::error(format!("sending a datagram to {to}: {e}")))
    }

    /// The next datagram within `within`, or `None` if none came.
    /// ICMP "port unreachable" errors from earlier sends are skipped.
    pub async fn recv(&self, within: Duration) -> Option<(Vec<u8>, SocketAddr)> {
        let mut buf = vec![0u8; 65536];
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.recv_from(&mut buf)).await {
                Err(_) => return None,
                Ok(Ok((n, from))) => {
                    *self.arrived.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(arrival::of_last(&self.socket));
                    self.transcript.datagram(
                        Who::Program,
                        self.id,
                        &buf[..n],
                        &format!("from {from}"),
                    );
                    return Some((buf[..n].to_vec(), from));
                }
                Ok(Err(_)) => continue,
            }
        }
    }

    /// When the last datagram [`Socket::recv`] returned reached this socket:
    /// the kernel's receive time where the platform tells it, so that a
    /// grader that was slow to read (a loaded machine) still measures the
    /// gaps the program left between its datagrams, not its own delays.
    pub fn last_arrival(&self) -> Option<Instant> {
        *self.arrived.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sends `request` to `to` and waits `wait` for an answer, asking
    /// again - `tries` times in all - while none comes: on loopback a
    /// datagram is rarely lost, but UDP promises nothing. The answer is the
    /// first datagram that comes, from wherever it comes.
    pub async fn ask(
        &self,
        request: &[u8],
        to: SocketAddr,
        tries: usize,
        wait: Duration,
    ) -> Result<(Vec<u8>, SocketAddr), Failure> {
        for _ in 0..tries {
            self.send_to(request, to).await?;
            if let Some(answer) = self.recv(wait).await {
                return Ok(answer);
            }
        }
        Err(Failure::timeout(format!(
            "no reply to {} after asking {tries} times ({:.1} s each), on socket #{} (port {})",
            escape_abridged(request, 40),
            wait.as_secs_f64(),
            self.id,
            self.local_addr().port()
        )))
    }

    /// The next datagram the program under test (a client) sends here, at
    /// most `within`; fails at once if the program exits without sending
    /// `what`.
    pub async fn recv_from_program(
        &self,
        program: &Program,
        within: Duration,
        what: &str,
    ) -> Result<(Vec<u8>, SocketAddr), Failure> {
        let silent = || {
            Failure::timeout(format!(
                "no datagram came within {} s: waiting for {what}",
                within.as_secs()
            ))
        };
        match race(program, within, self.recv(within)).await {
            Race::Done(Some(datagram)) => Ok(datagram),
            Race::Done(None) | Race::TimedOut => Err(silent()),
            Race::Exited(status) => {
                // It may have sent just before exiting: look once more.
                if let Some(datagram) = self.recv(Duration::from_millis(50)).await {
                    return Ok(datagram);
                }
                Err(ended_early(
                    program,
                    status,
                    &format!("without sending {what}"),
                ))
            }
        }
    }
}

/// Receive times of datagrams, from the kernel where it keeps them.
#[cfg(target_os = "linux")]
mod arrival {
    use std::os::fd::AsRawFd;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use tokio::net::UdpSocket;

    /// `SIOCGSTAMPNS` (linux/sockios.h): the receive time, as a timespec of
    /// the realtime clock, of the last datagram read from the socket.
    const SIOCGSTAMPNS: libc::c_ulong = 0x8907;

    fn stamp(socket: &UdpSocket) -> Option<SystemTime> {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: the fd is open for the socket's lifetime, and the ioctl
        // writes one timespec into `ts`, which outlives the call.
        let rc = unsafe { libc::ioctl(socket.as_raw_fd(), SIOCGSTAMPNS as _, &mut ts) };
        (rc == 0 && ts.tv_sec > 0)
            .then(|| UNIX_EPOCH + Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }

    /// The kernel stamps datagrams only once the stamp was asked for: ask
    /// before the first one comes (this first answer is "none yet").
    pub fn enable(socket: &UdpSocket) {
        let _ = stamp(socket);
    }

    pub fn of_last(socket: &UdpSocket) -> Instant {
        let now = Instant::now();
        let age = stamp(socket)
            .and_then(|at| SystemTime::now().duration_since(at).ok())
            .unwrap_or_default();
        now.checked_sub(age).unwrap_or(now)
    }
}

/// Elsewhere: when netlings read it (a slow reader measures late).
#[cfg(not(target_os = "linux"))]
mod arrival {
    use std::time::Instant;

    use tokio::net::UdpSocket;

    pub fn enable(_: &UdpSocket) {}

    pub fn of_last(_: &UdpSocket) -> Instant {
        Instant::now()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::harness::Limits;

    /// A grader that reads late still measures when the datagram came.
    #[tokio::test]
    async fn arrival_is_when_the_datagram_came_not_when_it_was_read() {
        let g = Grading::new(
            "t",
            "/bin/true".as_ref(),
            ".".as_ref(),
            1,
            Limits::default(),
        );
        let socket = Socket::bind(&g).await.unwrap();
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        // The kernel turns stamping on a moment after it is first asked
        // for (deferred work): a datagram sent at once may go unstamped.
        // Whatever the first one got, the next ones are stamped.
        let mut waited = Vec::new();
        for _ in 0..3 {
            let sent = Instant::now();
            sender.send_to(b"late", socket.local_addr()).unwrap();
            // The reader is busy elsewhere (a loaded machine) for a while.
            std::thread::sleep(Duration::from_millis(300));
            let (bytes, _) = socket.recv(Duration::from_secs(5)).await.unwrap();
            assert_eq!(bytes, b"late");
            let arrived = socket.last_arrival().unwrap();
            let before_read = Instant::now().duration_since(arrived);
            if before_read >= Duration::from_millis(250) {
                assert!(arrived.saturating_duration_since(sent) < Duration::from_millis(100));
                return;
            }
            waited.push(before_read);
        }
        panic!("arrivals measured {waited:?} before the reads; each datagram waited 300 ms");
    }
}
