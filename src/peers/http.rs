//! A scriptable HTTP/1.1 server for graders of HTTP clients (and of XML-RPC,
//! which travels over HTTP): each path answers as the grader scripts it - a
//! JSON body, a sequence of statuses, a delay, a hang - and every request is
//! recorded with the TCP connection that carried it, when it arrived and
//! when it ended.
//!
//! The server accepts TCP connections itself and hands each one to hyper's
//! HTTP/1 connection driver, so it knows which connection carried which
//! request: that is how graders count connections (pooling), requests in
//! flight at once (concurrency) and the gaps between attempts (backoff) -
//! judged on what the server saw, not on what the program says it did.

use std::collections::HashMap;
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
use tokio::task::{JoinHandle, JoinSet};

use crate::harness::process::describe_exit;
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Who, escape_abridged};

/// How the server answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// How long the server takes before it answers: a slow endpoint.
    pub delay: Duration,
    /// Never answered: the request stays unanswered on an open connection
    /// until the program gives up (or the server is dropped).
    pub hang: bool,
}

impl Reply {
    /// A JSON body (`Content-Type: application/json`), sent compact.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::body(status, "application/json", body.to_string())
    }

    /// A JSON error object, `{"error": message}`, as JSON APIs send them.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({ "error": message }))
    }

    /// Any body, with its content type.
    pub fn body(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
            hang: false,
        }
    }

    /// A request the server reads and never answers.
    pub fn hang() -> Reply {
        Reply {
            hang: true,
            ..Reply::body(200, "text/plain", "")
        }
    }

    /// The same reply, sent only after `delay`.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// The same reply with one more header (`Retry-After`, say).
    pub fn header(mut self, name: &str, value: impl ToString) -> Reply {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// The status line and headers as the transcript shows them.
    fn describe(&self) -> String {
        let reason = hyper::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let mut text = format!("HTTP/1.1 {} {reason}", self.status);
        for (name, value) in &self.headers {
            text.push_str(&format!(" · {name}: {value}"));
        }
        if !self.body.is_empty() {
            text.push_str(&format!(" · {}", body_text(&self.body)));
        }
        text
    }
}

/// Computes the reply to a request; also gets how many requests for this
/// path have arrived so far, this one included (1 for the first).
pub type Handler = Arc<dyn Fn(&Request, usize) -> Reply + Send + Sync>;

/// What one path does.
#[derive(Clone)]
enum Route {
    Always(Reply),
    /// The n-th request gets the n-th reply; the last one repeats.
    Sequence(Vec<Reply>),
    Handler(Handler),
}

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
struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Log>,
    /// Bumped on every arrival, answer and connection change: graders wait
    /// on it instead of polling.
    changed: watch::Sender<u64>,
    transcript: Transcript,
    /// Set when the server is dropped: the grade has moved on, and what the
    /// dying connections do is no longer news for the transcript.
    closing: AtomicBool,
}

impl Shared {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    fn reply_for(&self, request: &Request, nth: usize) -> Reply {
        let route = self
            .routes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&request.path)
            .cloned();
        match route {
            Some(Route::Always(reply)) => reply,
            Some(Route::Sequence(replies)) => replies
                .get(nth - 1)
                .or(replies.last())
                .cloned()
                .unwrap_or_else(|| Reply::error(500, "empty script")),
            Some(Route::Handler(handler)) => handler(request, nth),
            None => Reply::error(404, &format!("no such resource: {}", request.path)),
        }
    }
}

/// The reference HTTP server of one grade, on 127.0.0.1 and a port of the
/// kernel's choosing. Dropping it ends every connection, hanging ones too.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// The accept loop. It owns every connection's task, so aborting it
    /// ends them all.
    accept: JoinHandle<()>,
}

impl Server {
    /// Starts a server with no routes (every path answers 404).
    pub async fn start(g: &Grading) -> Result<Server, Failure> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind 127.0.0.1:0: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::error(format!("the server's own address: {e}")))?;
        let shared = Arc::new(Shared {
            routes: Mutex::default(),
            log: Mutex::default(),
            changed: watch::Sender::new(0),
            transcript: g.transcript.clone(),
            closing: AtomicBool::new(false),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(Server {
            addr,
            shared,
            accept,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The environment of a client program: `NETLINGS_BASE_URL` (and, when
    /// netlings itself runs behind a proxy, `NO_PROXY` for loopback, so the
    /// program's requests come here and not to the proxy).
    pub fn client_env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![("NETLINGS_BASE_URL", self.base_url())];
        let proxied = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        if proxied {
            env.push(("NO_PROXY", "127.0.0.1,localhost".to_string()));
            env.push(("no_proxy", "127.0.0.1,localhost".to_string()));
        }
        env
    }

    /// Every request for `path` gets `reply`.
    pub fn route(&self, path: &str, reply: Reply) {
        self.set(path, Route::Always(reply));
    }

    /// The n-th request for `path` gets `replies[n - 1]`; the last repeats.
    pub fn sequence(&self, path: &str, replies: Vec<Reply>) {
        self.set(path, Route::Sequence(replies));
    }

    /// Requests for `path` are answered by `handler`.
    pub fn handle(
        &self,
        path: &str,
        handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static,
    ) {
        self.set(path, Route::Handler(Arc::new(handler)));
    }

    fn set(&self, path: &str, route: Route) {
        self.shared
            .routes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string(), route);
    }

    /// Shows an earlier exchange again in the current check's transcript,
    /// for a check that judges a request received during an earlier one.
    pub fn show(&self, request: &Request) {
        let t = &self.shared.transcript;
        t.event(
            Some(request.conn),
            format!("(request #{}, received earlier)", request.n),
        );
        t.said(Who::Program, Some(request.conn), request.describe());
        if let Some(answer) = &request.answer {
            t.said(Who::Netlings, Some(request.conn), answer.clone());
        }
    }

    /// What the server has seen so far.
    pub fn log(&self) -> Log {
        self.shared.log().clone()
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

    /// Waits for the program's first request and checks it is `GET path`
    /// (the query string aside): every client exercise begins so.
    pub async fn expect_first_get(
        &self,
        g: &Grading,
        program: &Program,
        path: &str,
    ) -> Result<Request, Failure> {
        let first = self
            .expect(program, g.limits.ready, "its first request", |log| {
                log.requests.first().cloned()
            })
            .await?;
        if first.method != "GET" || first.path != path {
            return Err(Failure::mismatch(
                format!("your program's first request is not `GET {path}`"),
                "the first request",
                format!("GET {path}"),
                first.line(),
            ));
        }
        Ok(first)
    }

    /// Like [`wait_for`](Server::wait_for), for a program under test: fails
    /// as soon as the program exits without `found` holding, or when
    /// `within` passes, saying what was awaited and what the server had.
    pub async fn expect<T>(
        &self,
        program: &Program,
        within: Duration,
        waiting_for: &str,
        found: impl Fn(&Log) -> Option<T>,
    ) -> Result<T, Failure> {
        tokio::select! {
            biased;
            got = self.wait_for(within, &found) => got.ok_or_else(|| {
                Failure::timeout(format!(
                    "waited {:.1} s for {waiting_for}; {}",
                    within.as_secs_f64(),
                    self.shared.log().summary()
                ))
            }),
            status = program.exited() => {
                // Its last request may still be on its way in.
                if let Some(t) = self.wait_for(Duration::from_millis(200), &found).await {
                    return Ok(t);
                }
                let exit = describe_exit(status, &program.stderr_text());
                let log = self.shared.log().clone();
                let message = if log.requests.is_empty() {
                    format!("your program {} before sending any request", exit.summary)
                } else {
                    format!(
                        "your program {} while netlings waited for {waiting_for}; {}",
                        exit.summary,
                        log.summary()
                    )
                };
                Err(Failure::fail(message)
                .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default()))
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
    shared
        .transcript
        .event(Some(id), format!("your program connected from {peer}"));

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
        let text = match ended {
            Ok(()) => "your program closed the connection".to_string(),
            Err(e) if e.is_incomplete_message() => {
                "your program closed the connection before the answer came".to_string()
            }
            Err(e) => format!("the connection ended: {e}"),
        };
        shared.transcript.event(Some(id), text);
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
    shared
        .transcript
        .said(Who::Program, Some(conn), request.describe());

    let reply = shared.reply_for(&request, nth);
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
    shared.transcript.said(Who::Netlings, Some(conn), answer);

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
fn body_text(body: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::Limits;

    fn grading() -> Grading {
        Grading::new(
            "test",
            std::path::Path::new("/nonexistent"),
            std::path::Path::new("."),
            1,
            Limits::default(),
        )
    }

    const WITHIN: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn sequences_headers_and_one_pooled_connection() {
        let g = grading();
        let server = Server::start(&g).await.unwrap();
        server.sequence(
            "/flaky",
            vec![
                Reply::error(503, "later").header("Retry-After", 1),
                Reply::json(200, &serde_json::json!({ "ok": true })),
            ],
        );
        let client = reqwest::Client::new();
        let url = format!("{}/flaky?x=1", server.base_url());
        let mut statuses = Vec::new();
        for _ in 0..3 {
            let response = client
                .get(&url)
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
            let _ = response.bytes().await.unwrap();
        }
        assert_eq!(statuses, [503, 200, 200]);
        let missing = client
            .get(format!("{}/nowhere", server.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status().as_u16(), 404);

        let log = server.log();
        assert_eq!(log.requests.len(), 4);
        assert_eq!(log.connections.len(), 1, "one Client, one connection");
        assert_eq!(log.connections[0].requests, 4);
        let first = &log.requests[0];
        assert_eq!(first.line(), "GET /flaky?x=1");
        assert_eq!(first.header("Accept"), Some("application/json"));
        assert_eq!(first.status, Some(503));
        assert!(first.answer.as_deref().unwrap().contains("retry-after: 1"));
        assert_eq!(log.on_path("/flaky").len(), 3);
        assert_eq!(log.max_in_flight, 1);
    }

    #[tokio::test]
    async fn repeated_header_lines_make_one_list() {
        let g = grading();
        let server = Server::start(&g).await.unwrap();
        let url = format!("{}/x", server.base_url());
        let response = reqwest::Client::new()
            .get(&url)
            .header("accept", "text/plain")
            .header("Accept", "application/json;q=0.9")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 404);
        let request = server.log().requests[0].clone();
        assert_eq!(request.header("accept"), Some("text/plain"));
        assert_eq!(
            request.header_list("ACCEPT").as_deref(),
            Some("text/plain, application/json;q=0.9")
        );
        assert_eq!(request.header_list("user-agent"), None);
    }

    #[tokio::test]
    async fn counts_requests_in_flight() {
        let g = grading();
        let server = Server::start(&g).await.unwrap();
        server.route(
            "/slow",
            Reply::json(200, &serde_json::json!({})).after(Duration::from_millis(200)),
        );
        let client = reqwest::Client::new();
        let url = format!("{}/slow", server.base_url());
        let requests = (0..4).map(|_| client.get(&url).send());
        for response in futures_util::future::join_all(requests).await {
            assert_eq!(response.unwrap().status().as_u16(), 200);
        }
        let log = server.log();
        assert_eq!(log.max_in_flight, 4);
        assert_eq!(log.in_flight, 0);
        assert_eq!(
            log.connections.len(),
            4,
            "HTTP/1.1: one request at a time per connection"
        );
    }

    #[tokio::test]
    async fn a_hang_ends_when_the_client_gives_up_or_the_server_goes() {
        let g = grading();
        let server = Server::start(&g).await.unwrap();
        server.route("/hang", Reply::hang());
        let url = format!("{}/hang", server.base_url());

        let impatient = reqwest::Client::builder()
            .timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        let error = impatient.get(&url).send().await.unwrap_err();
        assert!(error.is_timeout());
        let abandoned = server
            .wait_for(WITHIN, |log| {
                log.requests.first().and_then(|r| r.ended.map(|_| r.status))
            })
            .await;
        assert_eq!(abandoned, Some(None), "ended, never answered");
        assert_eq!(server.log().in_flight, 0);

        // A client without a timeout is released when the server is dropped.
        let patient = tokio::spawn(reqwest::Client::new().get(url).send());
        server
            .wait_for(WITHIN, |log| (log.requests.len() == 2).then_some(()))
            .await
            .unwrap();
        drop(server);
        let ended = tokio::time::timeout(WITHIN, patient).await;
        assert!(ended.expect("the request ended").unwrap().is_err());
    }
}
