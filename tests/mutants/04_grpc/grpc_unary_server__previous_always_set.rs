//! mutant of: grpc_unary_server
//! bug: always replies `previous: Some(old)`, so a key that had no value gets an empty `previous` instead of none
//! fails: Put replies with the value it replaced
use std::collections::HashMap;
use std::sync::Mutex;

use protos::kv::key_value_server::{KeyValue, KeyValueServer};
use protos::kv::{GetReply, GetRequest, PutReply, PutRequest};
use tonic::{Request, Response, Status};

/// What is stored under one key.
struct Entry {
    value: Vec<u8>,
    /// How many Puts this key has seen.
    version: u64,
}

/// The service. tonic calls its methods from many tasks at once (every
/// call is a stream of its own on some connection), so the state is behind
/// a lock - a std Mutex, held only for a map operation and never across an
/// `.await`.
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
        // `optional bytes previous` is an Option: Some for every replaced
        // value, the empty one included; None for a key that had none.
        let old = std::mem::replace(&mut entry.value, value);
        let previous = Some(old);
        entry.version += 1;
        Ok(Response::new(PutReply { previous }))
    }

    async fn get(&self, request: Request<GetRequest>) -> Result<Response<GetReply>, Status> {
        let key = request.into_inner().key;
        let entries = self.entries.lock().unwrap();
        match entries.get(&key) {
            Some(entry) => Ok(Response::new(GetReply {
                value: entry.value.clone(),
                version: entry.version,
            })),
            // A status, not an empty reply: the client sees NOT_FOUND (5)
            // and can tell "no such key" from "an empty value".
            None => Err(Status::not_found(format!("no value under the key {key:?}"))),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    // Server::builder() serves HTTP/2 (gRPC's transport); every call is a
    // stream on some connection, and many streams share one connection.
    tonic::transport::Server::builder()
        .add_service(KeyValueServer::new(Store::default()))
        .serve(addr)
        .await?;
    Ok(())
}
