//! WebSocket peers: a client on tokio-tungstenite that records every message
//! (opcode, payload, close code) in the transcript, and frame-level helpers
//! for graders that judge the bytes themselves (masking, opcodes, lengths).
//!
//! tungstenite enforces the RFC on what it receives (a masked frame from a
//! server, a reset without a close frame): those become verdicts that name
//! the rule.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use sha1::Digest as _;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::harness::{Failure, Grading, Transcript};
use crate::report::{Status, Who, escape_abridged, size};

/// The GUID RFC 6455 appends to the client's key.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)).
pub fn accept_key(key: &str) -> String {
    let digest = sha1::Sha1::digest(format!("{key}{GUID}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// A message as a transcript shows it: `text "hi"`, `close 4001 "bye"`.
pub fn describe(msg: &Message) -> String {
    match msg {
        Message::Text(t) => format!("text {}", escape_abridged(t.as_bytes(), 100)),
        Message::Binary(b) => format!("binary {}", escape_abridged(b, 60)),
        Message::Ping(p) => format!("ping {}", escape_abridged(p, 60)),
        Message::Pong(p) => format!("pong {}", escape_abridged(p, 60)),
        Message::Close(None) => "close (no code)".to_string(),
        Message::Close(Some(f)) => format!("close {} {:?}", u16::from(f.code), f.reason.as_str()),
        Message::Frame(_) => "raw frame".to_string(),
    }
}

/// A WebSocket connection as a grader uses it, from either end: netlings
/// as the client (`connect`, `handshake`) or as the server (`accept`).
pub struct WsConn {
    ws: WebSocketStream<TcpStream>,
    pub id: u32,
    transcript: Transcript,
    io: Duration,
}

impl WsConn {
    /// Connects and completes the opening handshake for `path`.
    pub async fn connect(g: &Grading, addr: SocketAddr, path: &str) -> Result<WsConn, Failure> {
        let stream = TcpStream::connect(addr).await.map_err(|e| {
            Failure::fail(format!("could not connect to {addr}: {e}"))
                .because("is your server still accepting connections?")
        })?;
        WsConn::handshake(g, stream, path).await
    }

    /// Completes the opening handshake on an open TCP connection.
    pub async fn handshake(g: &Grading, stream: TcpStream, path: &str) -> Result<WsConn, Failure> {
        let _ = stream.set_nodelay(true);
        let addr = stream
            .peer_addr()
            .map_or("?".to_string(), |a| a.to_string());
        let id = g.transcript.new_conn();
        let url = format!("ws://{addr}{path}");
        g.transcript
            .opened(id, Who::Netlings, format!("netlings connected to {addr}"));
        g.transcript.said(
            Who::Netlings,
            Some(id),
            format!("GET {path} with Upgrade: websocket (opening handshake)"),
        );
        let shake = tokio_tungstenite::client_async(url.as_str(), stream);
        let (ws, response) = match tokio::time::timeout(g.limits.io, shake).await {
            Err(_) => {
                return Err(Failure::timeout(format!(
                    "your server did not answer the WebSocket handshake (GET {path} with Upgrade: websocket) within {} s",
                    g.limits.io.as_secs()
                )));
            }
            Ok(Err(e)) => {
                if let WsError::Http(response) = &e {
                    g.transcript
                        .said(Who::Program, Some(id), format!("{}", response.status()));
                    g.transcript.mark_wrong();
                } else {
                    note_error(&g.transcript, id, &e);
                }
                return Err(handshake_failure(&e));
            }
            Ok(Ok(done)) => done,
        };
        g.transcript.said(
            Who::Program,
            Some(id),
            format!("{} (handshake complete)", response.status()),
        );
        Ok(WsConn {
            ws,
            id,
            transcript: g.transcript.clone(),
            io: g.limits.io,
        })
    }

    /// Accepts a learner's client on an accepted TCP connection.
    pub async fn accept(g: &Grading, stream: TcpStream) -> Result<WsConn, Failure> {
        let _ = stream.set_nodelay(true);
        let id = g.transcript.new_conn();
        let accept = tokio_tungstenite::accept_async(stream);
        let ws = match tokio::time::timeout(g.limits.io, accept).await {
            Err(_) => {
                return Err(Failure::timeout(format!(
                    "your client connected but sent no WebSocket handshake within {} s",
                    g.limits.io.as_secs()
                )));
            }
            Ok(Err(e)) => {
                return Err(Failure::fail(format!(
                    "your client's WebSocket handshake was not valid: {e}"
                ))
                .because("connect with a ws:// URL (tokio_tungstenite::connect_async)"));
            }
            Ok(Ok(ws)) => ws,
        };
        g.transcript.opened(
            id,
            Who::Program,
            "your client opened a WebSocket (handshake complete)",
        );
        Ok(WsConn {
            ws,
            id,
            transcript: g.transcript.clone(),
            io: g.limits.io,
        })
    }

    /// Ends the connection abruptly: the TCP connection closes without a
    /// close frame, as when a server crashes or a network path dies.
    pub fn drop_abruptly(self) {
        self.transcript.closed(
            self.id,
            Who::Netlings,
            "netlings drops the connection (no close frame)",
        );
        drop(self.ws);
    }

    pub async fn send(&mut self, msg: Message) -> Result<(), Failure> {
        self.transcript
            .said_sized(Who::Netlings, Some(self.id), describe(&msg), msg.len());
        match tokio::time::timeout(self.io * 2, self.ws.send(msg)).await {
            Err(_) => Err(Failure::timeout(format!(
                "could not send within {} s: your program stopped reading connection #{}",
                (self.io * 2).as_secs(),
                self.id
            ))),
            Ok(Err(e)) => {
                note_error(&self.transcript, self.id, &e);
                Err(ws_failure(&e, self.id, "sending"))
            }
            Ok(Ok(())) => Ok(()),
        }
    }

    /// The next message within the io deadline.
    pub async fn recv(&mut self, what: &str) -> Result<Message, Failure> {
        self.recv_within(self.io, what).await
    }

    /// The next message within `within`, pings aside: either end may ping
    /// at any time (a heartbeat), tungstenite answers them, and like any
    /// WebSocket application netlings does not count them as messages.
    pub async fn recv_within(&mut self, within: Duration, what: &str) -> Result<Message, Failure> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => {
                    return Err(Failure::timeout(format!(
                        "waited {:.1} s on connection #{} for {what}; nothing came",
                        within.as_secs_f64(),
                        self.id
                    )));
                }
                Ok(None) => {
                    self.transcript.closed(
                        self.id,
                        Who::Program,
                        "your program closed the connection",
                    );
                    return Err(Failure::fail(format!(
                        "waiting for {what}, connection #{} ended",
                        self.id
                    )));
                }
                Ok(Some(Err(e))) => {
                    note_error(&self.transcript, self.id, &e);
                    return Err(ws_failure(&e, self.id, &format!("waiting for {what}")));
                }
                Ok(Some(Ok(msg))) => {
                    self.transcript.said_sized(
                        Who::Program,
                        Some(self.id),
                        describe(&msg),
                        msg.len(),
                    );
                    if !matches!(msg, Message::Ping(_)) {
                        return Ok(msg);
                    }
                }
            }
        }
    }

    /// The next data message (or close), past pongs: a pong that is not
    /// awaited is a heartbeat (RFC 6455, 5.5.3: it may come unsolicited).
    async fn recv_data(&mut self, what: &str) -> Result<Message, Failure> {
        loop {
            let msg = self.recv(what).await?;
            if !matches!(msg, Message::Pong(_)) {
                return Ok(msg);
            }
        }
    }

    /// The next message must be exactly `expected`.
    pub async fn expect(&mut self, expected: &Message, what: &str) -> Result<(), Failure> {
        let got = match expected {
            Message::Pong(_) => self.recv(what).await?,
            _ => self.recv_data(what).await?,
        };
        if &got == expected {
            return Ok(());
        }
        Err(mismatch(what, expected, &got))
    }

    /// The next text message, with what it says.
    pub async fn recv_text(&mut self, what: &str) -> Result<String, Failure> {
        match self.recv_data(what).await? {
            Message::Text(t) => Ok(t.as_str().to_string()),
            other => Err(Failure::fail(format!(
                "waiting for {what} (a text message), your program sent {}",
                describe(&other)
            ))),
        }
    }

    /// Nothing that counts arrives for `quiet`: pings never count, and
    /// `ignore` says which other messages do not. `what` says who expects
    /// the silence, for the message.
    pub async fn expect_silence(
        &mut self,
        quiet: Duration,
        what: &str,
        mut ignore: impl FnMut(&Message) -> bool,
    ) -> Result<(), Failure> {
        let until = tokio::time::Instant::now() + quiet;
        loop {
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            match self.recv_within(left, "nothing").await {
                Err(f) if f.status == Status::Timeout => return Ok(()),
                Err(f) => return Err(f),
                Ok(msg) if ignore(&msg) => {}
                Ok(msg) => {
                    return Err(Failure::fail(format!(
                        "{what}: connection #{} received {} where nothing was expected",
                        self.id,
                        describe(&msg)
                    )));
                }
            }
        }
    }

    /// The connection ends - the stream closes, with or without its closing
    /// handshake - within the io deadline, with nothing more said (pings
    /// aside).
    pub async fn expect_end(&mut self, what: &str) -> Result<(), Failure> {
        let deadline = tokio::time::Instant::now() + self.io;
        loop {
            match tokio::time::timeout_at(deadline, self.ws.next()).await {
                Err(_) => {
                    return Err(Failure::timeout(format!(
                        "{what}: connection #{} was still open {:.1} s later",
                        self.id,
                        self.io.as_secs_f64()
                    )));
                }
                Ok(None)
                | Ok(Some(Err(
                    WsError::ConnectionClosed
                    | WsError::AlreadyClosed
                    | WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake),
                ))) => {
                    self.transcript.closed(
                        self.id,
                        Who::Program,
                        "your program closed the connection",
                    );
                    return Ok(());
                }
                Ok(Some(Err(e))) => {
                    note_error(&self.transcript, self.id, &e);
                    return Err(ws_failure(&e, self.id, what));
                }
                Ok(Some(Ok(Message::Ping(_)))) => {}
                Ok(Some(Ok(msg))) => {
                    self.transcript.said_sized(
                        Who::Program,
                        Some(self.id),
                        describe(&msg),
                        msg.len(),
                    );
                    return Err(Failure::fail(format!(
                        "{what}: your program sent {} instead",
                        describe(&msg)
                    )));
                }
            }
        }
    }

    /// Sends a close frame and goes, without waiting for the reply (a client
    /// leaving; the closing handshake itself is judged elsewhere).
    pub async fn leave(mut self, code: u16, reason: &str) {
        let frame = self.announce_close(code, reason);
        let _ = tokio::time::timeout(self.io, self.ws.send(Message::Close(Some(frame)))).await;
    }

    /// The close frame netlings sends, recorded in the transcript.
    fn announce_close(&self, code: u16, reason: &str) -> CloseFrame {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_string().into(),
        };
        self.transcript.said(
            Who::Netlings,
            Some(self.id),
            describe(&Message::Close(Some(frame.clone()))),
        );
        frame
    }

    /// Starts the closing handshake with `code` and waits for the reply.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<Option<CloseFrame>, Failure> {
        let frame = self.announce_close(code, reason);
        self.ws
            .close(Some(frame))
            .await
            .map_err(|e| ws_failure(&e, self.id, "sending the close frame"))?;
        loop {
            match self.recv("the reply to netlings' close frame").await? {
                Message::Close(reply) => return Ok(reply),
                Message::Text(_) | Message::Binary(_) => {}
                _ => {}
            }
        }
    }
}

fn mismatch(what: &str, expected: &Message, got: &Message) -> Failure {
    let kind = |m: &Message| match m {
        Message::Text(_) => "text",
        Message::Binary(_) => "binary",
        Message::Ping(_) => "ping",
        Message::Pong(_) => "pong",
        Message::Close(_) => "close",
        Message::Frame(_) => "frame",
    };
    if kind(expected) != kind(got) {
        return Failure::fail(format!(
            "{what}: expected a {} message, your program sent {}",
            kind(expected),
            describe(got)
        ));
    }
    Failure::mismatch(
        format!("{what}: the {} message differs", kind(got)),
        what,
        payload(expected),
        payload(got),
    )
}

fn payload(m: &Message) -> Vec<u8> {
    match m {
        Message::Text(t) => t.as_bytes().to_vec(),
        Message::Binary(b) | Message::Ping(b) | Message::Pong(b) => b.to_vec(),
        Message::Close(Some(f)) => f.reason.as_bytes().to_vec(),
        _ => Vec::new(),
    }
}

/// A WebSocket error in the learner's terms, naming the rule broken.
/// What an error of the connection tells of the wire, in the transcript:
/// the program closed or reset it, or sent a frame that breaks the
/// protocol (the first wrong message).
fn note_error(transcript: &Transcript, conn: u32, e: &WsError) {
    match e {
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => transcript.closed(
            conn,
            Who::Program,
            "your program closed the connection without a close frame",
        ),
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            transcript.closed(conn, Who::Program, "the connection is closed")
        }
        WsError::Io(io) => {
            transcript.reset(conn, Who::Program, format!("the connection broke: {io}"))
        }
        other => {
            transcript.said(
                Who::Program,
                Some(conn),
                format!("a frame netlings rejects: {other}"),
            );
            transcript.mark_wrong();
        }
    }
}

pub fn ws_failure(e: &WsError, conn: u32, doing: &str) -> Failure {
    match e {
        WsError::Protocol(ProtocolError::MaskedFrameFromServer) => Failure::fail(format!(
            "{doing}: your server sent a masked frame on connection #{conn}"
        ))
        .because("frames from a server are never masked; only client frames are (RFC 6455, 5.1)"),
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => Failure::fail(format!(
            "{doing}: your program closed connection #{conn} without a close frame"
        ))
        .because(
            "a WebSocket ends with a closing handshake: answer the peer's close frame with one of your own \
             (tungstenite sends it on the next read after it returned Message::Close - keep reading until the stream ends)",
        ),
        WsError::ConnectionClosed | WsError::AlreadyClosed => Failure::fail(format!(
            "{doing}: connection #{conn} is closed"
        )),
        WsError::Io(io) => Failure::fail(format!("{doing}: connection #{conn}: {io}")),
        other => Failure::fail(format!("{doing}: connection #{conn}: {other}")),
    }
}

fn handshake_failure(e: &WsError) -> Failure {
    match e {
        WsError::Http(response) => Failure::fail(format!(
            "your server answered the WebSocket upgrade with {}, not 101 Switching Protocols",
            response.status()
        )),
        WsError::Protocol(ProtocolError::SecWebSocketAcceptKeyMismatch) => {
            Failure::fail("your server's Sec-WebSocket-Accept does not match the key netlings sent")
                .because(format!(
                    "Sec-WebSocket-Accept is base64(SHA-1(Sec-WebSocket-Key + \"{GUID}\"))"
                ))
        }
        WsError::Protocol(ProtocolError::HandshakeIncomplete) => Failure::fail(
            "your server closed the connection without answering the WebSocket upgrade request",
        ),
        WsError::Protocol(p) => Failure::fail(format!("the WebSocket handshake failed: {p}")),
        WsError::Io(io) => Failure::fail(format!(
            "the WebSocket handshake failed: {io} (did your server close the connection?)"
        )),
        other => Failure::fail(format!("the WebSocket handshake failed: {other}")),
    }
}

/// One frame as it crossed the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub opcode: u8,
    pub masked: bool,
    /// Unmasked payload.
    pub payload: Vec<u8>,
}

/// A frame's bytes: FIN set, `opcode`, masked with `mask` if given.
pub fn encode_frame(opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = vec![0x80 | opcode];
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(mask_bit | n as u8),
        n if n <= 0xffff => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(m) => {
            out.extend_from_slice(&m);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ m[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// Reads one frame from a raw connection, byte by byte as the RFC lays it out.
pub async fn read_frame(conn: &mut crate::peers::tcp::Conn, what: &str) -> Result<Frame, Failure> {
    let head = conn
        .recv_exact(2, &format!("the first 2 bytes of {what}"))
        .await?;
    let fin = head[0] & 0x80 != 0;
    let opcode = head[0] & 0x0f;
    let masked = head[1] & 0x80 != 0;
    let len = match head[1] & 0x7f {
        126 => {
            let ext = conn
                .recv_exact(2, &format!("the 16-bit length of {what}"))
                .await?;
            u64::from(u16::from_be_bytes([ext[0], ext[1]]))
        }
        127 => {
            let ext = conn
                .recv_exact(8, &format!("the 64-bit length of {what}"))
                .await?;
            u64::from_be_bytes(ext.try_into().expect("8 bytes"))
        }
        n => u64::from(n),
    };
    if len > 16 * 1024 * 1024 {
        return Err(Failure::fail(format!(
            "{what} announces a payload of {len} bytes: the frame header is malformed"
        )));
    }
    let mask = if masked {
        Some(
            conn.recv_exact(4, &format!("the masking key of {what}"))
                .await?,
        )
    } else {
        None
    };
    let mut payload = conn
        .recv_exact(
            len as usize,
            &format!("the {}-byte payload of {what}", size(len as usize)),
        )
        .await?;
    if let Some(m) = mask {
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= m[i % 4];
        }
    }
    Ok(Frame {
        fin,
        opcode,
        masked,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_key() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn frames_encode_their_lengths() {
        assert_eq!(encode_frame(1, b"hi", None), vec![0x81, 2, b'h', b'i']);
        let long = encode_frame(2, &[0; 300], None);
        assert_eq!(&long[..4], &[0x82, 126, 1, 44]);
        let masked = encode_frame(1, b"ab", Some([1, 2, 3, 4]));
        assert_eq!(masked, vec![0x81, 0x82, 1, 2, 3, 4, b'a' ^ 1, b'b' ^ 2]);
    }
}
