//! A reference `netlings.kv.v1.KeyValue` server for graders of gRPC
//! clients: it stores what is put, answers as the grader scripts each key
//! (`UNAVAILABLE` a few times, or never in time), and records every call -
//! its metadata, its `grpc-timeout`, when it arrived and when it ended - so
//! retries, gaps and deadlines are judged on what the server saw.
//!
//! It serves tonic's generated `KeyValueServer` on hyper's HTTP/2
//! connection driver directly, not through tonic's `Server`: tonic's server
//! answers an expired `grpc-timeout` with `CANCELLED` "Timeout expired" on
//! a timer of its own, racing this server's `DEADLINE_EXCEEDED`. Here the
//! deadline is the handler's to keep, as in grpc-go or grpcio, and a
//! client's verdict never depends on which timer fired first.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tonic::{Code, Request, Response, Status};
use tower::Service as _;

use super::proto::kv::key_value_server::{KeyValue, KeyValueServer};
use super::proto::kv::{GetReply, GetRequest, PutReply, PutRequest};
use super::{code_text, message_text, status_text};
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::Who;

/// How the server answers the calls for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Stores and answers (`NOT_FOUND` for a key never put).
    Serve,
    /// `UNAVAILABLE` for the first `n` calls, then as `Serve`.
    Unavailable(usize),
    /// Never answers: `DEADLINE_EXCEEDED` once the call's `grpc-timeout`
    /// passes (never, without one: until the client cancels).
    Hang,
}

/// One call, as the server saw it.
#[derive(Debug, Clone)]
pub struct Call {
    /// Its place in the order of arrival, from 1.
    pub n: usize,
    /// `Put` or `Get`.
    pub method: &'static str,
    pub key: String,
    pub value: Option<Vec<u8>>,
    pub authorization: Option<String>,
    /// The `grpc-timeout` metadata as sent, and what it means.
    pub grpc_timeout: Option<String>,
    pub timeout: Option<Duration>,
    pub arrived: Instant,
    /// When it was answered, or abandoned by the client.
    pub ended: Option<Instant>,
    /// The status answered; `None` while in flight, or if the client gave up.
    pub status: Option<Code>,
    /// How many calls of this method for this key came before it, plus one.
    pub attempt: usize,
}

/// What the connection tasks share with the grader.
struct Shared {
    token: String,
    store: Mutex<HashMap<String, Vec<u8>>>,
    scripts: Mutex<HashMap<(&'static str, String), Script>>,
    log: Mutex<Vec<Call>>,
    changed: watch::Sender<u64>,
    transcript: Transcript,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The server; dropping it ends every connection.
pub struct KvServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl KvServer {
    /// Starts a server that accepts calls carrying `authorization: Bearer <token>`.
    pub async fn start(g: &Grading, token: &str) -> Result<KvServer, Failure> {
        let at = g.listen_addr();
        let listener = TcpListener::bind(at)
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind {at}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::error(format!("the server's own address: {e}")))?;
        let shared = Arc::new(Shared {
            token: token.to_string(),
            store: Mutex::default(),
            scripts: Mutex::default(),
            log: Mutex::default(),
            changed: watch::Sender::new(0),
            transcript: g.transcript.clone(),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(KvServer {
            addr,
            shared,
            accept,
        })
    }

    /// `http://127.0.0.1:PORT`: the client's `NETLINGS_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `method` (`"Put"` or `"Get"`) for `key` answers as `script` says.
    pub fn script(&self, method: &'static str, key: &str, script: Script) {
        lock(&self.shared.scripts).insert((method, key.to_string()), script);
    }

    /// What is stored under `key` now.
    pub fn stored(&self, key: &str) -> Option<Vec<u8>> {
        lock(&self.shared.store).get(key).cloned()
    }

    /// Every call so far, in order of arrival.
    pub fn log(&self) -> Vec<Call> {
        lock(&self.shared.log).clone()
    }

    /// The calls of `method` for `key`, in order.
    pub fn calls(&self, method: &str, key: &str) -> Vec<Call> {
        self.log()
            .into_iter()
            .filter(|c| c.method == method && c.key == key)
            .collect()
    }

    /// Shows an earlier call again in the current check's transcript.
    pub fn show(&self, call: &Call) {
        let t = &self.shared.transcript;
        t.said_at(
            call.arrived,
            Who::Program,
            None,
            format!("(call #{}, received earlier) {}", call.n, describe(call)),
            None,
        );
        let answer = match call.status {
            Some(code) => format!("status {}", code_text(code)),
            None => "(the client gave up on it)".to_string(),
        };
        t.said_at(
            call.ended.unwrap_or(call.arrived),
            Who::Netlings,
            None,
            answer,
            None,
        );
    }

    /// Waits until the program exits (its output read) or `within` passes,
    /// whichever is first; `None` if it was still running.
    pub async fn until_exit(
        &self,
        program: &Program,
        within: Duration,
    ) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(within, program.exited()).await.ok()
    }

    /// Waits until the log holds `found`, at most `within`.
    pub async fn wait_for<T>(
        &self,
        within: Duration,
        found: impl Fn(&[Call]) -> Option<T>,
    ) -> Option<T> {
        let mut changes = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            changes.borrow_and_update();
            if let Some(t) = found(&lock(&self.shared.log)) {
                return Some(t);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return found(&lock(&self.shared.log)),
            }
        }
    }
}

impl Drop for KvServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// The call as the transcript shows it: path, message, metadata.
fn describe(call: &Call) -> String {
    let message = match &call.value {
        Some(value) => message_text(&PutRequest {
            key: call.key.clone(),
            value: value.clone(),
        }),
        None => message_text(&GetRequest {
            key: call.key.clone(),
        }),
    };
    let mut text = format!("/netlings.kv.v1.KeyValue/{} {message}", call.method);
    match &call.authorization {
        Some(auth) => text.push_str(&format!(" · authorization: {auth}")),
        None => text.push_str(" · (no authorization)"),
    }
    match &call.grpc_timeout {
        Some(t) => text.push_str(&format!(" · grpc-timeout: {t}")),
        None => text.push_str(" · (no grpc-timeout)"),
    }
    text
}

/// `grpc-timeout`: an ASCII integer of at most 8 digits and a unit.
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Dropped with this task, and a dropped JoinSet aborts its tasks.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, shared.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let conn = shared.transcript.new_conn();
    shared.transcript.opened(
        conn,
        Who::Program,
        format!("your program connected from {peer}"),
    );
    let service = KeyValueServer::new(Handler {
        shared: shared.clone(),
        conn,
    });
    let hyper_service = hyper::service::service_fn(move |request| {
        let mut service = service.clone();
        async move { service.call(request).await }
    });
    let ended = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(stream), hyper_service)
        .await;
    match ended {
        Ok(()) => {
            shared
                .transcript
                .closed(conn, Who::Program, "your program closed the connection")
        }
        Err(e) => shared
            .transcript
            .reset(conn, Who::Program, format!("the connection ended: {e}")),
    }
}

/// The service of one connection.
#[derive(Clone)]
struct Handler {
    shared: Arc<Shared>,
    conn: u32,
}

/// A call in flight; dropping it unanswered (the client cancelled, or the
/// connection went) records that it ended without a status.
struct InFlight {
    shared: Arc<Shared>,
    index: usize,
    conn: u32,
    answered: bool,
}

impl InFlight {
    fn answer<T: std::fmt::Debug>(
        mut self,
        result: Result<T, Status>,
    ) -> Result<Response<T>, Status> {
        self.answered = true;
        let code = result.as_ref().map_or_else(Status::code, |_| Code::Ok);
        self.end(Some(code));
        let text = match &result {
            Ok(reply) => format!("{} · status OK (0)", message_text(reply)),
            Err(status) => format!("status {}", status_text(status)),
        };
        self.shared
            .transcript
            .said(Who::Netlings, Some(self.conn), text);
        result.map(Response::new)
    }

    fn end(&self, status: Option<Code>) {
        if let Some(call) = lock(&self.shared.log).get_mut(self.index) {
            call.ended = Some(Instant::now());
            call.status = status;
        }
        self.shared.changed.send_modify(|n| *n += 1);
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if !self.answered {
            self.end(None);
            self.shared
                .transcript
                .event(Some(self.conn), "your program gave up on this call");
        }
    }
}

impl Handler {
    /// Records a call's arrival; returns it in flight and the script for it.
    fn arrive<T>(
        &self,
        request: &Request<T>,
        method: &'static str,
        key: &str,
        value: Option<&[u8]>,
    ) -> (InFlight, Script, Option<Duration>) {
        let text = |name: &str| {
            request
                .metadata()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let grpc_timeout = text("grpc-timeout");
        let timeout = grpc_timeout.as_deref().and_then(parse_grpc_timeout);
        let mut log = lock(&self.shared.log);
        let attempt = 1 + log
            .iter()
            .filter(|c| c.method == method && c.key == key)
            .count();
        let call = Call {
            n: log.len() + 1,
            method,
            key: key.to_string(),
            value: value.map(<[u8]>::to_vec),
            authorization: text("authorization"),
            grpc_timeout,
            timeout,
            arrived: Instant::now(),
            ended: None,
            status: None,
            attempt,
        };
        self.shared
            .transcript
            .said(Who::Program, Some(self.conn), describe(&call));
        log.push(call);
        let index = log.len() - 1;
        drop(log);
        self.shared.changed.send_modify(|n| *n += 1);
        let script = lock(&self.shared.scripts)
            .get(&(method, key.to_string()))
            .copied()
            .unwrap_or(Script::Serve);
        let script = match script {
            Script::Unavailable(n) if attempt > n => Script::Serve,
            other => other,
        };
        let flight = InFlight {
            shared: self.shared.clone(),
            index,
            conn: self.conn,
            answered: false,
        };
        (flight, script, timeout)
    }

    /// `None` when the call may go on; else the status that ends it.
    fn refuse(&self, request_auth: Option<&str>, script: Script) -> Option<Status> {
        if request_auth != Some(format!("Bearer {}", self.shared.token).as_str()) {
            return Some(Status::unauthenticated(
                "missing or wrong `authorization: Bearer <token>` metadata",
            ));
        }
        match script {
            Script::Unavailable(_) => Some(Status::unavailable(
                "the KeyValue replica is restarting: try again shortly",
            )),
            _ => None,
        }
    }
}

/// Waits for the call's deadline (forever without one), then says it passed.
async fn hang(timeout: Option<Duration>) -> Status {
    match timeout {
        Some(t) => tokio::time::sleep(t).await,
        None => std::future::pending().await,
    }
    Status::deadline_exceeded("the deadline passed before the value was found")
}

#[tonic::async_trait]
impl KeyValue for Handler {
    async fn put(&self, request: Request<PutRequest>) -> Result<Response<PutReply>, Status> {
        let (key, value) = (
            request.get_ref().key.clone(),
            request.get_ref().value.clone(),
        );
        let (flight, script, timeout) = self.arrive(&request, "Put", &key, Some(&value));
        let auth = request
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if let Some(status) = self.refuse(auth, script) {
            return flight.answer(Err(status));
        }
        if script == Script::Hang {
            return flight.answer(Err(hang(timeout).await));
        }
        let previous = lock(&self.shared.store).insert(key, value);
        flight.answer(Ok(PutReply { previous }))
    }

    async fn get(&self, request: Request<GetRequest>) -> Result<Response<GetReply>, Status> {
        let key = request.get_ref().key.clone();
        let (flight, script, timeout) = self.arrive(&request, "Get", &key, None);
        let auth = request
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if let Some(status) = self.refuse(auth, script) {
            return flight.answer(Err(status));
        }
        if script == Script::Hang {
            return flight.answer(Err(hang(timeout).await));
        }
        let value = lock(&self.shared.store).get(&key).cloned();
        flight.answer(match value {
            Some(value) => Ok(GetReply { value, version: 1 }),
            None => Err(Status::not_found(format!("no value under the key {key:?}"))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse_as_the_spec_says() {
        assert_eq!(parse_grpc_timeout("200m"), Some(Duration::from_millis(200)));
        assert_eq!(parse_grpc_timeout("3S"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_grpc_timeout("99999999u"),
            Some(Duration::from_micros(99_999_999))
        );
        assert_eq!(parse_grpc_timeout("123456789m"), None, "at most 8 digits");
        assert_eq!(parse_grpc_timeout("m"), None);
        assert_eq!(parse_grpc_timeout("-1m"), None);
        assert_eq!(parse_grpc_timeout("10x"), None);
    }
}
