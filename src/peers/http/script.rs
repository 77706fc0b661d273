//! The script of the reference HTTP server: how each path answers - a
//! JSON body, a sequence of statuses, a handler, a delay, a hang.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use super::record::{Request, body_text};

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
    pub(super) fn describe(&self) -> String {
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
pub(super) enum Route {
    Always(Reply),
    /// The n-th request gets the n-th reply; the last one repeats.
    Sequence(Vec<Reply>),
    Handler(Handler),
}

/// Every path's route; a path without one answers 404.
#[derive(Default)]
pub(super) struct Routes(Mutex<HashMap<String, Route>>);

impl Routes {
    pub(super) fn set(&self, path: &str, route: Route) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_string(), route);
    }

    /// The reply to `request`, the `nth` for its path.
    pub(super) fn reply_for(&self, request: &Request, nth: usize) -> Reply {
        let route = self
            .0
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
