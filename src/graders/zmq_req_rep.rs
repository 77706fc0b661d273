//! `zmq_req_rep` — a REP calculator that answers every request of every
//! REQ client, in lock-step.
//!
//! netlings connects REQ sockets of its own (ZMTP, as libzmq's): it checks
//! the results of `ADD` and `MUL` over the whole signed 64-bit range,
//! `ERR overflow` where a result does not fit, `ERR <reason>` for anything
//! else; then four clients send at once and read their answers in reverse
//! order (each must get its own); then a request of two frames and one
//! that is not UTF-8 (each must get an `ERR`, since a REP that does not
//! answer leaves its client waiting forever), and a last request must still
//! be served.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | ZeroMQ has no broker: your program *is* the server, a REP socket bound at `NETLINGS_ENDPOINT` (`tcp://127.0.0.1:<port>`). | `binds a REP socket` | `zmq_req_rep__connects` |
//! | REQ clients connect to it and ask in lock-step: one request, then wait for its reply. | — | what netlings' clients do |
//! | Each request is one frame, `ADD a b` or `MUL a b`, with `a` and `b` signed 64-bit integers. Answer with one frame: | `ADD and MUL` | `zmq_req_rep__i32` `zmq_req_rep__reply_on_request` |
//! | the result in decimal (`ADD 2 -5` → `-3`); | `ADD and MUL` | `zmq_req_rep__i32` |
//! | `ERR overflow` when the result does not fit 64 bits; | `a result that does not fit` | `zmq_req_rep__wrapping` |
//! | `ERR <reason>` for anything else (another operation, a missing or extra operand, something that is not a 64-bit integer). | `anything else` | `zmq_req_rep__ignores_extra_operands` |
//! | Several clients are connected at once and may all be waiting: each must get the answer to its own request. | `several REQ clients` | `zmq_req_rep__router_first_client` |
//! | A request of more than one frame, or one that is not UTF-8, gets `ERR <reason>` too, and the server goes on serving: a REP that does not answer leaves its client waiting forever. | `extra frames` | `zmq_req_rep__drops_bad_frame` `zmq_req_rep__panics_on_bad_utf8` |

use bytes::Bytes;
use zeromq::ReqSocket;

use crate::harness::{Failure, Grading, Outcome, Program};
use crate::peers::zmq::{Peer, Zmq, describe, replay, text};

pub const CHECKS: &[&str] = &[
    "binds a REP socket at NETLINGS_ENDPOINT",
    "ADD and MUL of signed 64-bit integers: the decimal result",
    "a result that does not fit 64 bits: `ERR overflow`",
    "anything else: `ERR <reason>`",
    "several REQ clients at once: each gets its own answer",
    "extra frames or invalid UTF-8: `ERR`, and the server keeps serving",
];

const SHOWN_ENDPOINT: &str = "tcp://127.0.0.1:7000";

type Req = Peer<ReqSocket>;

fn frame(text: &str) -> Vec<Bytes> {
    vec![Bytes::copy_from_slice(text.as_bytes())]
}

/// Sets the replay line for `requests`.
fn replay_line(g: &Grading, requests: &[Vec<Bytes>]) {
    g.reproduce(format!(
        "{}, then: {}",
        g.run_command(&[("NETLINGS_ENDPOINT", SHOWN_ENDPOINT)]),
        replay::req(SHOWN_ENDPOINT, requests)
    ));
}

/// The one-frame answer to a request already sent by `req`.
async fn answer(program: &Program, req: &mut Req, request: &[Bytes]) -> Result<String, Failure> {
    let reply = req
        .recv(program, &format!("the answer to {}", describe(request)))
        .await
        .map_err(|f| {
            f.because(
                "a REP must send one reply for each request it receives, before its next recv: \
                 without it the client, in lock-step, waits forever",
            )
        })?;
    if reply.len() != 1 {
        return Err(Failure::fail(format!(
            "the answer to {} came as {} frames, {}: an answer is one frame",
            describe(request),
            reply.len(),
            describe(&reply)
        )));
    }
    Ok(text(&reply[0]))
}

/// Sends one request, and returns its one-frame answer.
async fn ask(program: &Program, req: &mut Req, request: Vec<Bytes>) -> Result<String, Failure> {
    req.send(request.clone()).await?;
    answer(program, req, &request).await
}

fn expect_answer(request: &str, want: &str, got: &str) -> Result<(), Failure> {
    if got == want {
        return Ok(());
    }
    Err(Failure::mismatch(
        format!("`{request}` got the wrong answer"),
        format!("the answer to `{request}`"),
        want.as_bytes(),
        got.as_bytes(),
    ))
}

fn expect_err(request: &str, got: &str) -> Result<(), Failure> {
    match got.strip_prefix("ERR ") {
        Some(reason) if !reason.trim().is_empty() => Ok(()),
        _ => Err(Failure::fail(format!(
            "`{request}` got {got:?}; a request that is not `ADD a b` or `MUL a b` with two \
             signed 64-bit integers gets `ERR <reason>`"
        ))),
    }
}

pub async fn grade(g: &Grading) -> Outcome {
    let zmq = Zmq::new(g);
    let endpoint = format!("tcp://{}", g.program_addr());

    let (program, mut first) = g
        .check(CHECKS[0], async {
            replay_line(g, &[frame("ADD 1 2")]);
            let program = g.start(&[("NETLINGS_ENDPOINT", endpoint.clone())])?;
            let req = zmq
                .req(&program, "REQ client #1", (&endpoint, "NETLINGS_ENDPOINT"))
                .await?;
            Ok((program, req))
        })
        .await?;

    g.check(CHECKS[1], async {
        let mut cases: Vec<(String, i64)> = g.rng(|r| {
            (0..3)
                .map(|_| {
                    let (a, b) = (
                        r.range_i64(-1_000_000, 1_000_000),
                        r.range_i64(-1_000_000, 1_000_000),
                    );
                    if r.range(0, 2) == 0 {
                        (format!("ADD {a} {b}"), a + b)
                    } else {
                        (format!("MUL {a} {b}"), a * b)
                    }
                })
                .collect()
        });
        let big = g.rng(|r| r.range_i64(1 << 40, 1 << 41));
        cases.push((format!("ADD {} {}", i64::MAX - big, big), i64::MAX));
        cases.push((format!("MUL {} 2", i64::MIN / 2), i64::MIN));
        // Close to the limit, and fitting: b² < 9.2e18.
        let b = g.rng(|r| r.range_i64(1 << 20, 3_000_000_000));
        cases.push((format!("MUL {b} -{b}"), -(b * b)));
        let requests: Vec<Vec<Bytes>> = cases.iter().map(|(r, _)| frame(r)).collect();
        replay_line(g, &requests);
        for (request, want) in &cases {
            let got = ask(&program, &mut first, frame(request)).await?;
            expect_answer(request, &want.to_string(), &got).map_err(|f| {
                f.because("a and b are signed 64-bit (i64): parse them as i64, compute in i64")
            })?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[2], async {
        let n = g.rng(|r| r.range_i64(1, 1000));
        let cases = [
            format!("ADD {} {n}", i64::MAX),
            format!("ADD {} -{n}", i64::MIN),
            format!("MUL {} {}", i64::MAX / 2 + n, 2),
            format!("MUL {} -1", i64::MIN),
            format!("MUL 4294967296 {}", 4294967296i64 + n),
        ];
        let requests: Vec<Vec<Bytes>> = cases.iter().map(|r| frame(r)).collect();
        replay_line(g, &requests);
        for request in &cases {
            let got = ask(&program, &mut first, frame(request)).await?;
            expect_answer(request, "ERR overflow", &got).map_err(|f| {
                f.because(
                    "`checked_add` and `checked_mul` return None when the result does not fit \
                     (`+` and `*` panic in a debug build and wrap around in a release build)",
                )
            })?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        let word = g.rng(|r| r.word(4));
        let cases = [
            format!("DIV 6 {}", g.rng(|r| r.range(1, 9))),
            "ADD 1".to_string(),
            "ADD 1 2 3".to_string(),
            format!("MUL {word} 2"),
            "ADD 99999999999999999999 1".to_string(),
            "ADD 1.5 2".to_string(),
            String::new(),
        ];
        let requests: Vec<Vec<Bytes>> = cases.iter().map(|r| frame(r)).collect();
        replay_line(g, &requests);
        for request in &cases {
            let got = ask(&program, &mut first, frame(request)).await?;
            expect_err(request, &got)?;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        let mut clients = Vec::new();
        let mut cases = Vec::new();
        for i in 2..=5 {
            let req = zmq.req(&program, format!("REQ client #{i}"), (&endpoint, "NETLINGS_ENDPOINT"))
                .await?;
            clients.push(req);
            let (a, b) = g.rng(|r| (r.range_i64(-9999, 9999), r.range_i64(-9999, 9999)));
            cases.push((format!("ADD {a} {b}"), a + b));
        }
        let requests: Vec<Vec<Bytes>> = cases.iter().map(|(r, _)| frame(r)).collect();
        replay_line(g, &requests);
        // Every client asks before any reads: the server has four requests
        // waiting, from four connections.
        for (req, (request, _)) in clients.iter_mut().zip(&cases) {
            req.send(frame(request)).await?;
        }
        for (req, (request, want)) in clients.iter_mut().zip(&cases).rev() {
            let got = answer(&program, req, &frame(request)).await?;
            expect_answer(request, &want.to_string(), &got).map_err(|f| {
                f.and(format!(
                    "{} got an answer that is not to its own request",
                    req.name
                ))
                .because(
                    "a REP socket sends each reply back to the client whose request it answers; a ROUTER \
                     must keep each request's envelope (the identity frame and the empty delimiter) and \
                     send it back in front of that request's reply",
                )
            })?;
        }
        for req in clients {
            req.close().await;
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let mut bad = zmq.req(&program, "REQ client #6", (&endpoint, "NETLINGS_ENDPOINT"))
            .await?;
        let (a, b) = g.rng(|r| (r.range_i64(1, 99), r.range_i64(1, 99)));
        let two_frames = vec![
            Bytes::from(format!("ADD {a} {b}")),
            Bytes::from_static(b"and more"),
        ];
        let mut not_utf8 = format!("ADD {a} ").into_bytes();
        not_utf8.push(0xff);
        let not_utf8 = vec![Bytes::from(not_utf8)];
        let good = format!("MUL {a} {b}");
        replay_line(g, &[two_frames.clone(), not_utf8.clone(), frame(&good)]);
        for (request, what) in [(two_frames, "a request of 2 frames"), (not_utf8, "a frame that is not UTF-8")] {
            let got = ask(&program, &mut bad, request).await.map_err(|f| {
                f.and(format!("(netlings sent {what})"))
                    .because("answer a request you cannot read with `ERR <reason>` too: the REQ waits for a reply")
            })?;
            if !got.starts_with("ERR") {
                return Err(Failure::fail(format!(
                    "{what} got {got:?}; it should get `ERR <reason>`"
                )));
            }
        }
        let got = ask(&program, &mut bad, frame(&good)).await?;
        expect_answer(&good, &(a * b).to_string(), &got)?;
        let got = ask(&program, &mut first, frame(&good)).await?;
        expect_answer(&good, &(a * b).to_string(), &got)?;
        bad.close().await;
        first.close().await;
        Ok(())
    })
    .await?;
    Ok(())
}
