//! What the reference HTTP server saw, as it saw it: every connection the
//! program opened, every request with the connection that carried it, when
//! it arrived and when it ended, and how many were in flight at once.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::script::Routes;
use crate::harness::Transcript;
use crate::report::{Who, escape_abridged};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Its place in the order of arrival, from 1.
    pub n: usize,
    /// The connection that carried it (its number in the transcript).
    pub conn: u32,
    pub method: String,
    /// The path, without the query.
    pub path: String,
    pub query: Option<String>,
    /// Header names in lowercase, in the order they came.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    pub arrived: Instant,
    /// When the answer was handed to the connection, or when the program
    /// gave up waiting for it (closed the connection).
    pub ended: Option<Instant>,
    /// The status answered; `None` while unanswered, and for a request the
    /// program abandoned.
    pub status: Option<u16>,
    /// Requests in flight just after this one arrived, itself included.
    pub in_flight: usize,
    /// The answer as the transcript showed it, once sent.
    pub answer: Option<String>,
}

impl Request {
    /// The first value of header `name` (any letter case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, joined with `, ` as HTTP combines
    /// repeated field lines (`Accept: a` and `Accept: b` mean `Accept: a, b`).
    pub fn header_list(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The path with its query, as in the request line.
    pub fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// `GET /path`, for messages.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.target())
    }

    /// The request line and headers as the transcript shows them (without
    /// `host`, which reqwest always gets right).
    pub fn describe(&self) -> String {
        let mut text = format!("{} {} HTTP/1.1", self.method, self.target());
        for (name, value) in self.headers.iter().filter(|(n, _)| n != "host") {
            text.push_str(&format!(" · {name}: {value}"));
        }
        if !self.body.is_empty() {
            text.push_str(&format!(" · {}", body_text(&self.body)));
        }
        text
    }
}

/// One TCP connection the program opened to the server.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Its number in the transcript.
    pub id: u32,
    pub peer: SocketAddr,
    pub accepted: Instant,
    pub closed: Option<Instant>,
    /// How many requests it carried.
    pub requests: usize,
}

/// Everything the server saw, in order.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub requests: Vec<Request>,
    pub connections: Vec<Connection>,
    /// Requests received and not yet answered (nor abandoned), now.
    pub in_flight: usize,
    /// The most there ever were at once.
    pub max_in_flight: usize,
}

impl Log {
    /// The requests for `path`, in order of arrival.
    pub fn on_path(&self, path: &str) -> Vec<&Request> {
        self.requests.iter().filter(|r| r.path == path).collect()
    }

    /// The gaps between the requests for `path`, as the server measured
    /// them: from the end of each (its answer, or its arrival if it had
    /// none) to the arrival of the next - how long a client waited before
    /// asking again.
    pub fn gaps(&self, path: &str) -> Vec<Duration> {
        self.on_path(path)
            .windows(2)
            .map(|w| {
                w[1].arrived
                    .saturating_duration_since(w[0].ended.unwrap_or(w[0].arrived))
            })
            .collect()
    }

    /// "2 requests on 1 connection", for messages.
    pub fn summary(&self) -> String {
        format!(
            "netlings had received {} on {}",
            plural(self.requests.len(), "request"),
            plural(self.connections.len(), "connection")
        )
    }
}

/// "1 request", "3 requests".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What the connection tasks share with the grader.
pub(super) struct Shared {
    pub(super) routes: Routes,
    log: Mutex<Log>,
    /// Bumped on every arrival, answer and connection change: graders wait
    /// on it instead of polling.
    pub(super) changed: watch::Sender<u64>,
    pub(super) transcript: Transcript,
    /// Set when the server is dropped: the grade has moved on, and what the
    /// dying connections do is no longer news for the transcript.
    pub(super) closing: AtomicBool,
}

impl Shared {
    pub(super) fn new(transcript: Transcript) -> Shared {
        Shared {
            routes: Routes::default(),
            log: Mutex::default(),
            changed: watch::Sender::new(0),
            transcript,
            closing: AtomicBool::new(false),
        }
    }

    pub(super) fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }
}

pub(super) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Dropped with this task, and a dropped JoinSet aborts its tasks: no
    // connection outlives the server.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, shared.clone()));
                }
                // Out of file descriptors, say: give the program's other
                // connections a moment to end.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let id = shared.transcript.new_conn();
    shared.log().connections.push(Connection {
        id,
        peer,
        accepted: Instant::now(),
        closed: None,
        requests: 0,
    });
    shared.bump();
    shared.transcript.opened(
        id,
        Who::Program,
        format!("your program connected from {peer}"),
    );

    let service = {
        let shared = shared.clone();
        service_fn(move |request| answer(shared.clone(), id, request))
    };
    let ended = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;

    if let Some(c) = shared.log().connections.iter_mut().find(|c| c.id == id) {
        c.closed = Some(Instant::now());
    }
    shared.bump();
    if !shared.closing() {
        match ended {
            Ok(()) => {
                shared
                    .transcript
                    .closed(id, Who::Program, "your program closed the connection");
            }
            Err(e) if e.is_incomplete_message() => shared.transcript.closed(
                id,
                Who::Program,
                "your program closed the connection before the answer came",
            ),
            Err(e) => {
                shared
                    .transcript
                    .reset(id, Who::Program, format!("the connection ended: {e}"));
            }
        }
    }
}

/// Answers one request as its route says, recording it on the way.
async fn answer(
    shared: Arc<Shared>,
    conn: u32,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let arrived = Instant::now();
    let (parts, body) = request.into_parts();
    // Request bodies here are small (JSON, XML-RPC calls): read them whole.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut request = Request {
        n: 0,
        conn,
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        arrived,
        ended: None,
        status: None,
        in_flight: 0,
        answer: None,
    };
    let nth = {
        let mut log = shared.log();
        log.in_flight += 1;
        log.max_in_flight = log.max_in_flight.max(log.in_flight);
        request.n = log.requests.len() + 1;
        request.in_flight = log.in_flight;
        if let Some(c) = log.connections.iter_mut().find(|c| c.id == conn) {
            c.requests += 1;
        }
        let nth = 1 + log
            .requests
            .iter()
            .filter(|r| r.path == request.path)
            .count();
        log.requests.push(request.clone());
        nth
    };
    shared.bump();
    shared.transcript.said_at(
        arrived,
        Who::Program,
        Some(conn),
        request.describe(),
        Some(request.body.len()),
    );

    let reply = shared.routes.reply_for(&request, nth);
    let pending = Pending {
        shared: shared.clone(),
        index: request.n - 1,
        conn,
        arrived,
        answered: false,
    };
    if reply.hang {
        shared
            .transcript
            .event(Some(conn), "netlings never answers this request");
        // Ends only when the program closes the connection (hyper then
        // drops this future) or the server is dropped.
        std::future::pending::<()>().await;
    }
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let answer = reply.describe();
    pending.answered(reply.status, &answer);
    shared
        .transcript
        .said_sized(Who::Netlings, Some(conn), answer, reply.body.len());

    let mut response = hyper::Response::new(Full::new(reply.body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::OK);
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}

/// A request in flight. Answering it, or dropping it unanswered (the program
/// closed the connection, or the server is going away), takes it out of the
/// in-flight count and records when it ended.
struct Pending {
    shared: Arc<Shared>,
    index: usize,
    conn: u32,
    arrived: Instant,
    answered: bool,
}

impl Pending {
    fn answered(mut self, status: u16, answer: &str) {
        self.answered = true;
        self.end(Some((status, answer)));
    }

    fn end(&self, answer: Option<(u16, &str)>) {
        let mut log = self.shared.log();
        log.in_flight = log.in_flight.saturating_sub(1);
        if let Some(r) = log.requests.get_mut(self.index) {
            r.ended = Some(Instant::now());
            r.status = answer.map(|(status, _)| status);
            r.answer = answer.map(|(_, text)| text.to_string());
        }
        drop(log);
        self.shared.bump();
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        self.end(None);
        if !self.shared.closing() {
            self.shared.transcript.event(
                Some(self.conn),
                format!(
                    "your program gave up on this request after {} ms",
                    self.arrived.elapsed().as_millis()
                ),
            );
        }
    }
}

/// How much of a body a transcript line shows.
const BODY_SHOWN: usize = 200;

/// A body as text for the transcript: one-line UTF-8 shown as it is (it is
/// JSON here), anything else escaped; long ones abridged.
pub(super) fn body_text(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) if !text.contains(['\r', '\n']) && text.len() <= BODY_SHOWN => text.to_string(),
        Ok(text) if !text.contains(['\r', '\n']) => {
            let mut cut = BODY_SHOWN;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}… ({} bytes in all)", &text[..cut], text.len())
        }
        _ => escape_abridged(body, BODY_SHOWN),
    }
}
