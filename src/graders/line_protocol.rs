//! `line_protocol` — newline-framed `ADD a b` / `MUL a b` over TCP.
//!
//! The script: requests sent whole, split into 1-byte writes, three in one
//! write, a hundred pipelined; 64-bit edge values; bad requests answered with
//! `ERR` on a connection that stays open. The protocol itself - requests
//! and the replies they demand - is the calculator peer's
//! (`peers::calculator`), shared with `concurrent_server`.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | TCP carries a stream of bytes, not messages: one `read` may return half a request, or three. | — | context: why the rows below are requirements |
//! | Build a calculator server whose messages are lines: | — | the introduction of the list below |
//! | Each request is one line ending in `\n`: `ADD a b` or `MUL a b`, where `a` and `b` are signed 64-bit integers (`i64`). | `answers a request that arrives one byte` `handles the whole signed 64-bit range` | `line_protocol__one_read_one_message` `line_protocol__i32` |
//! | Reply with one line: the decimal result, e.g. `ADD 2 3` → `5\n`. | `` answers `ADD a b` `` | `line_protocol__reply_without_newline` |
//! | Anything else (an unknown command, a missing or bad number) gets one line `ERR <reason>`, and the connection stays open. | `` answers `ERR <reason>` `` | `line_protocol__closes_after_error` |
//! | A client may send many requests on one connection, one after another or all in a single write. | `answers three requests` `answers 100 pipelined` | `line_protocol__one_read_one_message` `line_protocol__fixed_buffer` |
//! | Listen on `NETLINGS_ADDR`. | `listens on NETLINGS_ADDR` `serves a new connection` | `line_protocol__ipv6_loopback` `line_protocol__one_connection` |

use crate::harness::{Grading, Outcome};
use crate::peers::calculator::{self, Request, ask, expect_err, expect_reply};
use crate::peers::tcp::{self, Conn};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR",
    "answers `ADD a b` and `MUL a b`",
    "handles the whole signed 64-bit range",
    "answers a request that arrives one byte per write",
    "answers three requests sent in one write, in order",
    "answers `ERR <reason>` to bad requests and keeps the connection",
    "answers 100 pipelined requests, in order",
    "serves a new connection after the first one closes",
];

const FRAMING: &str = "TCP delivers bytes, not messages: one read() may hold part of a line or \
several lines. Buffer until `\\n` (BufReader::read_line) and answer each line.";

pub async fn grade(g: &Grading) -> Outcome {
    let (program, addr, mut conn) = g
        .check("listens on NETLINGS_ADDR", tcp::start_server(g, &[]))
        .await?;
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    g.reproduce(format!("{run}, then: nc 127.0.0.1 7000 and type `ADD 2 3`"));

    g.check("answers `ADD a b` and `MUL a b`", async {
        for _ in 0..2 {
            ask(&mut conn, &g.rng(Request::random)).await?;
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
            ask(&mut conn, &Request::new(line, reply))
                .await
                .map_err(|f| f.because("parse the numbers as i64"))?;
        }
        Ok(())
    })
    .await?;

    g.check("answers a request that arrives one byte per write", async {
        let request = g.rng(Request::random);
        conn.send_in_pieces(request.line.as_bytes(), 1).await?;
        expect_reply(&mut conn, &request)
            .await
            .map_err(|f| f.because(FRAMING))
    })
    .await?;

    g.check(
        "answers three requests sent in one write, in order",
        async {
            let requests: Vec<Request> = (0..3).map(|_| g.rng(Request::random)).collect();
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
            ask(&mut conn, &g.rng(Request::random)).await.map_err(|f| {
                f.because("after an ERR the connection stays open for the next request")
            })
        },
    )
    .await?;

    g.check("answers 100 pipelined requests, in order", async {
        let requests = g.rng(|r| calculator::pipeline(r, 100));
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
            let asked = ask(&mut again, &g.rng(Request::random)).await;
            if asked.is_err()
                && let Err(e) = tokio::net::TcpStream::connect(addr).await
            {
                // The kernel queued this connection for the listener, which
                // then closed unaccepting: it was reset unread. A second
                // try is refused, and that says why.
                return Err(tcp::connect_failed(addr, "server", &e));
            }
            asked
        },
    )
    .await?;
    drop(program);
    Ok(())
}
