//! A UDP socket as a grader sees it: datagrams in, datagrams out, each
//! recorded with where it came from.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;

use crate::harness::expect::{Race, ended_early, race};
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Who, escape_abridged};

pub struct Socket {
    socket: UdpSocket,
    /// Socket number in the transcript (each socket has its own port).
    pub id: u32,
    transcript: Transcript,
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
        Socket {
            socket,
            id,
            transcript: g.transcript.clone(),
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
