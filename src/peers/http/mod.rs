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
//!
//! The parts: [`script`] (how paths answer), [`record`] (what the server
//! saw), this file (the server a grader holds, and its waits on the program
//! under test), and [`head`] (netlings as a raw HTTP client: reading a
//! response head byte by byte, for graders that judge the bytes).

mod head;
mod record;
mod script;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::harness::expect::{Race, ended_early, expect_line, race};
use crate::harness::{Failure, Grading, Program};
use crate::report::Who;
pub use head::{ResponseHead, read_response_head};
pub use record::{Connection, Log, Request, plural};
use record::{Shared, accept_loop};
use script::Route;
pub use script::{Handler, Reply};

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
        let at = g.listen_addr();
        let listener = TcpListener::bind(at)
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind {at}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Failure::error(format!("the server's own address: {e}")))?;
        let shared = Arc::new(Shared::new(g.transcript.clone()));
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
        self.shared.routes.set(path, route);
    }

    /// Shows an earlier exchange again in the current check's transcript,
    /// for a check that judges a request received during an earlier one.
    pub fn show(&self, request: &Request) {
        let t = &self.shared.transcript;
        t.said_at(
            request.arrived,
            Who::Program,
            Some(request.conn),
            format!(
                "(request #{}, received earlier) {}",
                request.n,
                request.describe()
            ),
            Some(request.body.len()),
        );
        if let (Some(answer), Some(ended)) = (&request.answer, request.ended) {
            t.said_at(
                ended,
                Who::Netlings,
                Some(request.conn),
                answer.clone(),
                None,
            );
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
        let timed_out = || {
            Failure::timeout(format!(
                "waited {:.1} s for {waiting_for}; {}",
                within.as_secs_f64(),
                self.shared.log().summary()
            ))
        };
        match race(program, within, self.wait_for(within, &found)).await {
            Race::Done(Some(t)) => Ok(t),
            Race::Done(None) | Race::TimedOut => Err(timed_out()),
            Race::Exited(status) => {
                // Its last request may still be on its way in.
                if let Some(t) = self.wait_for(Duration::from_millis(200), &found).await {
                    return Ok(t);
                }
                let log = self.shared.log().clone();
                let context = if log.requests.is_empty() {
                    "before sending any request".to_string()
                } else {
                    format!("while netlings waited for {waiting_for}; {}", log.summary())
                };
                Err(ended_early(program, status, &context))
            }
        }
    }

    /// Waits for the `n`-th request for `path` (the `n`-th attempt of a
    /// client that retries), as [`expect`](Server::expect) does.
    pub async fn expect_nth(
        &self,
        program: &Program,
        path: &str,
        n: usize,
        within: Duration,
    ) -> Result<(), Failure> {
        let waiting_for = format!("request {n} for {path}");
        self.expect(program, within, &waiting_for, |log| {
            (log.on_path(path).len() >= n).then_some(())
        })
        .await
    }

    /// Waits for the program under test to exit by itself, at most
    /// `within`, unless the log shows `too_far` first (one request too
    /// many, say): then, or when `within` passes, the program is still
    /// running, and the grader says why that is wrong.
    pub async fn until_exit(
        &self,
        program: &Program,
        within: Duration,
        too_far: impl Fn(&Log) -> bool,
    ) -> Ended {
        if program.is_by_hand() {
            // Run by hand, its exit is not seen: its connections all
            // closing is, the closest sign of it on the wire.
            let ended = self.wait_for(within, |log| {
                if too_far(log) {
                    Some(Ended::TooFar)
                } else {
                    let all_closed = !log.connections.is_empty()
                        && log.connections.iter().all(|c| c.closed.is_some());
                    all_closed.then(|| Ended::Exited(crate::harness::process::by_hand_status()))
                }
            });
            return ended.await.unwrap_or(Ended::StillRunning);
        }
        let went_too_far = self.wait_for(within, |log| too_far(log).then_some(()));
        match race(program, within, went_too_far).await {
            Race::Exited(status) => Ended::Exited(status),
            Race::Done(Some(())) => Ended::TooFar,
            Race::Done(None) | Race::TimedOut => Ended::StillRunning,
        }
    }
}

/// The program printed `body` - JSON that netlings served - on a line of
/// its own, in any layout (the line parses as the same JSON value).
pub fn expect_printed_json(
    program: &Program,
    what: &str,
    body: &serde_json::Value,
) -> Result<(), Failure> {
    expect_line(program, what, &body.to_string(), |l| {
        serde_json::from_str::<serde_json::Value>(l).is_ok_and(|v| v == *body)
    })
}

/// How [`Server::until_exit`] ended.
pub enum Ended {
    /// The program exited, with this status.
    Exited(std::process::ExitStatus),
    /// The log showed what the grader called too far, first.
    TooFar,
    /// Neither, in the time given.
    StillRunning,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.accept.abort();
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
