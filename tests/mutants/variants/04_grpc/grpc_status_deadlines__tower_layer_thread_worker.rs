//! variant of: grpc_status_deadlines
//! how: auth as a tower layer on the whole server (HTTP headers, before any service); Run's steps on a std thread told to stop by a flag that a drop guard sets when tonic drops the handler; values in an RwLock'd BTreeMap
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use protos::jobs::jobs_server::{Jobs, JobsServer};
use protos::jobs::{RunReply, RunRequest};
use protos::kv::key_value_server::{KeyValue, KeyValueServer};
use protos::kv::{GetReply, GetRequest, PutReply, PutRequest};
use tonic::codegen::http;
use tonic::{Request, Response, Status};

/// The layer's service: refuses a request without the right header
/// before it reaches any rpc.
#[derive(Clone)]
struct Auth<S> {
    inner: S,
    expected: Arc<String>,
}

impl<S, B> tower::Service<http::Request<B>> for Auth<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let ok = request
            .headers()
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == self.expected.as_bytes());
        if !ok {
            let refused = Status::unauthenticated("bad or missing token").into_http();
            return Box::pin(async move { Ok(refused) });
        }
        Box::pin(self.inner.call(request))
    }
}

#[derive(Default)]
struct Store {
    map: RwLock<BTreeMap<String, (Vec<u8>, u64)>>,
}

#[tonic::async_trait]
impl KeyValue for Store {
    async fn put(&self, request: Request<PutRequest>) -> Result<Response<PutReply>, Status> {
        let r = request.into_inner();
        if r.key.is_empty() {
            return Err(Status::invalid_argument("empty key"));
        }
        let mut map = self.map.write().unwrap();
        let previous = match map.get_mut(&r.key) {
            Some((value, version)) => {
                *version += 1;
                Some(std::mem::replace(value, r.value))
            }
            None => {
                map.insert(r.key, (r.value, 1));
                None
            }
        };
        Ok(Response::new(PutReply { previous }))
    }

    async fn get(&self, request: Request<GetRequest>) -> Result<Response<GetReply>, Status> {
        let key = request.into_inner().key;
        if key.is_empty() {
            return Err(Status::invalid_argument("empty key"));
        }
        match self.map.read().unwrap().get(&key) {
            Some((value, version)) => Ok(Response::new(GetReply {
                value: value.clone(),
                version: *version,
            })),
            None => Err(Status::not_found(format!("key '{key}' does not exist"))),
        }
    }
}

/// Sets the flag when dropped: tonic drops the handler's future at the
/// deadline or on cancel, and the guard with it.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

struct Worker;

#[tonic::async_trait]
impl Jobs for Worker {
    async fn run(&self, request: Request<RunRequest>) -> Result<Response<RunReply>, Status> {
        let steps = request.into_inner().steps;
        let stop = Arc::new(AtomicBool::new(false));
        let _guard = StopOnDrop(stop.clone());
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut done = 0;
            for n in 1..=steps {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                println!("step {n}");
                done = n;
            }
            let _ = tx.send(done);
        });
        let done = rx.await.map_err(|_| Status::internal("worker died"))?;
        Ok(Response::new(RunReply { steps_done: done }))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    let expected = Arc::new(format!("Bearer {}", std::env::var("NETLINGS_TOKEN")?));
    let layer = tower::layer::layer_fn(move |inner| Auth {
        inner,
        expected: expected.clone(),
    });
    tonic::transport::Server::builder()
        .layer(layer)
        .add_service(KeyValueServer::new(Store::default()))
        .add_service(JobsServer::new(Worker))
        .serve(addr)
        .await?;
    Ok(())
}
