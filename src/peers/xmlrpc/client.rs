//! The reference XML-RPC client that calls server exercises.
//!
//! It writes requests byte by byte as real clients do - Python's
//! `xmlrpc.client` layout, or a compact one with `<i4>` and bare strings -
//! reads the answer's HTTP framing itself, and reads the body with the
//! XML-RPC parser. Like Python's `ServerProxy`, a [`Session`] keeps its
//! connection open between calls, opens a new one when the server closed
//! it, and sends a call again once if a kept connection turns out dead.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;

use super::wire::{Framing, Message, Wire, WireError};
use super::write::{self, Style};
use super::xml::{self, XmlError};
use super::{Call, Response, abridged};
use crate::harness::{Failure, Grading, Transcript};
use crate::peers::tcp::Conn;
use crate::report::{Who, escape_abridged, size};

/// One HTTP request netlings sends.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub content_type: String,
    pub body: Vec<u8>,
    /// What it is, for the transcript: `call math.add(int 3, int 4)`.
    pub what: String,
    /// Sent as three writes (head, then the body in two halves), as a slow
    /// network delivers it.
    pub split: bool,
}

impl Request {
    /// `POST /RPC2` with the call written in `style`.
    pub fn call(call: &Call, style: Style) -> Request {
        Request {
            method: "POST".into(),
            path: "/RPC2".into(),
            content_type: "text/xml".into(),
            body: write::write_call(call, style).into_bytes(),
            what: format!("call {}", abridged(&call.describe())),
            split: false,
        }
    }

    /// Any method, path and body.
    pub fn raw(method: &str, path: &str, body: impl Into<Vec<u8>>, what: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            content_type: "text/xml".into(),
            body: body.into(),
            what: what.into(),
            split: false,
        }
    }

    /// The same request, sent in pieces.
    pub fn split(mut self) -> Request {
        self.split = true;
        self
    }

    fn head(&self, addr: SocketAddr) -> Vec<u8> {
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: netlings\r\n",
            self.method, self.path
        );
        if self.method != "GET" || !self.body.is_empty() {
            head.push_str(&format!(
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                self.content_type,
                self.body.len()
            ));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// The request as the transcript shows it.
    fn describe(&self) -> String {
        let mut text = format!("{} {} HTTP/1.1", self.method, self.path);
        if !self.body.is_empty() {
            text.push_str(&format!(
                " · content-type: {} · content-length: {}",
                self.content_type,
                self.body.len()
            ));
        }
        if !self.what.is_empty() {
            text.push_str(&format!(" · {}", self.what));
        }
        text
    }

    /// The shell command that sends this request to a server on port 7000:
    /// the body into `call.xml`, then curl.
    pub fn curl(&self) -> String {
        // One line: printf turns the `\n`s back into newlines.
        let body = String::from_utf8_lossy(&self.body)
            .replace('\\', "\\\\")
            .replace('%', "%%")
            .replace('\n', "\\n")
            .replace('\'', "'\\''");
        if self.method == "POST" {
            format!(
                "printf '{body}' > call.xml; curl -i --data-binary @call.xml -H 'Content-Type: text/xml' http://127.0.0.1:7000{}",
                self.path
            )
        } else {
            format!(
                "curl -i -X {} http://127.0.0.1:7000{}",
                self.method, self.path
            )
        }
    }
}

/// The server's answer to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The connection that carried it.
    pub conn: u32,
    pub http: Message,
    /// The body read as a method response (whatever the status said).
    pub parsed: Result<Response, XmlError>,
}

impl Reply {
    /// The method response, if the answer is one as XML-RPC defines it:
    /// `200 OK`, `Content-Type: text/xml`, a `<methodResponse>` body.
    pub fn response(&self) -> Result<&Response, Failure> {
        if self.http.status != 200 {
            return Err(Failure::fail(format!(
                "your server answered `{}`; XML-RPC answers every call with 200 OK, faults included",
                self.http.start_line
            )));
        }
        if !self.http.is_text_xml() {
            return Err(Failure::fail(format!(
                "your server's answer has {}; an XML-RPC response is `Content-Type: text/xml`",
                match self.http.header("content-type") {
                    Some(v) => format!("`Content-Type: {v}`"),
                    None => "no Content-Type".to_string(),
                }
            )));
        }
        self.parsed.as_ref().map_err(|e| {
            let mut failure = Failure::fail(format!(
                "your server's answer is not a method response: {e}\n  around it: {}",
                xml::around(&self.http.body, e.at())
            ));
            if !self.http.excess.is_empty() {
                failure = failure.and(format!(
                    "{} more followed the body its Content-Length announced: {}",
                    size(self.http.excess.len()),
                    escape_abridged(&self.http.excess, 80)
                ));
            }
            failure
        })
    }
}

/// Calls to one server, over one kept-open connection at a time.
pub struct Session {
    addr: SocketAddr,
    transcript: Transcript,
    io: Duration,
    open: Option<(u32, Wire)>,
    /// Answers read on the open connection: only a connection that has
    /// carried one is "kept", and may turn out dead.
    answered: usize,
}

impl Session {
    pub fn new(g: &Grading, addr: SocketAddr) -> Session {
        Session {
            addr,
            transcript: g.transcript.clone(),
            io: g.limits.io,
            open: None,
            answered: 0,
        }
    }

    /// A session that goes on with an already open connection (the one
    /// that found the server listening).
    pub fn adopt(g: &Grading, addr: SocketAddr, conn: Conn) -> Session {
        let id = conn.id;
        let mut session = Session::new(g, addr);
        session.open = Some((id, Wire::new(conn.into_stream())));
        session
    }

    /// Closes the connection, if one is open.
    pub async fn close(&mut self) {
        self.answered = 0;
        if let Some((id, mut wire)) = self.open.take() {
            wire.close().await;
            self.transcript
                .closed(id, Who::Netlings, "netlings closed the connection");
        }
    }

    async fn connect(&mut self) -> Result<(), Failure> {
        let stream = TcpStream::connect(self.addr)
            .await
            .map_err(|e| crate::peers::tcp::connect_failed(self.addr, "server", &e))?;
        let id = self.transcript.new_conn();
        self.transcript.opened(
            id,
            Who::Netlings,
            format!("netlings connected to {}", self.addr),
        );
        self.open = Some((id, Wire::new(stream)));
        Ok(())
    }

    /// Sends `request` and reads the answer. A connection the server closed
    /// after its last answer is replaced first; a kept connection that
    /// turns out dead (closed or reset before any byte of the answer) is
    /// replaced and the request sent once more - what Python's client does.
    pub async fn send(&mut self, request: &Request) -> Result<Reply, Failure> {
        if self
            .open
            .as_ref()
            .is_some_and(|(_, w)| w.drained_and_closed())
        {
            self.close().await;
        }
        let reused = self.open.is_some() && self.answered > 0;
        if self.open.is_none() {
            self.connect().await?;
        }
        match self.exchange(request).await {
            Err(e) if reused && dead_before_answer(&e) => {
                let id = self.open.as_ref().map(|(id, _)| *id);
                self.transcript.event(
                    id,
                    "the kept connection was dead: netlings opens a new one and sends the call again",
                );
                self.close().await;
                self.connect().await?;
                self.exchange(request).await.map_err(|e| self.failure(e))
            }
            other => other.map_err(|e| self.failure(e)),
        }
    }

    async fn exchange(&mut self, request: &Request) -> Result<Reply, WireError> {
        let (id, wire) = self.open.as_mut().expect("connected");
        let id = *id;
        self.transcript
            .said(Who::Netlings, Some(id), request.describe());
        let head = request.head(self.addr);
        if request.split {
            wire.send(&head, self.io).await?;
            let (a, b) = request.body.split_at(request.body.len() / 2);
            for piece in [a, b] {
                tokio::time::sleep(Duration::from_millis(2)).await;
                wire.send(piece, self.io).await?;
            }
        } else {
            let mut bytes = head;
            bytes.extend_from_slice(&request.body);
            wire.send(&bytes, self.io).await?;
        }
        let http = wire.read_response(self.io).await?;
        let parsed = xml::parse_response(&http.body);
        let shown = match &parsed {
            Ok(response) => abridged(&response.describe()),
            Err(_) if http.body.is_empty() => "(no body)".to_string(),
            Err(_) => escape_abridged(&http.body, 240),
        };
        self.transcript.said(
            Who::Program,
            Some(id),
            format!("{} · {shown}", http.describe_head()),
        );
        self.answered += 1;
        let closes = http.closes() || http.framing == Framing::UntilClose;
        let reply = Reply {
            conn: id,
            http,
            parsed,
        };
        if closes {
            self.close().await;
        }
        Ok(reply)
    }

    /// A wire problem, in the learner's terms.
    fn failure(&self, e: WireError) -> Failure {
        let conn = self.open.as_ref().map_or(0, |(id, _)| *id);
        e.retell(&self.transcript, conn);
        match e {
            WireError::Closed { received } if received.is_empty() => Failure::fail(format!(
                "your server closed connection #{conn} without answering"
            )),
            WireError::Closed { received } => Failure::fail(format!(
                "your server closed connection #{conn} in the middle of its answer: {}",
                escape_abridged(&received, 160)
            )),
            WireError::Silent { waited, received } if received.is_empty() => {
                Failure::timeout(format!(
                    "your server sent nothing for {:.1} s after the whole request had been sent",
                    waited.as_secs_f64()
                ))
            }
            WireError::Silent { waited, received } => Failure::timeout(format!(
                "your server's answer stopped after {} and nothing more came for {:.1} s",
                escape_abridged(&received, 160),
                waited.as_secs_f64()
            )),
            WireError::NotHttp { received, why } => Failure::fail(format!(
                "your server answered with bytes that are not an HTTP response ({why}): {}",
                escape_abridged(&received, 160)
            )),
            WireError::ShortBody {
                head,
                expected,
                received,
                closed,
            } => Failure::fail(format!(
                "your server's answer `{head}` announced {expected} bytes of body, but {received} came {}",
                if closed {
                    "before it closed the connection"
                } else {
                    "and then nothing"
                }
            ))
            .because("Content-Length counts the bytes of the body as sent (UTF-8), not its characters"),
            WireError::NoEnd { head, received } => Failure::timeout(format!(
                "your server's answer `{head}` has neither Content-Length nor chunked encoding, \
                 and the connection stayed open after {received} bytes of body: a client cannot \
                 know where the body ends, so it waits forever"
            ))
            .because("send `Content-Length: <bytes of the body>` with every answer"),
            WireError::BadFraming { why } => {
                Failure::fail(format!("your server's answer: {why}"))
            }
            WireError::Io { why } => Failure::fail(format!("connection #{conn}: {why}")),
        }
    }
}

/// A kept connection the server had already closed: closed or reset
/// before a single byte of the answer.
fn dead_before_answer(e: &WireError) -> bool {
    match e {
        WireError::Closed { received } => received.is_empty(),
        WireError::Io { .. } => true,
        _ => false,
    }
}
