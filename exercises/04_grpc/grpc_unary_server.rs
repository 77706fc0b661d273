//! # grpc_unary_server
//!
//! Q12. How do you generate Rust gRPC client and server code from `.proto`
//! files (tonic and prost; Python: grpcio-tools)?
//!
//! Implement the `KeyValue` service of `proto/kv.proto` (read it first):
//!
//! - `Put(key, value)` stores `value` under `key` and replies with the
//!   value it replaced in `previous`: set whenever a value was replaced,
//!   even an empty one; unset for a key that had none.
//! - `Get(key)` replies with the value and `version`: how many Puts this
//!   key has seen (1 after the first). A key nobody put is the status
//!   `NOT_FOUND` (code 5).
//! - Values are bytes, not text; they may be 1 MiB long.
//!
//! You write no protobuf or HTTP/2 code: the exercises' build script
//! compiled `proto/kv.proto` (protox and tonic-prost-build, no `protoc`)
//! into `protos::kv` - the messages as Rust structs, and in
//! `protos::kv::key_value_server` the `KeyValue` trait you implement and
//! `KeyValueServer`, which tonic serves.
//!
//! How it is graded: netlings' own client, generated from the same proto,
//! calls your server over HTTP/2: binary values, `previous` and `version`,
//! 1 MiB, an unknown key, then 8 clients at once over one connection, each
//! on its own keys.
//!
//! Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::collections::HashMap;
use std::sync::Mutex;

use protos::kv::key_value_server::{KeyValue, KeyValueServer};
use protos::kv::{GetReply, GetRequest, PutReply, PutRequest};
use tonic::{Request, Response, Status};

#[derive(Default)]
struct Store {
    // TODO: what you keep per key (its value, how many Puts it has seen).
    entries: Mutex<HashMap<String, Vec<u8>>>,
}

#[tonic::async_trait]
impl KeyValue for Store {
    async fn put(&self, request: Request<PutRequest>) -> Result<Response<PutReply>, Status> {
        // TODO: store the value; reply with the one it replaced, if any.
        todo!("Put: store the value and reply with the one it replaced")
    }

    async fn get(&self, request: Request<GetRequest>) -> Result<Response<GetReply>, Status> {
        // TODO: the value and its version, or Status::not_found(...).
        todo!("Get: the value and its version, or NOT_FOUND")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    tonic::transport::Server::builder()
        .add_service(KeyValueServer::new(Store::default()))
        .serve(addr)
        .await?;
    Ok(())
}
