//! The reference client's connection to a learner's gRPC server, and the
//! recording of calls: every request, answer and status goes into the
//! transcript as the proto names it, with how long it took.

use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tonic::metadata::MetadataValue;
use tonic::transport::Endpoint;
use tonic::{Request, Status};

use super::{message_text, ms, status_text};
use crate::harness::net::connect_when_ready;
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::Who;

/// One HTTP/2 connection to the program (tonic reconnects it, recorded,
/// if the program drops it). Cheap to clone: clones share the connection,
/// as the clients of one process do, each call on a stream of its own.
#[derive(Clone)]
pub struct Channel {
    pub inner: tonic::transport::Channel,
    /// The first TCP connection's number in the transcript.
    pub conn: u32,
    transcript: Transcript,
}

/// What a call carries besides its message.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The `authorization` metadata, e.g. `Bearer <token>`.
    pub authorization: Option<String>,
    /// Sent as `grpc-timeout`; the server must stop working when it passes.
    pub timeout: Option<Duration>,
}

impl CallOptions {
    pub fn bearer(token: &str) -> CallOptions {
        CallOptions {
            authorization: Some(format!("Bearer {token}")),
            timeout: None,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = Some(timeout);
        self
    }

    /// `message` as a request carrying these options.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(auth) = &self.authorization
            && let Ok(value) = MetadataValue::try_from(auth.as_str())
        {
            request.metadata_mut().insert("authorization", value);
        }
        if let Some(timeout) = self.timeout {
            request.set_timeout(timeout);
        }
        request
    }

    /// ` · authorization: Bearer x · grpc-timeout: 200m`, for transcripts.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        if let Some(auth) = &self.authorization {
            text.push_str(&format!(" · authorization: {auth}"));
        }
        if let Some(t) = self.timeout {
            text.push_str(&format!(" · grpc-timeout: {}m", t.as_millis()));
        }
        text
    }
}

/// Starts the program under test, a gRPC server, on a fresh
/// `NETLINGS_ADDR` (plus `env`), and returns it with its address and an
/// HTTP/2 channel to it, opened as soon as it listens.
pub async fn start_server(
    g: &Grading,
    env: &[(&str, String)],
) -> Result<(Program, SocketAddr, Channel), Failure> {
    let addr = g.program_addr();
    let mut vars = vec![("NETLINGS_ADDR", addr.to_string())];
    vars.extend(env.iter().cloned());
    let program = g.start(&vars)?;
    let channel = Channel::when_ready(g, &program, addr).await?;
    Ok((program, addr, channel))
}

/// How a call ended, and when (measured by netlings).
#[derive(Debug)]
pub struct Answer<T> {
    pub result: Result<T, Status>,
    pub took: Duration,
}

impl<T: Debug> Answer<T> {
    /// The reply, or a failure saying which status came instead.
    pub fn ok(self, what: &str) -> Result<T, Failure> {
        self.result.map_err(|status| {
            Failure::fail(format!("{what} answered {}, not OK", status_text(&status)))
        })
    }

    /// The status `code`, or a failure saying what came instead.
    pub fn status(self, code: tonic::Code, what: &str) -> Result<Status, Failure> {
        match self.result {
            Err(status) if status.code() == code => Ok(status),
            Err(status) => Err(Failure::fail(format!(
                "{what} answered {}; it should be {}",
                status_text(&status),
                super::code_text(code)
            ))),
            Ok(reply) => Err(Failure::fail(format!(
                "{what} answered OK with {}; it should be {}",
                message_text(&reply),
                super::code_text(code)
            ))),
        }
    }
}

/// A gRPC server speaks HTTP/2 from its first byte: to a client's
/// preface it answers with a SETTINGS frame. Asked on the program's first
/// connection (then closed), so that a server speaking anything else - or
/// nothing - fails here, saying so, and not in some later call as a
/// protocol error of the client's.
async fn speaks_http2(g: &Grading, addr: SocketAddr, mut stream: TcpStream) -> Result<(), Failure> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const RULE: &str = "gRPC runs over HTTP/2: serve with tonic's `Server::builder()…serve(addr)`, \
         not a plain TCP or HTTP/1 server";
    let id = g.transcript.new_conn();
    g.transcript.opened(
        id,
        Who::Netlings,
        format!("netlings connected to {addr} to see that it speaks HTTP/2"),
    );
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    hello.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    let _ = stream.write_all(&hello).await;
    let mut head = Vec::with_capacity(9);
    let read = tokio::time::timeout(g.limits.io, async {
        let mut buf = [0u8; 9];
        while head.len() < 9 {
            match stream.read(&mut buf[..9 - head.len()]).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        true
    })
    .await;
    if !head.is_empty() {
        g.transcript.record(
            Instant::now(),
            Who::Program,
            Some(id),
            crate::report::Kind::Bytes,
            crate::report::escape(&head),
            Some(head.len()),
        );
    }
    let seen = crate::report::escape_abridged(&head, 9);
    let failure = match read {
        Err(_) if head.is_empty() => Failure::timeout(format!(
            "your server accepted netlings' connection but sent nothing within {} of the \
             HTTP/2 preface: an HTTP/2 server's first frame is SETTINGS",
            ms(g.limits.io)
        )),
        Err(_) => Failure::timeout(format!(
            "your server sent only {seen} within {} of the HTTP/2 preface, not a whole frame header",
            ms(g.limits.io)
        )),
        Ok(false) => Failure::fail(format!(
            "your server closed netlings' connection after the HTTP/2 preface, having sent {seen}"
        )),
        Ok(true) => {
            let length = u32::from_be_bytes([0, head[0], head[1], head[2]]);
            let (kind, flags) = (head[3], head[4]);
            let stream_id = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
            if kind == 4 && flags & 1 == 0 && stream_id == 0 && length.is_multiple_of(6) {
                g.transcript.closed(
                    id,
                    Who::Netlings,
                    "netlings closed it: the server speaks HTTP/2",
                );
                return Ok(());
            }
            Failure::fail(format!(
                "your server does not speak HTTP/2: its first bytes, {seen}, are not a SETTINGS frame \
                 (type {kind}, flags {flags:#04x}, stream {stream_id}, {length} bytes)"
            ))
        }
    };
    g.transcript.mark_wrong();
    Err(failure.because(RULE))
}

impl Channel {
    /// Waits until the program listens on `addr`, then opens the channel on
    /// that first connection.
    pub async fn when_ready(
        g: &Grading,
        program: &Program,
        addr: SocketAddr,
    ) -> Result<Channel, Failure> {
        let first = connect_when_ready(g, program, addr).await?;
        speaks_http2(g, addr, first).await?;
        Self::over(g, addr, None).await
    }

    /// A channel of its own: a second HTTP/2 connection.
    pub async fn open(g: &Grading, addr: SocketAddr) -> Result<Channel, Failure> {
        Self::over(g, addr, None).await
    }

    async fn over(
        g: &Grading,
        addr: SocketAddr,
        first: Option<TcpStream>,
    ) -> Result<Channel, Failure> {
        let transcript = g.transcript.clone();
        let first = Arc::new(Mutex::new(first));
        let conn = Arc::new(Mutex::new(0u32));
        let connector = {
            let (transcript, conn) = (transcript.clone(), conn.clone());
            tower::service_fn(move |_: tonic::transport::Uri| {
                let taken = first.lock().unwrap_or_else(|p| p.into_inner()).take();
                let (transcript, conn) = (transcript.clone(), conn.clone());
                async move {
                    let stream = match taken {
                        Some(stream) => stream,
                        None => TcpStream::connect(addr).await?,
                    };
                    let _ = stream.set_nodelay(true);
                    let id = transcript.new_conn();
                    *conn.lock().unwrap_or_else(|p| p.into_inner()) = id;
                    transcript.opened(
                        id,
                        Who::Netlings,
                        format!("netlings connected to {addr} (HTTP/2, plaintext)"),
                    );
                    Ok::<_, std::io::Error>(TokioIo::new(stream))
                }
            })
        };
        let endpoint = Endpoint::from_shared(format!("http://{addr}"))
            .map_err(|e| Failure::error(format!("the address {addr}: {e}")))?
            .connect_timeout(g.limits.io);
        let inner = endpoint
            .connect_with_connector(connector)
            .await
            .map_err(|e| {
                Failure::fail(format!(
                    "netlings could not open an HTTP/2 connection to {addr}: {e}"
                ))
                .because(
                    "gRPC runs over HTTP/2: serve with tonic's `Server::builder()…serve(addr)`, \
                     not a plain TCP or HTTP/1 server",
                )
            })?;
        let conn = *conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Channel {
            inner,
            conn,
            transcript,
        })
    }

    /// Records a call being sent: `→ /pkg.Service/Method Message {…} · metadata`.
    pub fn sent(&self, path: &str, message: &impl Debug, options: &CallOptions) {
        self.transcript.said(
            Who::Netlings,
            Some(self.conn),
            format!("{path} {}{}", message_text(message), options.describe()),
        );
    }

    /// Records one more message of a client stream.
    pub fn streamed(&self, message: &impl Debug) {
        self.transcript
            .said(Who::Netlings, Some(self.conn), message_text(message));
    }

    /// Records the client's half-close of its stream.
    pub fn half_closed(&self) {
        self.transcript.half_closed(
            self.conn,
            Who::Netlings,
            "netlings half-closed its stream (no more messages)",
        );
    }

    /// Records a message of the program's answer, `at` after the call began.
    pub fn answered(&self, message: &impl Debug, at: Duration) {
        self.transcript.said(
            Who::Program,
            Some(self.conn),
            format!("{} (at {})", message_text(message), ms(at)),
        );
    }

    /// Records how a call ended.
    pub fn ended(&self, status: &Result<(), Status>, at: Duration) {
        let text = match status {
            Ok(()) => format!("status OK (0) (at {})", ms(at)),
            Err(s) => format!("status {} (at {})", status_text(s), ms(at)),
        };
        self.transcript.said(Who::Program, Some(self.conn), text);
    }

    /// Something netlings did to the call (cancelled it, gave up waiting).
    pub fn event(&self, text: impl Into<String>) {
        self.transcript.event(Some(self.conn), text);
    }

    /// One unary call through a generated client: `call` sends `request`;
    /// the request, the answer (or status) and the time are recorded.
    pub async fn unary<Req, Resp, Fut>(
        &self,
        path: &str,
        message: Req,
        options: &CallOptions,
        call: impl FnOnce(Request<Req>) -> Fut,
    ) -> Answer<Resp>
    where
        Req: Debug,
        Resp: Debug,
        Fut: std::future::Future<Output = Result<tonic::Response<Resp>, Status>>,
    {
        self.sent(path, &message, options);
        let started = Instant::now();
        let result = call(options.request(message))
            .await
            .map(tonic::Response::into_inner);
        let took = started.elapsed();
        match &result {
            Ok(reply) => {
                self.answered(reply, took);
            }
            Err(status) => self.ended(&Err(status.clone()), took),
        }
        Answer { result, took }
    }
}
