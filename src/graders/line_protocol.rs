//! `line_protocol` — newline-framed `ADD a b` / `MUL a b` over TCP.
//!
//! The script: requests sent whole, split into 1-byte writes, three in one
//! write, a hundred pipelined; 64-bit edge values; bad requests answered with
//! `ERR` on a connection that stays open. The protocol code is shared with
//! `concurrent_server`, which serves the same protocol.

use super::start_tcp_server;
use crate::harness::{Failure, Grading, Outcome, Rng};
use crate::peers::tcp::Conn;

const FRAMING: &str = "TCP delivers bytes, not messages: one read() may hold part of a line or \
several lines. Buffer until `\\n` (BufReader::read_line) and answer each line.";

/// One request and the reply the protocol demands.
pub struct Request {
    pub line: String,
    pub reply: String,
}

/// A random `ADD` or `MUL` whose result fits in an i64.
pub fn random_request(rng: &mut Rng) -> Request {
    let a = rng.range_i64(-1_000_000, 1_000_000);
    let b = rng.range_i64(-1_000_000, 1_000_000);
    if rng.next_u64().is_multiple_of(2) {
        Request {
            line: format!("ADD {a} {b}\n"),
            reply: format!("{}\n", a + b),
        }
    } else {
        Request {
            line: format!("MUL {a} {b}\n"),
            reply: format!("{}\n", a * b),
        }
    }
}

/// Reads one reply line and compares it (a trailing `\r` is tolerated).
pub async fn expect_reply(conn: &mut Conn, request: &Request) -> Result<(), Failure> {
    let what = format!("the reply to {:?}", request.line.trim_end());
    let got = conn.recv_line(&what).await?;
    let got = normalise(&got);
    crate::harness::expect_bytes(
        &what,
        request.reply.as_bytes(),
        &got,
        format!("wrong {what}"),
    )
}

/// Reads one reply line and checks it is an `ERR` line.
pub async fn expect_err(conn: &mut Conn, line: &str) -> Result<(), Failure> {
    let what = format!("the reply to the bad request {:?}", line.trim_end());
    let got = conn.recv_line(&what).await?;
    if got.starts_with(b"ERR") {
        Ok(())
    } else {
        Err(Failure::mismatch(
            format!("{what} must be an `ERR <reason>` line"),
            &what,
            b"ERR <reason>\n".to_vec(),
            got,
        ))
    }
}

fn normalise(line: &[u8]) -> Vec<u8> {
    let mut line = line.to_vec();
    if line.ends_with(b"\r\n") {
        line.remove(line.len() - 2);
    }
    line
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, mut conn) = start_tcp_server(g, &[]).await?;
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    g.reproduce(format!("{run}, then: nc 127.0.0.1 7000 and type `ADD 2 3`"));

    g.check("answers `ADD a b` and `MUL a b`", async {
        for _ in 0..2 {
            let request = g.rng(random_request);
            conn.send(request.line.as_bytes()).await?;
            expect_reply(&mut conn, &request).await?;
        }
        Ok(())
    })
    .await?;

    g.check("handles the whole signed 64-bit range", async {
        for (line, reply) in [
            ("ADD 9223372036854775000 807\n", "9223372036854775807\n"),
            ("MUL -4294967296 2147483648\n", "-9223372036854775808\n"),
            ("ADD -9223372036854775808 0\n", "-9223372036854775808\n"),
        ] {
            let request = Request {
                line: line.into(),
                reply: reply.into(),
            };
            conn.send(line.as_bytes()).await?;
            expect_reply(&mut conn, &request)
                .await
                .map_err(|f| f.because("parse the numbers as i64"))?;
        }
        Ok(())
    })
    .await?;

    g.check("answers a request that arrives one byte per write", async {
        let request = g.rng(random_request);
        conn.send_in_pieces(request.line.as_bytes(), 1).await?;
        expect_reply(&mut conn, &request)
            .await
            .map_err(|f| f.because(FRAMING))
    })
    .await?;

    g.check(
        "answers three requests sent in one write, in order",
        async {
            let requests: Vec<Request> = (0..3).map(|_| g.rng(random_request)).collect();
            let all: String = requests.iter().map(|r| r.line.as_str()).collect();
            conn.send(all.as_bytes()).await?;
            for request in &requests {
                expect_reply(&mut conn, request)
                    .await
                    .map_err(|f| f.because(FRAMING))?;
            }
            Ok(())
        },
    )
    .await?;

    g.check(
        "answers `ERR <reason>` to bad requests and keeps the connection",
        async {
            let word = g.rng(|r| r.word(3)).to_uppercase();
            for bad in [
                format!("{word} 1 2\n"),
                "ADD one two\n".to_string(),
                "MUL 7\n".to_string(),
                "\n".to_string(),
            ] {
                conn.send(bad.as_bytes()).await?;
                expect_err(&mut conn, &bad).await?;
            }
            let request = g.rng(random_request);
            conn.send(request.line.as_bytes()).await?;
            expect_reply(&mut conn, &request).await.map_err(|f| {
                f.because("after an ERR the connection stays open for the next request")
            })
        },
    )
    .await?;

    g.check("answers 100 pipelined requests, in order", async {
        let requests: Vec<Request> = (0..100).map(|_| g.rng(random_request)).collect();
        let all: String = requests.iter().map(|r| r.line.as_str()).collect();
        conn.send(all.as_bytes()).await?;
        for request in &requests {
            expect_reply(&mut conn, request).await?;
        }
        Ok(())
    })
    .await?;

    g.check(
        "serves a new connection after the first one closes",
        async {
            drop(conn);
            g.transcript
                .event(None, "netlings closed its first connection");
            let mut again = Conn::connect(g, addr).await?;
            let request = g.rng(random_request);
            again.send(request.line.as_bytes()).await?;
            expect_reply(&mut again, &request).await
        },
    )
    .await?;
    drop(program);
    Ok(())
}
