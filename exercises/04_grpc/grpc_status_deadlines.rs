//! # grpc_status_deadlines
//!
//! Q10. What advantages does gRPC have over REST APIs?
//!
//! Serve `KeyValue` (`proto/kv.proto`, as in grpc_unary_server) and `Jobs`
//! (`proto/jobs.proto`) from one server, production-ready:
//!
//! - Every call must carry the metadata `authorization: Bearer <token>`,
//!   the token being `NETLINGS_TOKEN`; any other call fails with
//!   `UNAUTHENTICATED` (16), on every rpc.
//! - A `Put` or `Get` with an empty key fails with `INVALID_ARGUMENT` (3).
//! - `Get` of an unknown key fails with `NOT_FOUND` (5), and the status
//!   message names the key.
//! - `Run(steps)` runs `steps` steps of 10 ms each, printing `step <n>`
//!   (n = 1, 2, …) on stdout as step n completes, and replies with
//!   `steps_done`. Once the caller's deadline has passed, or the caller
//!   cancelled the call, it stops working.
//!
//! How it is graded: calls without the token and with a wrong one; an
//! empty key; an unknown key; a Run of 5 steps; a Run of 300 steps (3 s of
//! work) with a 200 ms deadline, and one netlings cancels after step 5 -
//! netlings reads your `step` lines and expects them to stop soon after.
//!
//! Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen;
//! `NETLINGS_TOKEN`, the token every call must carry.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use protos::jobs::jobs_server::{Jobs, JobsServer};
use protos::jobs::{RunReply, RunRequest};
use protos::kv::key_value_server::{KeyValue, KeyValueServer};
use protos::kv::{GetReply, GetRequest, PutReply, PutRequest};
use tonic::{Request, Response, Status};

/// Runs before every call of the services it wraps (see `main`): `Ok` lets
/// the call through, `Err(status)` ends it with that status.
fn authorize(request: Request<()>, token: &str) -> Result<Request<()>, Status> {
    // TODO: UNAUTHENTICATED unless the metadata `authorization` is `Bearer <token>`.
    todo!("authorize: check `authorization: Bearer <NETLINGS_TOKEN>` on every call")
}

struct Entry {
    value: Vec<u8>,
    version: u64,
}

#[derive(Default)]
struct Store {
    entries: Mutex<HashMap<String, Entry>>,
}

#[tonic::async_trait]
impl KeyValue for Store {
    async fn put(&self, request: Request<PutRequest>) -> Result<Response<PutReply>, Status> {
        let PutRequest { key, value } = request.into_inner();
        let mut entries = self.entries.lock().unwrap();
        let entry = entries.entry(key).or_insert(Entry {
            value: Vec::new(),
            version: 0,
        });
        let old = std::mem::replace(&mut entry.value, value);
        let previous = (entry.version > 0).then_some(old);
        entry.version += 1;
        Ok(Response::new(PutReply { previous }))
    }

    async fn get(&self, request: Request<GetRequest>) -> Result<Response<GetReply>, Status> {
        let key = request.into_inner().key;
        let entries = self.entries.lock().unwrap();
        // TODO: INVALID_ARGUMENT for an empty key, NOT_FOUND naming the key.
        let entry = entries.get(&key).unwrap();
        Ok(Response::new(GetReply {
            value: entry.value.clone(),
            version: entry.version,
        }))
    }
}

struct Worker;

#[tonic::async_trait]
impl Jobs for Worker {
    async fn run(&self, request: Request<RunRequest>) -> Result<Response<RunReply>, Status> {
        // TODO: the steps, stopping when the caller stops waiting.
        todo!("Run: 10 ms steps, printing `step <n>`, stopping at the deadline")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    let token = std::env::var("NETLINGS_TOKEN")?;
    // The interceptor of both services: every call goes through `authorize`.
    let check = move |request: Request<()>| authorize(request, &token);
    tonic::transport::Server::builder()
        .add_service(KeyValueServer::with_interceptor(
            Store::default(),
            check.clone(),
        ))
        .add_service(JobsServer::with_interceptor(Worker, check))
        .serve(addr)
        .await?;
    Ok(())
}
