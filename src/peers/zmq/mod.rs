//! ZeroMQ as a grader sees it: netlings' own sockets (REQ, SUB, PUSH,
//! PULL of the `zeromq` crate, which speaks ZMTP 3.x like libzmq), each
//! numbered, every message it sends or receives recorded with its frames
//! and the time since the grade's first socket, and every wait bounded.
//!
//! What a learner should know, and what these sockets rely on:
//! - a message is a list of frames, delivered whole or not at all;
//! - `connect` may come before the other side's `bind`: the socket retries
//!   until it listens (the crate backs off from 50 ms), so readiness is a
//!   connect raced against the program's exit;
//! - the two ends of a connection exchange their socket types in the ZMTP
//!   handshake and refuse a pair that cannot talk (a PUSH to a PUSH): the
//!   connect fails, or the bound side reports the refusal to its monitor;
//! - the crate has no receive timeout, so every `recv` here is wrapped in
//!   `tokio::time::timeout`.
//!
//! [`replay`] writes the few lines of Python (pyzmq) that do what a check
//! did, for the learner to run by hand.

pub mod replay;

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use zeromq::{
    PullSocket, PushSocket, ReqSocket, Socket, SocketEvent, SocketRecv, SocketSend, SubSocket,
    ZmqMessage,
};

use crate::harness::expect::{Race, ended_early, race};
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Who, escape_abridged};

/// Bytes of a frame kept in a transcript line.
const KEEP_PER_FRAME: usize = 80;

/// The sockets of one grade: where they record, how long they wait, and
/// the instant their times are counted from.
#[derive(Clone)]
pub struct Zmq {
    transcript: Transcript,
    io: Duration,
    ready: Duration,
    origin: Instant,
    /// Where its sockets bind (peer mode: `--addr` and after).
    addrs: crate::harness::peer::Addrs,
}

/// One of netlings' sockets, numbered in the transcript. Dropping it
/// closes its connections (see `Drop`).
pub struct Peer<S: Socket> {
    socket: S,
    pub id: u32,
    /// The socket type: "REQ", "SUB", "PUSH", "PULL".
    pub kind: &'static str,
    /// What it is to the learner: "REQ client #2", "the ventilator".
    pub name: String,
    zmq: Zmq,
    /// Connections accepted or refused, for a socket that binds (in a
    /// mutex only so that a peer can be shared: it is polled through
    /// `&mut self`, never locked).
    monitor: Option<std::sync::Mutex<BoxStream<'static, SocketEvent>>>,
}

/// A connection to a socket netlings bound.
pub enum Joined {
    /// A peer of a type that can talk to this socket.
    Accepted,
    /// The ZMTP handshake failed: most often a socket type that cannot talk
    /// to this one (the crate's words in `reason`).
    Refused { reason: String },
}

impl Zmq {
    pub fn new(g: &Grading) -> Zmq {
        Zmq {
            transcript: g.transcript.clone(),
            io: g.limits.io,
            ready: g.limits.ready,
            origin: Instant::now(),
            addrs: g.listen_addrs(),
        }
    }

    /// How long one receive waits.
    pub fn io(&self) -> Duration {
        self.io
    }

    fn at(&self) -> String {
        format!("@ {} ms", self.origin.elapsed().as_millis())
    }

    /// Connects a new socket of netlings to `endpoint`, where the program
    /// should have bound a socket of type `want` (its address came in the
    /// environment variable `var`). Retries until the program listens;
    /// fails at once when it exits, when its socket cannot talk to this
    /// one, and after the readiness deadline.
    pub async fn connect<S: Socket>(
        &self,
        program: &Program,
        (mut socket, kind): (S, &'static str),
        name: impl Into<String>,
        (endpoint, var, want): (&str, &str, &str),
    ) -> Result<Peer<S>, Failure> {
        let name = name.into();
        let id = self.transcript.new_conn();
        match race(program, self.ready, socket.connect(endpoint)).await {
            Race::Done(Ok(())) => {
                self.transcript.event(
                    Some(id),
                    format!("{name}, netlings' {kind} #{id}, connected to {endpoint} {}", self.at()),
                );
                Ok(Peer {
                    socket,
                    id,
                    kind,
                    name,
                    zmq: self.clone(),
                    monitor: None,
                })
            }
            Race::Done(Err(e)) if e.to_string().contains("not compatible") => {
                Err(Failure::fail(format!(
                    "netlings' {kind} reached {var} ({endpoint}), but the ZeroMQ handshake refused \
                     the pair: the socket your program bound there is not a {want}"
                ))
                .because(format!(
                    "a {kind} talks only to a {want} (ZMTP sends each side's socket type and checks them)"
                )))
            }
            // Something listens there, and its first bytes are no ZMTP
            // greeting (which begins 0xff, then 8 bytes, then 0x7f).
            Race::Done(Err(e)) if e.to_string().contains("greeting") => Err(Failure::fail(format!(
                "something listens at {var} ({endpoint}), but it does not speak ZeroMQ: \
                 netlings' {kind} got no ZMTP greeting back ({e})"
            ))
            .because(format!(
                "bind a ZeroMQ {want} socket there (`{}::new()`, then `.bind(&endpoint)`), \
                 not a plain TCP listener",
                crate_type(want)
            ))),
            Race::Done(Err(e)) => {
                // A reset as the program exits (it bound, then ended) comes
                // a moment before its exit is seen: its exit says more.
                if !program.is_by_hand()
                    && let Ok(status) =
                        tokio::time::timeout(Duration::from_millis(500), program.exited()).await
                {
                    return Err(ended_early(
                        program,
                        status,
                        &format!("as netlings' {kind} connected to {var} ({endpoint})"),
                    ));
                }
                Err(Failure::fail(format!(
                    "netlings' {kind} could not connect to {var} ({endpoint}): {e}"
                )))
            }
            Race::Exited(status) => Err(ended_early(
                program,
                status,
                &format!("and did not bind a {want} socket at {var} ({endpoint})"),
            )),
            Race::TimedOut => Err(Failure::timeout(format!(
                "no ZeroMQ {want} socket answered at {var} ({endpoint}) within {} s: bind one there \
                 (`{}::new()`, then `.bind(&endpoint)`)",
                self.ready.as_secs(),
                crate_type(want)
            ))),
        }
    }

    /// A REQ client connected to the program's REP at `endpoint`.
    pub async fn req(
        &self,
        program: &Program,
        name: impl Into<String>,
        (endpoint, var): (&str, &str),
    ) -> Result<Peer<ReqSocket>, Failure> {
        self.connect(
            program,
            (ReqSocket::new(), "REQ"),
            name,
            (endpoint, var, "REP"),
        )
        .await
    }

    /// A subscriber connected to the program's PUB at `endpoint`, with no
    /// subscription yet.
    pub async fn sub(
        &self,
        program: &Program,
        name: impl Into<String>,
        (endpoint, var): (&str, &str),
    ) -> Result<Peer<SubSocket>, Failure> {
        self.connect(
            program,
            (SubSocket::new(), "SUB"),
            name,
            (endpoint, var, "PUB"),
        )
        .await
    }

    /// A PUSH socket bound for workers to connect to (a ventilator).
    pub async fn push(
        &self,
        name: impl Into<String>,
    ) -> Result<(Peer<PushSocket>, String), Failure> {
        self.bind((PushSocket::new(), "PUSH"), name).await
    }

    /// A PULL socket bound for workers to connect to (a sink).
    pub async fn pull(
        &self,
        name: impl Into<String>,
    ) -> Result<(Peer<PullSocket>, String), Failure> {
        self.bind((PullSocket::new(), "PULL"), name).await
    }

    /// Binds a new socket of netlings on a fresh loopback port, for the
    /// program to connect to; its monitor records who connects.
    pub async fn bind<S: Socket>(
        &self,
        (mut socket, kind): (S, &'static str),
        name: impl Into<String>,
    ) -> Result<(Peer<S>, String), Failure> {
        let name = name.into();
        let monitor = socket.monitor().boxed();
        let at = format!("tcp://{}", self.addrs.next());
        let endpoint = socket
            .bind(&at)
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind {at}: {e}")))?
            .to_string();
        let id = self.transcript.new_conn();
        self.transcript.event(
            Some(id),
            format!(
                "{name}, netlings' {kind} #{id}, listens on {endpoint} {}",
                self.at()
            ),
        );
        let peer = Peer {
            socket,
            id,
            kind,
            name,
            zmq: self.clone(),
            monitor: Some(std::sync::Mutex::new(monitor)),
        };
        Ok((peer, endpoint))
    }
}

/// The crate's type for a socket type: "REP" → `RepSocket`.
fn crate_type(kind: &str) -> String {
    let mut name = kind.to_ascii_lowercase();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("zeromq::{name}Socket")
}

/// Frames as the transcript shows them: `["ADD 1 2"]`, `["a", "\xff"]`.
pub fn describe(frames: &[Bytes]) -> String {
    let shown: Vec<String> = frames
        .iter()
        .map(|f| escape_abridged(f, KEEP_PER_FRAME))
        .collect();
    format!("[{}]", shown.join(", "))
}

/// A frame as text, for messages (invalid UTF-8 shown as �).
pub fn text(frame: &[u8]) -> String {
    String::from_utf8_lossy(frame).into_owned()
}

impl<S: Socket> Drop for Peer<S> {
    /// Closes every connection of the socket. The crate's PULL (0.7) has no
    /// `Drop` of its own that does: each connection's writer task holds
    /// the socket's state, which holds that task's queue, so a dropped PULL
    /// would keep its connections open (in CLOSE_WAIT) for as long as
    /// netlings runs. Shutting the backend down ends those tasks.
    fn drop(&mut self) {
        self.socket.backend().shutdown();
    }
}

impl<S: Socket> Peer<S> {
    /// How long one receive waits.
    pub fn io(&self) -> Duration {
        self.zmq.io
    }
}

impl<S: Socket> Peer<S> {
    /// Closes the socket and waits until what it bound is released: no
    /// grade leaves a port bound behind it.
    pub async fn close(self) {
        self.zmq.transcript.event(
            Some(self.id),
            format!("netlings closed {} {}", self.name, self.zmq.at()),
        );
        let mut this = self;
        let _ = tokio::time::timeout(this.zmq.io, this.socket.unbind_all()).await;
    }

    /// The next connection made to this (bound) socket, at most `within`;
    /// `None` when none came.
    pub async fn joined(&mut self, within: Duration) -> Option<Joined> {
        let monitor = self
            .monitor
            .as_mut()?
            .get_mut()
            .unwrap_or_else(|p| p.into_inner());
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let event = tokio::time::timeout_at(deadline, monitor.next())
                .await
                .ok()??;
            let joined = match event {
                SocketEvent::Accepted(..) => Joined::Accepted,
                SocketEvent::AcceptFailed(e) => Joined::Refused {
                    reason: e.to_string(),
                },
                _ => continue,
            };
            self.zmq.transcript.event(
                Some(self.id),
                match &joined {
                    Joined::Accepted => {
                        format!(
                            "a socket of your program connected to {} {}",
                            self.name,
                            self.zmq.at()
                        )
                    }
                    Joined::Refused { reason } => format!(
                        "a socket of your program reached {} and was refused: {reason} {}",
                        self.name,
                        self.zmq.at()
                    ),
                },
            );
            return Some(joined);
        }
    }
}

impl<S: Socket + SocketSend> Peer<S> {
    /// Sends one message of `frames`.
    pub async fn send(&mut self, frames: Vec<Bytes>) -> Result<(), Failure> {
        self.zmq.transcript.said(
            Who::Netlings,
            Some(self.id),
            format!("{} {} {}", self.kind, describe(&frames), self.zmq.at()),
        );
        let message = ZmqMessage::try_from(frames)
            .map_err(|_| Failure::error("netlings tried to send a message of no frames"))?;
        match tokio::time::timeout(self.zmq.io, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Failure::fail(format!("{} could not send: {e}", self.name))),
            Err(_) => Err(Failure::timeout(format!(
                "{} could not send within {} s: your program does not take messages",
                self.name,
                self.zmq.io.as_secs()
            ))),
        }
    }

    /// Sends one single-frame message.
    pub async fn send_text(&mut self, text: &str) -> Result<(), Failure> {
        self.send(vec![Bytes::copy_from_slice(text.as_bytes())])
            .await
    }
}

impl<S: Socket + SocketRecv> Peer<S> {
    /// The next message, at most `within`: `None` when none came.
    pub async fn recv_within(&mut self, within: Duration) -> Result<Option<Vec<Bytes>>, Failure> {
        match tokio::time::timeout(within, self.socket.recv()).await {
            Err(_) => Ok(None),
            Ok(Ok(message)) => {
                let frames = message.into_vec();
                self.zmq.transcript.said(
                    Who::Program,
                    Some(self.id),
                    format!("to {} {} {}", self.kind, describe(&frames), self.zmq.at()),
                );
                Ok(Some(frames))
            }
            Ok(Err(e)) => Err(Failure::fail(format!(
                "{}'s connection failed: {e}",
                self.name
            ))),
        }
    }

    /// The next message (`what` it should be, for the messages); fails
    /// at once when the program exits, and after the I/O deadline.
    pub async fn recv(&mut self, program: &Program, what: &str) -> Result<Vec<Bytes>, Failure> {
        let io = self.zmq.io;
        let name = self.name.clone();
        match race(
            program,
            io + Duration::from_millis(100),
            self.recv_within(io),
        )
        .await
        {
            Race::Done(Ok(Some(frames))) => Ok(frames),
            Race::Done(Ok(None)) | Race::TimedOut => Err(Failure::timeout(format!(
                "{name} waited {} s for {what}; nothing came",
                io.as_secs()
            ))),
            Race::Done(Err(f)) => Err(f),
            Race::Exited(status) => Err(ended_early(
                program,
                status,
                &format!("while {name} waited for {what}"),
            )),
        }
    }
}

impl Peer<SubSocket> {
    /// Subscribes to messages whose first frame begins with `prefix`.
    pub async fn subscribe(&mut self, prefix: &str) -> Result<(), Failure> {
        self.zmq.transcript.said(
            Who::Netlings,
            Some(self.id),
            format!(
                "SUB subscribe {} {}",
                escape_abridged(prefix.as_bytes(), 80),
                self.zmq.at()
            ),
        );
        match tokio::time::timeout(self.zmq.io, self.socket.subscribe(prefix)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Failure::fail(format!(
                "{} could not subscribe: {e}",
                self.name
            ))),
            Err(_) => Err(Failure::timeout(format!(
                "{} could not send its subscription within {} s",
                self.name,
                self.zmq.io.as_secs()
            ))),
        }
    }
}
