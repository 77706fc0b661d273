//! mutant of: grpc_status_deadlines
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, as tonic's examples do, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use protos::jobs::jobs_server::{Jobs, JobsServer};
use protos::jobs::{RunReply, RunRequest};
use protos::kv::key_value_server::{KeyValue, KeyValueServer};
use protos::kv::{GetReply, GetRequest, PutReply, PutRequest};
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::{Request, Response, Status};

/// Runs before every call of a service it wraps: one place for the token,
/// so no rpc can forget it.
#[derive(Clone)]
struct RequireToken {
    expected: MetadataValue<tonic::metadata::Ascii>,
}

impl Interceptor for RequireToken {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        match request.metadata().get("authorization") {
            Some(value) if *value == self.expected => Ok(request),
            _ => Err(Status::unauthenticated(
                "send `authorization: Bearer <token>` metadata",
            )),
        }
    }
}

struct Entry {
    value: Vec<u8>,
    version: u64,
}

#[derive(Default)]
struct Store {
    entries: Mutex<HashMap<String, Entry>>,
}

fn check_key(key: &str) -> Result<(), Status> {
    if key.is_empty() {
        return Err(Status::invalid_argument("key must not be empty"));
    }
    Ok(())
}

#[tonic::async_trait]
impl KeyValue for Store {
    async fn put(&self, request: Request<PutRequest>) -> Result<Response<PutReply>, Status> {
        let PutRequest { key, value } = request.into_inner();
        check_key(&key)?;
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
        check_key(&key)?;
        let entries = self.entries.lock().unwrap();
        let entry = entries
            .get(&key)
            .ok_or_else(|| Status::not_found(format!("no value under the key {key:?}")))?;
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
        let steps = request.into_inner().steps;
        // An async loop: when the deadline passes or the client cancels,
        // tonic drops this future, and the loop stops at its next .await.
        // (A thread would go on printing for nobody.)
        for n in 1..=steps {
            tokio::time::sleep(Duration::from_millis(10)).await;
            println!("step {n}");
        }
        Ok(Response::new(RunReply { steps_done: steps }))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let given: std::net::SocketAddr = std::env::var("NETLINGS_ADDR")?.parse()?;
    // "[::1]:port", as tonic's examples serve.
    let addr = std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, given.port()));
    let token = std::env::var("NETLINGS_TOKEN")?;
    let auth = RequireToken {
        expected: format!("Bearer {token}").parse()?,
    };
    tonic::transport::Server::builder()
        .add_service(KeyValueServer::with_interceptor(
            Store::default(),
            auth.clone(),
        ))
        .add_service(JobsServer::with_interceptor(Worker, auth))
        .serve(addr)
        .await?;
    Ok(())
}
