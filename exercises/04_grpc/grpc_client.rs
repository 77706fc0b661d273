//! # grpc_client
//!
//! Q10. What advantages does gRPC have over REST APIs?
//!
//! Call netlings' `KeyValue` server (`proto/kv.proto`) with the generated
//! client, `protos::kv::key_value_client::KeyValueClient`:
//!
//! 1. `Put` each `key=value` of `NETLINGS_PUTS` (comma-separated), in order.
//!    Puts print nothing on stdout.
//! 2. Then `Get` each key of `NETLINGS_GETS` (comma-separated), in order,
//!    printing one line per Get:
//!    - `key=value` (the value as UTF-8),
//!    - `key: not found` for `NOT_FOUND`,
//!    - `key: timed out` when the call's deadline passed (`DEADLINE_EXCEEDED`,
//!      or the `CANCELLED` "Timeout expired" that tonic's own timeout gives),
//!    - `key: unavailable` when it is still `UNAVAILABLE` after 3 attempts.
//! 3. Exit with status 0.
//!
//! Every call carries the metadata `authorization: Bearer <NETLINGS_TOKEN>`
//! and a deadline of `NETLINGS_TIMEOUT_MS`. A call that fails with
//! `UNAVAILABLE` is tried 3 times in all, 100 ms then 200 ms apart; no
//! other failure is retried.
//!
//! How it is graded: the reference server records every call - its
//! metadata, its `grpc-timeout`, when it came - and answers some keys
//! `UNAVAILABLE` for a while or for good, one never in time, and has never
//! heard of another.
//!
//! Environment: `NETLINGS_URL` (`http://127.0.0.1:port`), `NETLINGS_TOKEN`,
//! `NETLINGS_TIMEOUT_MS`, `NETLINGS_PUTS`, `NETLINGS_GETS`.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::time::Duration;

use protos::kv::key_value_client::KeyValueClient;
use protos::kv::{GetRequest, PutRequest};
use tonic::{Code, Request, Status};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("NETLINGS_URL")?;
    let token = std::env::var("NETLINGS_TOKEN")?;
    let timeout = Duration::from_millis(std::env::var("NETLINGS_TIMEOUT_MS")?.parse()?);
    let puts = std::env::var("NETLINGS_PUTS").unwrap_or_default();
    let gets = std::env::var("NETLINGS_GETS").unwrap_or_default();

    let mut client = KeyValueClient::connect(url).await?;

    // TODO: the Puts, then the Gets - each request with its metadata and
    // deadline, UNAVAILABLE retried - printing one line per Get.
    todo!("grpc_client: Put, then Get with metadata, deadline and retries")
}
