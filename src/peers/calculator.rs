//! The calculator protocol of `line_protocol` and `concurrent_server`, as a
//! client speaks it: one request per line, `ADD a b` or `MUL a b` with
//! signed 64-bit numbers, one reply line each (the result, or
//! `ERR <reason>`).

use super::tcp::Conn;
use crate::harness::{Failure, Rng, expect_bytes};

/// One request and the reply the protocol demands.
pub struct Request {
    pub line: String,
    pub reply: String,
}

impl Request {
    /// A request with the reply it must get.
    pub fn new(line: &str, reply: &str) -> Request {
        Request {
            line: line.to_string(),
            reply: reply.to_string(),
        }
    }

    /// A random `ADD` or `MUL` whose result fits in an i64.
    pub fn random(rng: &mut Rng) -> Request {
        let a = rng.range_i64(-1_000_000, 1_000_000);
        let b = rng.range_i64(-1_000_000, 1_000_000);
        if rng.next_u64().is_multiple_of(2) {
            Request::new(&format!("ADD {a} {b}\n"), &format!("{}\n", a + b))
        } else {
            Request::new(&format!("MUL {a} {b}\n"), &format!("{}\n", a * b))
        }
    }
}

/// `n` random requests to send in one write. No line ends at a power-of-two
/// offset (256 B to 64 KiB) of the batch, so a server that reads into a
/// fixed buffer of such a size and takes what fills it as whole lines gets
/// a request cut in two, whatever the seed.
pub fn pipeline(rng: &mut Rng, n: usize) -> Vec<Request> {
    let mut requests = Vec::with_capacity(n);
    let mut end = 0;
    while requests.len() < n {
        let request = Request::random(rng);
        let next = end + request.line.len();
        if next >= 256 && next.is_power_of_two() {
            continue;
        }
        end = next;
        requests.push(request);
    }
    requests
}

/// Sends `request` whole and checks its reply.
pub async fn ask(conn: &mut Conn, request: &Request) -> Result<(), Failure> {
    conn.send(request.line.as_bytes()).await?;
    expect_reply(conn, request).await
}

/// Reads one reply line and compares it (a trailing `\r` is tolerated).
pub async fn expect_reply(conn: &mut Conn, request: &Request) -> Result<(), Failure> {
    let what = format!("the reply to {:?}", request.line.trim_end());
    let got = conn.recv_line(&what).await?;
    expect_bytes(
        &what,
        request.reply.as_bytes(),
        &without_cr(&got),
        format!("wrong {what}"),
    )
}

/// Reads one reply line and checks it is an `ERR` line.
pub async fn expect_err(conn: &mut Conn, line: &str) -> Result<(), Failure> {
    let what = format!("the reply to the bad request {:?}", line.trim_end());
    let got = conn.recv_line(&what).await?;
    if got.starts_with(b"ERR") {
        return Ok(());
    }
    Err(Failure::mismatch(
        format!("{what} must be an `ERR <reason>` line"),
        &what,
        b"ERR <reason>\n".to_vec(),
        got,
    ))
}

/// A line with its `\r\n` ending made `\n`.
fn without_cr(line: &[u8]) -> Vec<u8> {
    let mut line = line.to_vec();
    if line.ends_with(b"\r\n") {
        line.remove(line.len() - 2);
    }
    line
}
