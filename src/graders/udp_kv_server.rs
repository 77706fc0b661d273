//! `udp_kv_server` — a key-value store over UDP.
//!
//! The script: lookups of `version` and of unset keys; inserts that get no
//! reply; a value holding `=`; a value of 2000 bytes (one datagram, whole);
//! replies from several sockets, each to its own port and from the server's
//! address; `version` that cannot be changed.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Build a key-value store that speaks UDP. | `answers UDP on NETLINGS_ADDR` | `hostile_udp_garbage` |
//! | Each request is one datagram: | `keeps a 2000-byte value whole` | `udp_kv_server__small_buffer` |
//! | `key=value` stores `value` under `key` (split at the *first* `=`, so a value may itself contain `=`). | `` stores `key=value` `` `splits at the first` | `udp_kv_server__acks_inserts` `udp_kv_server__splits_at_last_equals` |
//! | An insert gets **no** reply. | `` stores `key=value` `` | `udp_kv_server__acks_inserts` |
//! | `key` (no `=`) looks the key up. | `` stores `key=value` `` | `udp_kv_server__acks_inserts` |
//! | Reply with one datagram `key=value`, or `key=` if the key is unset, sent to the address the request came from. | `answers a lookup of an unset key` `replies to each sender's own address` | `udp_kv_server__silent_when_unset` `udp_kv_server__first_client_port` |
//! | The key `version` always answers `version=netlings 1.0` and cannot be changed. | `answers UDP on NETLINGS_ADDR` `` does not let `version` `` | `hostile_udp_garbage` `udp_kv_server__version_overwritten` |
//! | Listen on `NETLINGS_ADDR` (for example `127.0.0.1:41234`). | `answers UDP on NETLINGS_ADDR` | `udp_kv_server__replies_from_other_socket` |
//! | A value may be up to 2000 bytes long: receive into a buffer that holds the longest request whole (a datagram that does not fit is cut short). | `keeps a 2000-byte value whole` | `udp_kv_server__small_buffer` |

use std::net::SocketAddr;
use std::time::Duration;

use crate::harness::net::udp_when_ready;
use crate::harness::{Failure, Grading, Outcome, Program, expect_bytes};
use crate::peers::udp::Socket;

pub const CHECKS: &[&str] = &[
    "answers UDP on NETLINGS_ADDR (a lookup of `version`)",
    "answers a lookup of an unset key with `key=`",
    "stores `key=value` without replying, then answers its lookup",
    "splits at the first `=`: a value may contain `=`",
    "keeps a 2000-byte value whole (one datagram each way)",
    "replies to each sender's own address, from NETLINGS_ADDR",
    "does not let `version` be changed",
];

const VERSION_REPLY: &[u8] = b"version=netlings 1.0";

pub async fn grade(g: &Grading) -> Outcome {
    let addr = g.program_udp_addr();
    let (program, first): (Program, Socket) = g
        .check("answers UDP on NETLINGS_ADDR (a lookup of `version`)", async {
            let program = g.start(&[("NETLINGS_ADDR", addr.to_string())])?;
            let socket = udp_when_ready(g, &program, addr, b"version", VERSION_REPLY)
                .await
                .map_err(|f| {
                    f.because("the lookup `version` must be answered with the datagram `version=netlings 1.0`")
                })?;
            Ok((program, Socket::from_socket(g, socket)))
        })
        .await?;
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    g.reproduce(format!(
        "{run}, then: echo -n 'version' | nc -u -w1 127.0.0.1 7000"
    ));

    let unset = g.rng(|r| r.word(7));
    g.check("answers a lookup of an unset key with `key=`", async {
        lookup(g, &first, addr, &unset, &format!("{unset}=")).await
    })
    .await?;

    let (key, value) = (g.rng(|r| r.word(5)), g.rng(|r| r.word(9)));
    g.check(
        "stores `key=value` without replying, then answers its lookup",
        async {
            first
                .send_to(format!("{key}={value}").as_bytes(), addr)
                .await?;
            // The next datagram must be the lookup's reply: a reply to the insert
            // would come first.
            lookup(g, &first, addr, &key, &format!("{key}={value}"))
                .await
                .map_err(|f| f.because("an insert gets no reply at all; only lookups are answered"))
        },
    )
    .await?;

    let (key2, value2) = (
        g.rng(|r| r.word(4)),
        format!("{}={}", g.rng(|r| r.word(3)), g.rng(|r| r.word(3))),
    );
    g.check("splits at the first `=`: a value may contain `=`", async {
        first
            .send_to(format!("{key2}={value2}").as_bytes(), addr)
            .await?;
        lookup(g, &first, addr, &key2, &format!("{key2}={value2}")).await
    })
    .await?;

    let (key3, value3) = (g.rng(|r| r.word(6)), g.rng(|r| r.word(2000)));
    g.check("keeps a 2000-byte value whole (one datagram each way)", async {
        first.send_to(format!("{key3}={value3}").as_bytes(), addr).await?;
        lookup(g, &first, addr, &key3, &format!("{key3}={value3}"))
            .await
            .map_err(|f| {
                f.because("recv_from() cuts a datagram to the buffer's size and drops the rest: use a buffer of 65 535 bytes")
            })
    })
    .await?;

    g.check(
        "replies to each sender's own address, from NETLINGS_ADDR",
        async {
            let a = Socket::bind(g).await?;
            let b = Socket::bind(g).await?;
            // b asks first, then a: a server replying to "the client" it saw
            // first (or to a fixed port) sends a's answer to b.
            lookup(g, &b, addr, &key, &format!("{key}={value}")).await?;
            lookup(g, &a, addr, &key2, &format!("{key2}={value2}")).await?;
            if let Some((stray, from)) = b.recv(Duration::from_millis(200)).await {
                return Err(Failure::fail(format!(
                    "socket #{} received a reply meant for socket #{}: {:?} from {from}",
                    b.id,
                    a.id,
                    String::from_utf8_lossy(&stray)
                ))
                .because("reply to the address recv_from() gave you for *this* datagram"));
            }
            Ok(())
        },
    )
    .await?;

    g.check("does not let `version` be changed", async {
        first.send_to(b"version=hacked", addr).await?;
        lookup(g, &first, addr, "version", "version=netlings 1.0").await
    })
    .await?;

    drop(program);
    Ok(())
}

/// Sends the lookup `key` from `socket` and expects exactly `expected` back,
/// from the server's address. Lookups are idempotent, so a lost datagram is
/// simply asked again.
async fn lookup(
    g: &Grading,
    socket: &Socket,
    server: SocketAddr,
    key: &str,
    expected: &str,
) -> Result<(), Failure> {
    let what = format!("the reply to the lookup `{}`", abridge(key));
    let (reply, from) = socket
        .ask(key.as_bytes(), server, 3, g.limits.io / 3)
        .await
        .map_err(|f| {
            f.because(format!(
                "{what} should go to the address the request came from"
            ))
        })?;
    if from != server {
        return Err(Failure::fail(format!(
            "{what} came from {from}, not from the server's address {server}"
        ))
        .because("reply with the socket that received the request: clients accept answers only from the address they asked"));
    }
    expect_bytes(
        &what,
        expected.as_bytes(),
        &reply,
        format!("{what} is wrong"),
    )
}

fn abridge(text: &str) -> String {
    if text.len() > 40 {
        format!("{}…", &text[..40])
    } else {
        text.to_string()
    }
}
