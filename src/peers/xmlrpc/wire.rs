//! HTTP/1.1 messages read byte-exactly from a TCP connection.
//!
//! An HTTP library would hide what XML-RPC graders must see: whether a
//! request had a `Content-Length` at all, whether it was right (too small,
//! and the rest of the body is left behind on the connection; too large,
//! and the reader waits for bytes that never come), and what exactly a
//! program sent when it was not HTTP. So heads are parsed with httparse,
//! and bodies are read here, by `Content-Length`, `chunked`, or until the
//! connection closes.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::Transcript;
use crate::report::Who;

/// The longest head netlings reads before calling it garbage.
const MAX_HEAD: usize = 64 * 1024;
/// The largest body netlings reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// How the end of a body was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// A `Content-Length` header.
    Length(usize),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither: a response read until the connection closed.
    UntilClose,
    /// Neither, in a request: HTTP/1.1 says it has no body.
    Absent,
}

/// One request or response, as it crossed the wire.
#[derive(Debug, Clone)]
pub struct Message {
    /// `POST /RPC2 HTTP/1.1` or `HTTP/1.1 200 OK`.
    pub start_line: String,
    /// A request's method and target; empty in a response.
    pub method: String,
    pub target: String,
    /// A response's status; 0 in a request.
    pub status: u16,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub version: u8,
    /// Names as sent, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub framing: Framing,
    /// Bytes that had already arrived right behind the body when it was
    /// complete: the rest of a body whose `Content-Length` was too small,
    /// or (harmlessly) the next pipelined request.
    pub excess: Vec<u8>,
}

impl Message {
    /// The first value of header `name` (any letter case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the sender said it will close the connection after this
    /// message (`Connection: close`, or HTTP/1.0 without keep-alive).
    pub fn closes(&self) -> bool {
        let tokens = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if tokens.split(',').any(|t| t.trim() == "close") {
            return true;
        }
        self.version == 0 && !tokens.split(',').any(|t| t.trim() == "keep-alive")
    }

    /// Whether `Content-Type` is `text/xml` (parameters such as a charset
    /// allowed).
    pub fn is_text_xml(&self) -> bool {
        self.header("content-type").is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/xml"))
        })
    }

    /// The head as the transcript shows it: `POST /RPC2 HTTP/1.1 · content-type: text/xml · …`
    /// (without `host`, `user-agent` and `accept-encoding`, which say nothing here).
    pub fn describe_head(&self) -> String {
        let mut text = self.start_line.clone();
        for (name, value) in &self.headers {
            if ["host", "user-agent", "accept-encoding", "accept"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n))
            {
                continue;
            }
            text.push_str(&format!(" · {}: {value}", name.to_ascii_lowercase()));
        }
        text
    }
}

/// Why a message could not be read.
#[derive(Debug, Clone)]
pub enum WireError {
    /// The connection closed. `received` is what had come of the message.
    Closed { received: Vec<u8> },
    /// Nothing more came for `waited`. `received` is what had come.
    Silent { waited: Duration, received: Vec<u8> },
    /// The bytes are not an HTTP message head (httparse's reason).
    NotHttp { received: Vec<u8>, why: String },
    /// A `Content-Length` that is not a number, or a chunk size that is not.
    BadFraming { why: String },
    /// Fewer body bytes than `Content-Length` said came before the
    /// connection closed (`closed`) or went quiet.
    ShortBody {
        head: String,
        expected: usize,
        received: usize,
        closed: bool,
    },
    /// A response without `Content-Length` or `chunked` whose connection
    /// stayed open: its end cannot be known.
    NoEnd { head: String, received: usize },
    /// Reset, or another socket error.
    Io { why: String },
}

impl WireError {
    /// Tells the transcript what the trouble shows of the wire, on `conn`:
    /// what the program had sent of its message (the first wrong one), and
    /// whether it closed or reset the connection.
    pub fn retell(&self, t: &Transcript, conn: u32) {
        let (sent, closed) = match self {
            WireError::Closed { received } => (Some(received), true),
            WireError::Silent { received, .. } | WireError::NotHttp { received, .. } => {
                (Some(received), false)
            }
            WireError::ShortBody {
                head,
                expected,
                received,
                closed,
            } => {
                let text = format!("{head} · {received} of its {expected} bytes of body");
                t.said_sized(Who::Program, Some(conn), text, *received);
                t.mark_wrong();
                (None, *closed)
            }
            WireError::NoEnd { head, received } => {
                t.said_sized(Who::Program, Some(conn), head.clone(), *received);
                t.mark_wrong();
                (None, false)
            }
            WireError::BadFraming { .. } => (None, false),
            WireError::Io { why } => {
                t.reset(conn, Who::Program, format!("the connection broke: {why}"));
                (None, false)
            }
        };
        if let Some(bytes) = sent.filter(|b| !b.is_empty()) {
            t.received(conn, bytes);
            t.mark_wrong();
        }
        if closed {
            t.closed(conn, Who::Program, "your program closed the connection");
        }
    }
}

/// One side of a TCP connection speaking HTTP/1.1.
pub struct Wire {
    stream: TcpStream,
    /// Bytes read but not yet part of a message.
    buf: Vec<u8>,
    eof: bool,
}

impl Wire {
    pub fn new(stream: TcpStream) -> Wire {
        let _ = stream.set_nodelay(true);
        Wire {
            stream,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Whether the peer has closed its side and every byte it sent has been
    /// consumed.
    pub fn drained_and_closed(&self) -> bool {
        self.eof && self.buf.is_empty()
    }

    /// Sends `bytes`, all of them.
    pub async fn send(&mut self, bytes: &[u8], within: Duration) -> Result<(), WireError> {
        match tokio::time::timeout(within, self.stream.write_all(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(WireError::Io { why: io_text(&e) }),
            Err(_) => Err(WireError::Silent {
                waited: within,
                received: Vec::new(),
            }),
        }
    }

    /// Closes the connection (both directions).
    pub async fn close(&mut self) {
        let _ = self.stream.shutdown().await;
    }

    /// Reads more bytes into the buffer; false at EOF.
    async fn fill(&mut self, wait: Duration, so_far: usize) -> Result<bool, WireError> {
        if self.eof {
            return Ok(false);
        }
        let mut chunk = [0u8; 16 * 1024];
        match tokio::time::timeout(wait, self.stream.read(&mut chunk)).await {
            Err(_) => Err(WireError::Silent {
                waited: wait,
                received: self.buf[..so_far.min(self.buf.len())].to_vec(),
            }),
            Ok(Ok(0)) => {
                self.eof = true;
                Ok(false)
            }
            Ok(Ok(n)) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Ok(Err(e)) => Err(WireError::Io { why: io_text(&e) }),
        }
    }

    /// Reads one request. `Ok(None)`: the client closed the connection
    /// between requests, which is how a client says it is done.
    pub async fn read_request(&mut self, wait: Duration) -> Result<Option<Message>, WireError> {
        // A client may send an empty line or two before a request.
        loop {
            while self.buf.starts_with(b"\r\n") {
                self.buf.drain(..2);
            }
            if self.buf.starts_with(b"\n") {
                self.buf.drain(..1);
                continue;
            }
            if !self.buf.is_empty() {
                break;
            }
            if !self.fill(wait, 0).await? {
                return Ok(None);
            }
        }
        let head_len = loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) => break n,
                Ok(httparse::Status::Partial) if self.buf.len() > MAX_HEAD => {
                    return Err(WireError::NotHttp {
                        received: self.buf.clone(),
                        why: format!("no blank line after {} bytes", self.buf.len()),
                    });
                }
                Ok(httparse::Status::Partial) => {
                    if !self.fill(wait, self.buf.len()).await? {
                        return Err(WireError::Closed {
                            received: std::mem::take(&mut self.buf),
                        });
                    }
                }
                Err(e) => {
                    return Err(WireError::NotHttp {
                        received: self.buf.clone(),
                        why: e.to_string(),
                    });
                }
            }
        };
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        req.parse(&self.buf).expect("parsed once already");
        let method = req.method.unwrap_or_default().to_string();
        let target = req.path.unwrap_or_default().to_string();
        let version = req.version.unwrap_or(1);
        let headers = owned(req.headers);
        let mut message = Message {
            start_line: format!("{method} {target} HTTP/1.{version}"),
            method,
            target,
            status: 0,
            version,
            headers,
            body: Vec::new(),
            framing: Framing::Absent,
            excess: Vec::new(),
        };
        self.buf.drain(..head_len);
        self.read_body(&mut message, wait, false).await?;
        Ok(Some(message))
    }

    /// Reads one response.
    pub async fn read_response(&mut self, wait: Duration) -> Result<Message, WireError> {
        let head_len = loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut resp = httparse::Response::new(&mut headers);
            match resp.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) => break n,
                Ok(httparse::Status::Partial) if self.buf.len() > MAX_HEAD => {
                    return Err(WireError::NotHttp {
                        received: self.buf.clone(),
                        why: format!("no blank line after {} bytes", self.buf.len()),
                    });
                }
                Ok(httparse::Status::Partial) => {
                    if !self.fill(wait, self.buf.len()).await? {
                        return Err(WireError::Closed {
                            received: std::mem::take(&mut self.buf),
                        });
                    }
                }
                Err(e) => {
                    return Err(WireError::NotHttp {
                        received: self.buf.clone(),
                        why: e.to_string(),
                    });
                }
            }
        };
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut resp = httparse::Response::new(&mut headers);
        resp.parse(&self.buf).expect("parsed once already");
        let status = resp.code.unwrap_or(0);
        let version = resp.version.unwrap_or(1);
        let reason = resp.reason.unwrap_or("").to_string();
        let headers = owned(resp.headers);
        let mut message = Message {
            start_line: format!("HTTP/1.{version} {status} {reason}")
                .trim_end()
                .to_string(),
            method: String::new(),
            target: String::new(),
            status,
            version,
            headers,
            body: Vec::new(),
            framing: Framing::Absent,
            excess: Vec::new(),
        };
        self.buf.drain(..head_len);
        let bodiless = (100..200).contains(&status) || status == 204 || status == 304;
        if !bodiless {
            self.read_body(&mut message, wait, true).await?;
        }
        Ok(message)
    }

    async fn read_body(
        &mut self,
        message: &mut Message,
        wait: Duration,
        response: bool,
    ) -> Result<(), WireError> {
        let chunked = message
            .header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            message.framing = Framing::Chunked;
            message.body = self.read_chunked(wait).await?;
        } else if let Some(length) = message.header("content-length") {
            let n: usize = length.trim().parse().map_err(|_| WireError::BadFraming {
                why: format!("`Content-Length: {length}` is not a number of bytes"),
            })?;
            if n > MAX_BODY {
                return Err(WireError::BadFraming {
                    why: format!("`Content-Length: {n}` is more than netlings reads"),
                });
            }
            message.framing = Framing::Length(n);
            while self.buf.len() < n {
                let closed = match self.fill(wait, self.buf.len()).await {
                    Ok(true) => continue,
                    Ok(false) => true,
                    Err(WireError::Silent { .. }) => false,
                    Err(e) => return Err(e),
                };
                return Err(WireError::ShortBody {
                    head: message.describe_head(),
                    expected: n,
                    received: self.buf.len(),
                    closed,
                });
            }
            message.body = self.buf.drain(..n).collect();
            message.excess = self.buf.clone();
        } else if response {
            message.framing = Framing::UntilClose;
            loop {
                match self.fill(wait, self.buf.len()).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(WireError::Silent { .. }) => {
                        return Err(WireError::NoEnd {
                            head: message.describe_head(),
                            received: self.buf.len(),
                        });
                    }
                    Err(e) => return Err(e),
                }
                if self.buf.len() > MAX_BODY {
                    return Err(WireError::BadFraming {
                        why: "a body larger than netlings reads".into(),
                    });
                }
            }
            message.body = std::mem::take(&mut self.buf);
        }
        Ok(())
    }

    async fn read_chunked(&mut self, wait: Duration) -> Result<Vec<u8>, WireError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line(wait).await?;
            let size_text = line.split(';').next().unwrap_or("").trim().to_string();
            let size =
                usize::from_str_radix(&size_text, 16).map_err(|_| WireError::BadFraming {
                    why: format!("the chunk size {size_text:?} is not hexadecimal"),
                })?;
            if size == 0 {
                // Trailer fields, up to an empty line.
                while !self.read_line(wait).await?.is_empty() {}
                return Ok(body);
            }
            if body.len() + size > MAX_BODY {
                return Err(WireError::BadFraming {
                    why: "a body larger than netlings reads".into(),
                });
            }
            while self.buf.len() < size + 2 {
                if !self.fill(wait, self.buf.len()).await? {
                    return Err(WireError::Closed {
                        received: std::mem::take(&mut self.buf),
                    });
                }
            }
            body.extend(self.buf.drain(..size));
            if !self.buf.starts_with(b"\r\n") {
                return Err(WireError::BadFraming {
                    why: "a chunk is not followed by \\r\\n".into(),
                });
            }
            self.buf.drain(..2);
        }
    }

    async fn read_line(&mut self, wait: Duration) -> Result<String, WireError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                return Ok(String::from_utf8_lossy(&line).trim_end().to_string());
            }
            if self.buf.len() > MAX_HEAD {
                return Err(WireError::BadFraming {
                    why: "a chunk-size line without an end".into(),
                });
            }
            if !self.fill(wait, self.buf.len()).await? {
                return Err(WireError::Closed {
                    received: std::mem::take(&mut self.buf),
                });
            }
        }
    }
}

fn owned(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect()
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => {
            "the connection was reset (closed with data unread, or a crash)".to_string()
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn pair() -> (TcpStream, Wire) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (client, Wire::new(server))
    }

    const WAIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn requests_by_length_with_what_follows() {
        let (mut client, mut wire) = pair().await;
        client
            .write_all(b"\r\nPOST /RPC2 HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: 3\r\n\r\nabcdefGET")
            .await
            .unwrap();
        let r = wire.read_request(WAIT).await.unwrap().unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/RPC2"));
        assert_eq!(r.body, b"abc");
        assert_eq!(r.framing, Framing::Length(3));
        assert_eq!(r.excess, b"defGET");
        assert!(r.is_text_xml());
    }

    #[tokio::test]
    async fn a_request_without_length_has_no_body() {
        let (mut client, mut wire) = pair().await;
        client
            .write_all(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n<xml/>")
            .await
            .unwrap();
        let r = wire.read_request(WAIT).await.unwrap().unwrap();
        assert_eq!(r.framing, Framing::Absent);
        assert!(r.body.is_empty());
        let garbage = wire.read_request(WAIT).await.unwrap_err();
        assert!(matches!(garbage, WireError::NotHttp { .. }), "{garbage:?}");
    }

    #[tokio::test]
    async fn responses_chunked_or_until_close() {
        let (mut client, mut wire) = pair().await;
        client
            .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            .await
            .unwrap();
        let r = wire.read_response(WAIT).await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abcde"[..]));
        client
            .write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n\r\nrest")
            .await
            .unwrap();
        drop(client);
        let r = wire.read_response(WAIT).await.unwrap();
        assert_eq!(
            (r.framing, r.body.as_slice()),
            (Framing::UntilClose, &b"rest"[..])
        );
        assert!(r.closes() && r.is_text_xml());
    }

    #[tokio::test]
    async fn a_body_shorter_than_its_length_is_waited_for_then_reported() {
        let (mut client, mut wire) = pair().await;
        client
            .write_all(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
            .await
            .unwrap();
        let e = wire
            .read_request(Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(
            matches!(
                &e,
                WireError::ShortBody {
                    expected: 10,
                    received: 3,
                    closed: false,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
