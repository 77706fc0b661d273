//! The reference XML-RPC server that client exercises call.
//!
//! It answers as a strict, real server would - `404` off its path, `405`
//! for anything but `POST`, `411 Length Required` without a
//! `Content-Length`, fault -32700 for a body that is not XML, -32600 for
//! XML that is not a call - and hands every well-formed call to the
//! grader's handler. Every request is recorded as it crossed the wire, with
//! the call read from it, so a grader judges what was sent, not what the
//! program says it sent.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::wire::{Framing, Message, Wire, WireError};
use super::write::{self, Style};
use super::xml::{self, XmlError};
use super::{Call, Response, abridged};
use crate::harness::expect::{Race, ended_early, race};
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Who, escape_abridged};

/// Answers a well-formed call, and says how to lay the answer out.
pub type Handler = Arc<dyn Fn(&Call) -> (Response, Style) + Send + Sync>;

/// What the server answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// An HTTP error, before any XML was read.
    Http(u16),
    /// `200 OK` with this method response, written in this style.
    Xmlrpc(Response, Style),
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its place in the order of arrival, from 1.
    pub n: usize,
    /// The connection that carried it.
    pub conn: u32,
    pub http: Message,
    /// The call read from the body; `None` when the HTTP head already
    /// made the server refuse it.
    pub call: Option<Result<Call, XmlError>>,
    pub answer: Answer,
}

/// One connection the program opened.
#[derive(Debug, Clone)]
pub struct Connection {
    pub id: u32,
    pub requests: usize,
    pub closed: bool,
    /// What went wrong on it, if something did: bytes that are not HTTP, a
    /// body shorter than its `Content-Length`, a head never finished.
    pub trouble: Option<WireError>,
}

/// Everything the server saw, in order.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub requests: Vec<Received>,
    pub connections: Vec<Connection>,
}

impl Log {
    /// "2 requests on 1 connection", for messages.
    pub fn summary(&self) -> String {
        format!(
            "netlings had received {} on {}",
            super::super::http::plural(self.requests.len(), "request"),
            super::super::http::plural(self.connections.len(), "connection")
        )
    }

    /// What went wrong on the connections, as sentences; empty if nothing.
    pub fn troubles(&self) -> Vec<String> {
        self.connections
            .iter()
            .filter_map(|c| c.trouble.as_ref().map(|t| describe_trouble(c.id, t)))
            .collect()
    }
}

/// A connection-level problem, in the learner's terms.
pub fn describe_trouble(conn: u32, trouble: &WireError) -> String {
    match trouble {
        WireError::NotHttp { received, why } => format!(
            "connection #{conn} carried bytes that are not an HTTP request ({why}): {}",
            escape_abridged(received, 120)
        ),
        WireError::Closed { received } => format!(
            "your program closed connection #{conn} in the middle of a request head: {}",
            escape_abridged(received, 120)
        ),
        WireError::Silent { waited, received } => format!(
            "on connection #{conn} the request head stopped after {} and nothing came for {:.1} s",
            escape_abridged(received, 120),
            waited.as_secs_f64()
        ),
        WireError::ShortBody {
            head,
            expected,
            received,
            closed,
        } => format!(
            "on connection #{conn}, `{head}` announced {expected} bytes of body, but only {received} came {}",
            if *closed {
                "before the connection closed"
            } else {
                "and then nothing"
            }
        ),
        WireError::NoEnd { .. } | WireError::BadFraming { .. } | WireError::Io { .. } => {
            format!("connection #{conn}: {}", wire_text(trouble))
        }
    }
}

fn wire_text(e: &WireError) -> String {
    match e {
        WireError::BadFraming { why } | WireError::Io { why } => why.clone(),
        WireError::NoEnd { head, received } => {
            format!(
                "`{head}` had no Content-Length; {received} bytes came and the connection stayed open"
            )
        }
        other => format!("{other:?}"),
    }
}

/// What the connection tasks share with the grader.
struct Shared {
    /// The one path that serves calls (`/RPC2`).
    path: String,
    handler: Handler,
    log: Mutex<Log>,
    /// Bumped on every change: graders wait on it instead of polling.
    changed: watch::Sender<u64>,
    transcript: Transcript,
    /// How long a request may take to arrive once it has begun.
    io: Duration,
    /// Set when the server is dropped: what dying connections do then is
    /// no longer news.
    closing: AtomicBool,
}

impl Shared {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// The reference server of one grade, on 127.0.0.1 and a port of the
/// kernel's choosing. Dropping it ends every connection.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl Server {
    /// Starts a server that answers calls on `path` with `handler`.
    pub async fn start(
        g: &Grading,
        path: &str,
        handler: impl Fn(&Call) -> (Response, Style) + Send + Sync + 'static,
    ) -> Result<Server, Failure> {
        let at = g.listen_addr();
        let listener = TcpListener::bind(at)
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind {at}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::error(format!("the server's own address: {e}")))?;
        let shared = Arc::new(Shared {
            path: path.to_string(),
            handler: Arc::new(handler),
            log: Mutex::default(),
            changed: watch::Sender::new(0),
            transcript: g.transcript.clone(),
            io: g.limits.io,
            closing: AtomicBool::new(false),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(Server {
            addr,
            shared,
            accept,
        })
    }

    /// `http://127.0.0.1:PORT/RPC2`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.shared.path)
    }

    /// What the server has seen so far.
    pub fn log(&self) -> Log {
        self.shared.log().clone()
    }

    /// Shows an earlier request again in the current check's transcript.
    pub fn show(&self, r: &Received) {
        let t = &self.shared.transcript;
        t.event(
            Some(r.conn),
            format!("(request #{}, received earlier)", r.n),
        );
        t.said(Who::Program, Some(r.conn), describe_request(r));
        t.said(Who::Netlings, Some(r.conn), describe_answer(&r.answer));
    }

    /// Waits until `found` returns something for the log, at most `within`.
    pub async fn wait_for<T>(
        &self,
        within: Duration,
        found: impl Fn(&Log) -> Option<T>,
    ) -> Option<T> {
        let mut changes = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            changes.borrow_and_update();
            if let Some(t) = found(&self.shared.log()) {
                return Some(t);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return found(&self.shared.log()),
            }
        }
    }

    /// Waits for request number `n` (from 1) from the program under test:
    /// fails as soon as the program exits without sending it, or after
    /// `within`, saying what the server had seen - garbage, a cut request,
    /// a connection that stayed silent.
    pub async fn expect_request(
        &self,
        program: &Program,
        within: Duration,
        n: usize,
        waiting_for: &str,
    ) -> Result<Received, Failure> {
        // The request, or - as soon as one appears - what went wrong on a
        // connection: garbage, a cut request, a body never finished.
        let found = |log: &Log| match log.requests.get(n - 1) {
            Some(r) => Some(Ok(r.clone())),
            None => {
                let troubles = log.troubles();
                (!troubles.is_empty()).then_some(Err(troubles))
            }
        };
        let with_troubles = |mut failure: Failure, troubles: Vec<String>| {
            for trouble in troubles {
                failure = failure.and(trouble);
            }
            failure
        };
        let timed_out = || {
            let log = self.log();
            let mut failure = Failure::timeout(format!(
                "waited {:.1} s for {waiting_for}; {}",
                within.as_secs_f64(),
                log.summary()
            ));
            if log.connections.iter().any(|c| c.requests == 0 && !c.closed) {
                failure =
                    failure.and("your program connected, and sent no request on that connection");
            }
            failure
        };
        match race(program, within, self.wait_for(within, found)).await {
            Race::Done(Some(Ok(r))) => Ok(r),
            Race::Done(Some(Err(troubles))) => Err(with_troubles(
                Failure::fail(format!("netlings waited for {waiting_for}, and:")),
                troubles,
            )),
            Race::Done(None) | Race::TimedOut => Err(timed_out()),
            Race::Exited(status) => {
                // Its last request may still be on its way in.
                if let Some(Ok(r)) = self.wait_for(Duration::from_millis(200), found).await {
                    return Ok(r);
                }
                let log = self.log();
                let context = if log.requests.is_empty() {
                    "before sending any request".to_string()
                } else {
                    format!("while netlings waited for {waiting_for}; {}", log.summary())
                };
                Err(with_troubles(
                    ended_early(program, status, &context),
                    log.troubles(),
                ))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // A dropped JoinSet aborts its tasks: no connection outlives the server.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(Wire::new(stream), peer, shared.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(mut wire: Wire, peer: SocketAddr, shared: Arc<Shared>) {
    let id = shared.transcript.new_conn();
    shared.log().connections.push(Connection {
        id,
        requests: 0,
        closed: false,
        trouble: None,
    });
    shared.bump();
    shared.transcript.opened(
        id,
        Who::Program,
        format!("your program connected from {peer}"),
    );
    let set = |f: &dyn Fn(&mut Connection)| {
        if let Some(c) = shared.log().connections.iter_mut().find(|c| c.id == id) {
            f(c);
        }
        shared.bump();
    };
    loop {
        // Between requests a client may stay quiet as long as it likes (the
        // grade's deadline ends it); within one, `io` is the limit.
        let request = match wire.read_request(shared.io).await {
            Ok(Some(r)) => r,
            Ok(None) => {
                if !shared.closing.load(Ordering::SeqCst) {
                    shared.transcript.closed(
                        id,
                        Who::Program,
                        "your program closed the connection",
                    );
                }
                break;
            }
            Err(WireError::Silent { received, .. }) if received.is_empty() => continue,
            Err(trouble) => {
                trouble.retell(&shared.transcript, id);
                shared
                    .transcript
                    .event(Some(id), describe_trouble(id, &trouble));
                let bad_request =
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                let _ = wire.send(bad_request, shared.io).await;
                set(&|c| c.trouble = Some(trouble.clone()));
                break;
            }
        };
        let (call, answer) = answer(&shared, &request);
        let received = {
            let mut log = shared.log();
            let received = Received {
                n: log.requests.len() + 1,
                conn: id,
                http: request,
                call,
                answer,
            };
            log.requests.push(received.clone());
            if let Some(c) = log.connections.iter_mut().find(|c| c.id == id) {
                c.requests += 1;
            }
            received
        };
        shared
            .transcript
            .said(Who::Program, Some(id), describe_request(&received));
        shared
            .transcript
            .said(Who::Netlings, Some(id), describe_answer(&received.answer));
        let close = received.http.closes() || matches!(received.answer, Answer::Http(411));
        let bytes = response_bytes(&received.answer, close);
        shared.bump();
        if wire.send(&bytes, shared.io).await.is_err() || close {
            break;
        }
    }
    wire.close().await;
    set(&|c| c.closed = true);
}

/// The server's decision for one request.
fn answer(shared: &Shared, request: &Message) -> (Option<Result<Call, XmlError>>, Answer) {
    let path = request.target.split('?').next().unwrap_or("");
    if path != shared.path {
        return (None, Answer::Http(404));
    }
    if request.method != "POST" {
        return (None, Answer::Http(405));
    }
    if request.framing == Framing::Absent || request.header("content-length").is_none() {
        return (None, Answer::Http(411));
    }
    let call = xml::parse_call(&request.body);
    let (response, style) = match &call {
        Ok(call) => (shared.handler)(call),
        Err(e) => (
            Response::fault(e.fault_code(), e.to_string()),
            Style::Python,
        ),
    };
    (Some(call), Answer::Xmlrpc(response, style))
}

fn response_bytes(answer: &Answer, close: bool) -> Vec<u8> {
    let connection = if close { "close" } else { "keep-alive" };
    let (status, extra, content_type, body) = match answer {
        Answer::Xmlrpc(response, style) => (
            "200 OK",
            "",
            "text/xml",
            write::write_response(response, *style),
        ),
        Answer::Http(code) => {
            let (status, extra, text) = match code {
                404 => ("404 Not Found", "", "XML-RPC is served at /RPC2\n"),
                405 => (
                    "405 Method Not Allowed",
                    "Allow: POST\r\n",
                    "an XML-RPC call is a POST\n",
                ),
                _ => (
                    "411 Length Required",
                    "",
                    "an XML-RPC request needs a Content-Length\n",
                ),
            };
            (status, extra, "text/plain", text.to_string())
        }
    };
    let mut bytes = format!(
        "HTTP/1.1 {status}\r\nServer: netlings\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: {connection}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// A request as the transcript shows it: the head, then the call.
pub fn describe_request(r: &Received) -> String {
    let what = match &r.call {
        None if r.http.body.is_empty() => String::new(),
        None => format!(" · {}", escape_abridged(&r.http.body, 160)),
        Some(Ok(call)) => format!(" · call {}", abridged(&call.describe())),
        Some(Err(_)) => format!(" · {}", escape_abridged(&r.http.body, 240)),
    };
    format!("{}{what}", r.http.describe_head())
}

/// An answer as the transcript shows it.
pub fn describe_answer(answer: &Answer) -> String {
    match answer {
        Answer::Http(404) => "HTTP/1.1 404 Not Found".into(),
        Answer::Http(405) => "HTTP/1.1 405 Method Not Allowed · allow: POST".into(),
        Answer::Http(code) => format!("HTTP/1.1 {code} Length Required"),
        Answer::Xmlrpc(response, _) => format!(
            "HTTP/1.1 200 OK · content-type: text/xml · {}",
            abridged(&response.describe())
        ),
    }
}
