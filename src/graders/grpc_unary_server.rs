//! `grpc_unary_server` — the `KeyValue` service of `proto/kv.proto`.
//!
//! The script: netlings' client (generated from the same proto) puts and
//! gets binary values, reads `previous` and `version`, asks for a key
//! nobody put, sends 1 MiB, then runs 8 clients at once over one HTTP/2
//! connection, each on keys of its own.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Implement the `KeyValue` service of `proto/kv.proto` (read it first): | `8 clients at once` | `grpc_unary_server__shared_reply_slot` |
//! | `Put(key, value)` stores `value` under `key` and replies with the value it replaced in `previous`: set whenever a value was replaced, even an empty one; unset for a key that had none. | `Put replies with the value it replaced` `` Put sets `previous` when `` | `grpc_unary_server__previous_always_set` `grpc_unary_server__empty_previous_unset` |
//! | `Get(key)` replies with the value and `version`: how many Puts this key has seen (1 after the first). | `` Get's `version` counts `` | `grpc_unary_server__one_version_for_all` |
//! | A key nobody put is the status `NOT_FOUND` (code 5). | `Get of a key nobody put` | `grpc_unary_server__internal_for_missing` `grpc_unary_server__unknown_for_missing` |
//! | Values are bytes, not text; they may be 1 MiB long. | `Get returns the binary` `a 1 MiB value` | `grpc_unary_server__string_values` `grpc_unary_server__small_message_limit` |
//! | You write no protobuf or HTTP/2 code: the exercises' build script compiled `proto/kv.proto` (protox and tonic-prost-build, no `protoc`) into `protos::kv` - the messages as Rust structs, and in `protos::kv::key_value_server` the `KeyValue` trait you implement and `KeyValueServer`, which tonic serves. | — | context: what the build script generated |
//! | Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen. | `listens on NETLINGS_ADDR` | `grpc_unary_server__ipv6_loopback` |

use tonic::Code;

use crate::harness::{Failure, Grading, Outcome, expect_bytes};
use crate::peers::grpc::calls::Kv;
use crate::peers::grpc::client::CallOptions;
use crate::peers::grpc::client::start_server;
use crate::peers::grpc::{grpcurl, json_bytes};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR and speaks gRPC (HTTP/2)",
    "Get returns the binary (non-UTF-8) value Put stored",
    "Put replies with the value it replaced in `previous`, and none for a new key",
    "Put sets `previous` when the value it replaced was empty",
    "Get's `version` counts the Puts of its key",
    "a 1 MiB value round-trips",
    "Get of a key nobody put is NOT_FOUND (5)",
    "8 clients at once on one HTTP/2 connection, each on its own keys",
];

const PROTO: &str = "proto/kv.proto";

const BYTES_RULE: &str = "`bytes` fields are `Vec<u8>`: store and return them as they are - \
     a `String` (from_utf8_lossy) changes every byte that is not UTF-8";

const PREVIOUS_RULE: &str = "`optional bytes previous` is an `Option<Vec<u8>>` in Rust: \
     `Some(old)` whenever the key had a value, even an empty one (HashMap::insert returns it), \
     `None` only for a key that had none";

fn put_json(key: &str, value: &[u8]) -> String {
    format!(r#"{{"key":"{key}","value":"{}"}}"#, json_bytes(value))
}

pub async fn grade(g: &Grading) -> Outcome {
    let (program, _addr, channel) = g.check(CHECKS[0], start_server(g, &[])).await?;
    let kv = Kv::new(&channel, CallOptions::default());
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    let word = |n| g.rng(|r| r.word(n));

    let key = format!("blob-{}", word(6));
    let mut binary = vec![0xff, 0x00, 0xc3, 0x28, 0x80, 0xfe];
    binary.extend(g.rng(|r| r.bytes(26)));
    g.reproduce(format!(
        "{run}, then:\n  {}\n  {}",
        grpcurl(
            PROTO,
            &[],
            &put_json(&key, &binary),
            "netlings.kv.v1.KeyValue/Put"
        ),
        grpcurl(
            PROTO,
            &[],
            &format!(r#"{{"key":"{key}"}}"#),
            "netlings.kv.v1.KeyValue/Get"
        )
    ));
    g.check(CHECKS[1], async {
        kv.put(&key, &binary).await.ok("Put")?;
        let reply = kv.get(&key).await.ok("Get of the key just put")?;
        expect_bytes(
            "the value",
            &binary,
            &reply.value,
            "Get returned other bytes than Put stored",
        )
        .map_err(|f| f.because(BYTES_RULE))
    })
    .await?;

    g.check(CHECKS[2], async {
        let second = g.rng(|r| r.bytes(12));
        let reply = kv.put(&key, &second).await.ok("the second Put of a key")?;
        match reply.previous {
            Some(previous) => expect_bytes(
                "previous",
                &binary,
                &previous,
                "`previous` is not the value this Put replaced",
            )?,
            None => {
                return Err(Failure::fail(
                    "a Put that replaced a value answered without `previous`",
                )
                .because(PREVIOUS_RULE));
            }
        }
        let fresh = format!("fresh-{}", word(6));
        let reply = kv.put(&fresh, b"first").await.ok("Put of a new key")?;
        if let Some(previous) = reply.previous {
            return Err(Failure::fail(format!(
                "Put of a key nobody had put answered `previous: {previous:?}`; a new key replaces nothing"
            ))
            .because(PREVIOUS_RULE));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        let empty = format!("empty-{}", word(6));
        kv.put(&empty, b"").await.ok("Put of an empty value")?;
        let reply = kv.put(&empty, b"now full").await.ok("the second Put")?;
        if reply.previous != Some(Vec::new()) {
            return Err(Failure::fail(format!(
                "Put over an empty value answered `previous: {:?}`; it replaced a value, \
                 an empty one, so `previous` is set and empty",
                reply.previous
            ))
            .because(PREVIOUS_RULE)
            .because(
                "an unset `optional` field and an empty one differ on the wire: proto3's \
                 `optional` sends the field even when it is empty",
            ));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[4], async {
        let counted = format!("counted-{}", word(6));
        let puts = g.rng(|r| r.range(2, 5));
        for n in 1..=puts {
            kv.put(&counted, format!("v{n}").as_bytes())
                .await
                .ok("Put")?;
        }
        let reply = kv.get(&counted).await.ok("Get")?;
        if reply.version != puts {
            return Err(Failure::fail(format!(
                "after {puts} Puts of one key, Get answered `version: {}`",
                reply.version
            ))
            .because(
                "version counts the Puts of that key (1 after the first): keep a counter with \
                 each key's value, not one for the whole store",
            ));
        }
        let once = format!("once-{}", word(6));
        kv.put(&once, b"1").await.ok("Put")?;
        let reply = kv.get(&once).await.ok("Get")?;
        if reply.version != 1 {
            return Err(Failure::fail(format!(
                "after one Put of a new key, Get answered `version: {}`; it should be 1",
                reply.version
            )));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let big = format!("big-{}", word(6));
        let value = g.rng(|r| r.bytes(1024 * 1024));
        kv.put(&big, &value).await.ok("Put of 1 MiB").map_err(|f| {
            f.because(
                "tonic takes messages up to 4 MiB by default: a smaller \
                 `max_decoding_message_size` refuses this one",
            )
        })?;
        let reply = kv.get(&big).await.ok("Get of the 1 MiB value")?;
        expect_bytes(
            "the 1 MiB value",
            &value,
            &reply.value,
            "Get returned other bytes than the 1 MiB Put stored",
        )
    })
    .await?;

    let missing = format!("missing-{}", word(6));
    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO,
            &[],
            &format!(r#"{{"key":"{missing}"}}"#),
            "netlings.kv.v1.KeyValue/Get"
        )
    ));
    g.check(CHECKS[6], async {
        kv.get(&missing)
            .await
            .status(Code::NotFound, "Get of a key nobody put")
            .map_err(|f| {
                f.because(
                    "say what happened with a status, not with an empty reply: \
                     `Err(Status::not_found(...))`. UNKNOWN and INTERNAL mean the server failed, \
                     and a client cannot tell them from a crash",
                )
            })?;
        Ok(())
    })
    .await?;

    g.check(CHECKS[7], async {
        let clients = 8;
        let prefix = word(4);
        let calls = (0..clients).map(|client| {
            let kv = &kv;
            let prefix = &prefix;
            let values: Vec<Vec<u8>> = (0..4).map(|_| g.rng(|r| r.bytes(16))).collect();
            async move {
                for (i, value) in values.iter().enumerate() {
                    let key = format!("c{client}-{prefix}-{i}");
                    kv.put(&key, value).await.ok(&format!("client {client}'s Put"))?;
                    let got = kv.get(&key).await.ok(&format!("client {client}'s Get"))?;
                    if got.value != *value || got.version != 1 {
                        return Err(Failure::mismatch(
                            format!(
                                "client {client} put {key:?} and got back another value (or version {}) \
                                 while 7 other clients called at once",
                                got.version
                            ),
                            "the value",
                            value.clone(),
                            got.value,
                        )
                        .because(
                            "each call must work on its own request: no reply built in a field \
                             shared by all calls, no state kept between one await and the next \
                             that another call can overwrite",
                        ));
                    }
                }
                Ok::<(), Failure>(())
            }
        });
        let results = tokio::time::timeout(
            g.limits.io * 2,
            futures_util::future::join_all(calls),
        )
        .await
        .map_err(|_| {
            Failure::timeout(format!(
                "8 clients calling at once did not all get their answers within {:.0} s",
                (g.limits.io * 2).as_secs_f64()
            ))
            .because("a call must not block the others: no lock held across an .await, no blocking sleep")
        })?;
        results.into_iter().collect::<Result<Vec<()>, Failure>>()?;
        Ok(())
    })
    .await?;

    drop(program);
    Ok(())
}
