//! A TCP connection as a grader sees it: send bytes, receive exactly what is
//! expected, and say precisely what happened when it does not arrive.
//!
//! Every byte is recorded in the transcript. Waits have their own deadline
//! and, when it passes, report what was waited for and what came instead.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::harness::net::{accept, connect_when_ready};
use crate::harness::{Failure, Grading, Program, Seen, Transcript};
use crate::report::{Who, escape, escape_abridged, size};

/// Starts the program under test, a TCP server, on a fresh `NETLINGS_ADDR`
/// (plus `env`), and returns it with its address and a first connection,
/// made as soon as it listens.
pub async fn start_server(
    g: &Grading,
    env: &[(&str, String)],
) -> Result<(Program, SocketAddr, Conn), Failure> {
    let addr = g.program_addr();
    let mut vars = vec![("NETLINGS_ADDR", addr.to_string())];
    vars.extend(env.iter().cloned());
    let program = g.start(&vars)?;
    let stream = connect_when_ready(g, &program, addr).await?;
    Ok((program, addr, Conn::from_stream(g, stream, Who::Netlings)))
}

/// netlings could not open a connection to the learner's `who` ("program",
/// "server") at `addr`: a refusal, or a reset as it opened, means it is no
/// longer listening.
pub fn connect_failed(addr: SocketAddr, who: &str, e: &std::io::Error) -> Failure {
    let why = match e.kind() {
        std::io::ErrorKind::ConnectionRefused => {
            format!("connection refused: your {who} is no longer listening")
        }
        // The kernel took the connection into the listener's queue, then
        // the listener closed (the program returned or dropped it) before
        // accepting it.
        std::io::ErrorKind::ConnectionReset => format!(
            "the connection was reset as it opened: your {who} is no longer listening \
             (it closed its listener, or exited, before accepting it)"
        ),
        _ => e.to_string(),
    };
    Failure::fail(format!("could not connect to {addr}: {why}"))
}

/// The longest line a line-based peer accepts before calling it garbage.
pub const MAX_LINE: usize = 64 * 1024;

pub struct Conn {
    stream: TcpStream,
    pub id: u32,
    transcript: Transcript,
    /// How long one wait for the program's bytes may take.
    pub io: Duration,
    /// Bytes received but not yet consumed.
    pending: Vec<u8>,
    eof: bool,
}

impl Conn {
    pub async fn connect(g: &Grading, addr: SocketAddr) -> Result<Conn, Failure> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| connect_failed(addr, "program", &e))?;
        Ok(Conn::from_stream(g, stream, Who::Netlings))
    }

    /// Waits for the program under test (a client) to connect to
    /// `listener`, whose address it got in the environment variable `var`.
    pub async fn accept(
        g: &Grading,
        program: &Program,
        listener: &TcpListener,
        var: &str,
    ) -> Result<Conn, Failure> {
        let addr = listener
            .local_addr()
            .map_or("?".to_string(), |a| a.to_string());
        let stream = accept(
            program,
            listener,
            g.limits.ready,
            &format!("connect to {var} ({addr})"),
        )
        .await?;
        Ok(Conn::from_stream(g, stream, Who::Program))
    }

    /// A connection `by` opened (netlings connected, or the program did).
    pub fn from_stream(g: &Grading, stream: TcpStream, by: Who) -> Conn {
        let _ = stream.set_nodelay(true);
        let id = g.transcript.new_conn();
        let peer = stream
            .peer_addr()
            .map_or("?".to_string(), |a| a.to_string());
        let text = match by {
            Who::Program => format!("your program connected from {peer}"),
            _ => format!("netlings connected to {peer}"),
        };
        g.transcript.opened(id, by, text);
        Conn {
            stream,
            id,
            transcript: g.transcript.clone(),
            io: g.limits.io,
            pending: Vec::new(),
            eof: false,
        }
    }

    /// The bare stream, for peers that pace their own reads and writes.
    pub fn into_stream(self) -> TcpStream {
        self.stream
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.stream.local_addr().ok()
    }

    /// Becomes a sender that never finishes: `start`, then `then` again
    /// and again, every `every`, until the [`Trickle`] is dropped - a
    /// slowloris, whose connection is never idle and never complete.
    pub fn trickle(self, start: &[u8], then: &[u8], every: Duration) -> Trickle {
        self.transcript.event(
            Some(self.id),
            format!(
                "netlings sends \"{}\" and then \"{}\" every {} ms, never finishing",
                escape(start),
                escape(then),
                every.as_millis()
            ),
        );
        let (start, then) = (start.to_vec(), then.to_vec());
        let mut stream = self.stream;
        Trickle(tokio::spawn(async move {
            let _ = stream.write_all(&start).await;
            loop {
                tokio::time::sleep(every).await;
                if stream.write_all(&then).await.is_err() {
                    return;
                }
            }
        }))
    }

    /// Sends all of `bytes` (waiting, if the program reads slowly).
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.transcript.sent(self.id, bytes);
        match tokio::time::timeout(self.io * 2, self.stream.write_all(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.io_failure("sending", e)),
            Err(_) => Err(Failure::timeout(format!(
                "could not send {} within {} s: your program stopped reading from connection #{}",
                size(bytes.len()),
                (self.io * 2).as_secs(),
                self.id
            ))),
        }
    }

    /// Sends `bytes` in writes of `piece` bytes, each its own TCP segment,
    /// with a short pause between them: a slow sender whose messages arrive
    /// split across many reads.
    pub async fn send_in_pieces(&mut self, bytes: &[u8], piece: usize) -> Result<(), Failure> {
        for (i, chunk) in bytes.chunks(piece.max(1)).enumerate() {
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            self.send(chunk).await?;
        }
        Ok(())
    }

    /// Sends `bytes` while receiving the same number of bytes back, both at
    /// once: a peer that echoes as it reads never stalls on full buffers.
    /// The read fails if nothing arrives for one `io` period.
    pub async fn send_while_receiving(
        &mut self,
        bytes: &[u8],
        what: &str,
    ) -> Result<Vec<u8>, Failure> {
        let expected = bytes.len();
        let io = self.io;
        let id = self.id;
        let transcript = self.transcript.clone();
        let mut received = std::mem::take(&mut self.pending);
        let (mut rd, mut wr) = self.stream.split();
        let write = async {
            transcript.sent(id, bytes);
            wr.write_all(bytes).await
        };
        let read = async {
            let mut buf = vec![0u8; 64 * 1024];
            while received.len() < expected {
                match tokio::time::timeout(io, rd.read(&mut buf)).await {
                    Err(_) => {
                        return Err(Failure::timeout(format!(
                            "waited {:.0} s for more of {what}: received {} of {} and then nothing",
                            io.as_secs_f64(),
                            size(received.len()),
                            size(expected)
                        )));
                    }
                    Ok(Ok(0)) => {
                        transcript.closed(id, Who::Program, "your program closed the connection");
                        return Err(Failure::fail(format!(
                            "the connection closed after {} of {} of {what}",
                            size(received.len()),
                            size(expected)
                        ))
                        .seen(Seen::Closed {
                            after: received.len(),
                        }));
                    }
                    Ok(Ok(n)) => {
                        transcript.received(id, &buf[..n]);
                        received.extend_from_slice(&buf[..n]);
                    }
                    Ok(Err(e)) => {
                        return Err(Failure::fail(format!(
                            "reading {what} after {} of {}: {e}",
                            size(received.len()),
                            size(expected)
                        ))
                        .seen(if is_reset(&e) {
                            Seen::Reset
                        } else {
                            Seen::Other
                        }));
                    }
                }
            }
            Ok(())
        };
        let (wrote, read) = tokio::join!(write, read);
        read?;
        wrote.map_err(|e| self.io_failure("sending", e))?;
        self.pending = received.split_off(expected);
        Ok(received)
    }

    /// Closes our sending side only (a half-close): the program reads EOF but
    /// can still send.
    pub async fn half_close(&mut self) -> Result<(), Failure> {
        self.transcript.half_closed(
            self.id,
            Who::Netlings,
            "netlings half-closed its side (shutdown(Write))",
        );
        self.stream
            .shutdown()
            .await
            .map_err(|e| self.io_failure("half-closing", e))
    }

    /// Receives exactly `n` bytes.
    pub async fn recv_exact(&mut self, n: usize, what: &str) -> Result<Vec<u8>, Failure> {
        self.fill_until(what, |pending, _| (pending.len() >= n).then_some(n))
            .await
    }

    /// Receives one line, up to and including `\n`.
    pub async fn recv_line(&mut self, what: &str) -> Result<Vec<u8>, Failure> {
        let line = self
            .fill_until(what, |pending, _| {
                pending.iter().position(|&b| b == b'\n').map(|i| i + 1)
            })
            .await;
        if let Err(f) = &line
            && self.pending.len() >= MAX_LINE
        {
            return Err(Failure::fail(format!(
                "{}\nyour program sent {} without a newline: netlings expected a line",
                f.message,
                size(self.pending.len())
            )));
        }
        line
    }

    /// Receives until the program closes its side; at most `max` bytes.
    pub async fn recv_to_eof(&mut self, max: usize, what: &str) -> Result<Vec<u8>, Failure> {
        let got = self
            .fill_until(what, |pending, eof| eof.then_some(pending.len()))
            .await?;
        if got.len() > max {
            return Err(Failure::fail(format!(
                "{what}: your program sent {} where at most {} was expected",
                size(got.len()),
                size(max)
            )));
        }
        Ok(got)
    }

    /// Expects the program to close the connection (EOF or reset) within
    /// `within`, sending nothing more.
    pub async fn expect_close(&mut self, within: Duration, what: &str) -> Result<(), Failure> {
        let started = Instant::now();
        let mut buf = [0u8; 4096];
        loop {
            if !self.pending.is_empty() {
                let extra = std::mem::take(&mut self.pending);
                return Err(Failure::fail(format!(
                    "{what}: expected the connection to close, but your program sent {}",
                    escape_abridged(&extra, 80)
                )));
            }
            if self.eof {
                self.transcript
                    .closed(self.id, Who::Program, "your program closed the connection");
                return Ok(());
            }
            let left = within.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, self.stream.read(&mut buf)).await {
                Err(_) => {
                    return Err(Failure::timeout(format!(
                        "{what}: the connection was still open {:.1} s later",
                        within.as_secs_f64()
                    )));
                }
                Ok(Ok(0)) => self.eof = true,
                Ok(Ok(n)) => {
                    self.transcript.received(self.id, &buf[..n]);
                    self.pending.extend_from_slice(&buf[..n]);
                }
                Ok(Err(e)) if is_reset(&e) => {
                    self.transcript.reset(
                        self.id,
                        Who::Program,
                        "your program reset the connection",
                    );
                    return Ok(());
                }
                Ok(Err(e)) => return Err(self.io_failure("reading", e)),
            }
        }
    }

    /// Reads until `done(pending, eof)` says how many bytes make the answer.
    async fn fill_until(
        &mut self,
        what: &str,
        done: impl Fn(&[u8], bool) -> Option<usize>,
    ) -> Result<Vec<u8>, Failure> {
        let started = Instant::now();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            if let Some(n) = done(&self.pending, self.eof) {
                return Ok(self.pending.drain(..n).collect());
            }
            if self.eof {
                let got = std::mem::take(&mut self.pending);
                return Err(Failure::fail(format!(
                    "waiting for {what}, your program closed the connection{}",
                    received_so_far(&got)
                ))
                .seen(Seen::Closed { after: got.len() }));
            }
            if self.pending.len() >= MAX_LINE.max(64 * 1024 * 1024) {
                return Err(Failure::fail(format!(
                    "waiting for {what}, received {} that did not make it",
                    size(self.pending.len())
                )));
            }
            let left = self.io.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, self.stream.read(&mut buf)).await {
                Err(_) => {
                    return Err(Failure::timeout(format!(
                        "waited {:.0} s for {what}{}",
                        self.io.as_secs_f64(),
                        received_so_far(&self.pending)
                    )));
                }
                Ok(Ok(0)) => {
                    self.eof = true;
                    self.transcript.closed(
                        self.id,
                        Who::Program,
                        "your program closed the connection",
                    );
                }
                Ok(Ok(n)) => {
                    self.transcript.received(self.id, &buf[..n]);
                    self.pending.extend_from_slice(&buf[..n]);
                }
                Ok(Err(e)) => {
                    let got = std::mem::take(&mut self.pending);
                    return Err(self
                        .io_failure(&format!("waiting for {what}"), e)
                        .and(received_so_far(&got).trim_start_matches(';').trim()));
                }
            }
        }
    }

    fn io_failure(&self, doing: &str, e: std::io::Error) -> Failure {
        if is_reset(&e) {
            self.transcript
                .reset(self.id, Who::Program, "your program reset the connection");
            Failure::fail(format!(
                "{doing}: your program reset connection #{} (it closed the socket with data unread, or crashed)",
                self.id
            ))
            .seen(Seen::Reset)
        } else {
            Failure::fail(format!("{doing} on connection #{}: {e}", self.id))
        }
    }
}

fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::ConnectionAborted
    )
}

fn received_so_far(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "; nothing was received".to_string()
    } else {
        format!("; received only {}", escape_abridged(bytes, 80))
    }
}

/// Connects to `addr` with a receive buffer of `bytes` (the kernel may
/// round it up): a client that, once it stops reading, soon makes the
/// sender's writes block.
pub async fn connect_with_recv_buffer(addr: SocketAddr, bytes: u32) -> Result<TcpStream, Failure> {
    let socket = tokio::net::TcpSocket::new_v4()
        .and_then(|s| {
            s.set_recv_buffer_size(bytes)?;
            Ok(s)
        })
        .map_err(|e| Failure::error(format!("netlings cannot set up a socket: {e}")))?;
    socket
        .connect(addr)
        .await
        .map_err(|e| Failure::fail(format!("could not connect to {addr}: {e}")))
}

/// A connection that trickles bytes (see [`Conn::trickle`]); dropping it
/// stops the trickle and closes the connection.
#[must_use = "dropping a Trickle stops it"]
pub struct Trickle(JoinHandle<()>);

impl Drop for Trickle {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A reference server that reads slowly, through a small receive buffer:
/// what a sender meets on a congested path. One `write` then takes only
/// what fits in the buffers and returns, and a sender that ignores its
/// count loses the rest.
///
/// It reads megabytes, so it does not record them byte by byte in the
/// transcript (they would drown it): it records what it did.
pub struct SlowReader {
    listener: TcpListener,
    recv_buffer: u32,
}

impl SlowReader {
    /// Listens on a fresh loopback port with a receive buffer of
    /// `recv_buffer` bytes.
    pub fn listen(recv_buffer: u32) -> Result<SlowReader, Failure> {
        let socket = tokio::net::TcpSocket::new_v4()
            .and_then(|s| {
                s.set_recv_buffer_size(recv_buffer)?;
                s.bind("127.0.0.1:0".parse().expect("an address"))?;
                Ok(s)
            })
            .map_err(|e| Failure::error(format!("netlings cannot set up its server: {e}")))?;
        let listener = socket
            .listen(8)
            .map_err(|e| Failure::error(format!("netlings cannot listen: {e}")))?;
        Ok(SlowReader {
            listener,
            recv_buffer,
        })
    }

    pub fn addr(&self) -> String {
        self.listener
            .local_addr()
            .map_or(String::new(), |a| a.to_string())
    }

    /// Waits for the program (a client that got [`addr`](Self::addr) in
    /// `var`) to connect.
    pub async fn accept(
        self,
        g: &Grading,
        program: &Program,
        var: &str,
    ) -> Result<SlowConn, Failure> {
        let conn = Conn::accept(g, program, &self.listener, var).await?;
        Ok(SlowConn {
            id: conn.id,
            transcript: conn.transcript.clone(),
            io: conn.io,
            recv_buffer: self.recv_buffer,
            stream: conn.into_stream(),
        })
    }
}

/// A connection accepted by a [`SlowReader`].
pub struct SlowConn {
    stream: TcpStream,
    id: u32,
    transcript: Transcript,
    io: Duration,
    recv_buffer: u32,
}

impl SlowConn {
    /// Reads everything the program sends, to its end (EOF), slowly: the
    /// first read after `first_after`, then 64 KiB at a time with `pause`
    /// between reads. Each piece goes to `check` with its offset in the
    /// stream, to be judged as it comes. `expected` is how much the
    /// program should send (for messages). Returns how much came.
    pub async fn read_slowly(
        &mut self,
        expected: usize,
        first_after: Duration,
        pause: Duration,
        mut check: impl FnMut(usize, &[u8]) -> Result<(), Failure>,
    ) -> Result<usize, Failure> {
        tokio::time::sleep(first_after).await;
        self.transcript.event(
            None,
            format!(
                "netlings reads slowly: 64 KiB at a time, through a {} receive buffer",
                size(self.recv_buffer as usize)
            ),
        );
        let mut buf = vec![0u8; 64 * 1024];
        let mut received = 0usize;
        let mut wrong = false;
        let ended = loop {
            let n = match tokio::time::timeout(self.io, self.stream.read(&mut buf)).await {
                Err(_) => {
                    break Err(Failure::timeout(format!(
                        "received {} of {}, then nothing for {} s",
                        size(received),
                        size(expected),
                        self.io.as_secs()
                    )));
                }
                Ok(Err(e)) => {
                    break Err(Failure::fail(format!(
                        "after {} of {}, reading failed: {e}",
                        size(received),
                        size(expected)
                    )));
                }
                Ok(Ok(0)) => break Ok(()),
                Ok(Ok(n)) => n,
            };
            let judged = check(received, &buf[..n]);
            received += n;
            if let Err(f) = judged {
                wrong = true;
                break Err(f);
            }
            tokio::time::sleep(pause).await;
        };
        // What came, in one line: its bytes would drown the transcript.
        if received > 0 {
            self.transcript.said_sized(
                Who::Program,
                Some(self.id),
                format!("{} (read slowly; the bytes are not kept)", size(received)),
                received,
            );
            if wrong {
                self.transcript.mark_wrong();
            }
        }
        ended?;
        self.transcript
            .closed(self.id, Who::Program, "your program closed its side (EOF)");
        Ok(received)
    }

    /// Sends `bytes` (recorded) and closes netlings' side.
    pub async fn reply(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.transcript.sent(self.id, bytes);
        self.stream
            .write_all(bytes)
            .await
            .map_err(|e| Failure::fail(format!("netlings could not send its reply: {e}")))?;
        let _ = self.stream.shutdown().await;
        Ok(())
    }
}
