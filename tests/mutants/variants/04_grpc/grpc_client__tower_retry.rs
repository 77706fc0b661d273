//! variant of: grpc_client
//! how: the generated client behind a tower `Retry` layer whose policy retries UNAVAILABLE with 100/200 ms pauses; auth and deadline added by a client interceptor; one enum request type for Put and Get
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use protos::kv::key_value_client::KeyValueClient;
use protos::kv::{GetReply, GetRequest, PutRequest};
use tonic::service::Interceptor;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};
use tower::retry::{Policy, RetryLayer};
use tower::{ServiceBuilder, ServiceExt};

#[derive(Clone, Debug)]
enum Call {
    Put(PutRequest),
    Get(GetRequest),
}

enum Reply {
    Put,
    Get(GetReply),
}

/// Metadata and deadline on every request the client sends.
#[derive(Clone)]
struct Stamp {
    auth: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
    timeout: Duration,
}

impl Interceptor for Stamp {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert("authorization", self.auth.clone());
        request.set_timeout(self.timeout);
        Ok(request)
    }
}

/// Retries UNAVAILABLE: 3 attempts in all, 100 ms then 200 ms apart.
#[derive(Clone)]
struct RetryUnavailable {
    attempts: u32,
}

impl Policy<Call, Reply, Status> for RetryUnavailable {
    type Future = tokio::time::Sleep;

    fn retry(&mut self, _: &mut Call, result: &mut Result<Reply, Status>) -> Option<Self::Future> {
        match result {
            Err(status) if status.code() == Code::Unavailable && self.attempts < 3 => {
                let pause = Duration::from_millis(100 * 2u64.pow(self.attempts - 1));
                self.attempts += 1;
                Some(tokio::time::sleep(pause))
            }
            _ => None,
        }
    }

    fn clone_request(&mut self, request: &Call) -> Option<Call> {
        Some(request.clone())
    }
}

type Client = KeyValueClient<tonic::service::interceptor::InterceptedService<Channel, Stamp>>;

fn call(
    client: Client,
    request: Call,
) -> Pin<Box<dyn Future<Output = Result<Reply, Status>> + Send>> {
    let mut client = client;
    Box::pin(async move {
        match request {
            Call::Put(r) => client.put(r).await.map(|_| Reply::Put),
            Call::Get(r) => client.get(r).await.map(|r| Reply::Get(r.into_inner())),
        }
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("NETLINGS_URL")?;
    let stamp = Stamp {
        auth: format!("Bearer {}", std::env::var("NETLINGS_TOKEN")?).parse()?,
        timeout: Duration::from_millis(std::env::var("NETLINGS_TIMEOUT_MS")?.parse()?),
    };
    let channel = Channel::from_shared(url)?.connect().await?;
    let client = KeyValueClient::with_interceptor(channel, stamp);
    let service = ServiceBuilder::new()
        .layer(RetryLayer::new(RetryUnavailable { attempts: 1 }))
        .service(tower::service_fn(move |request| {
            call(client.clone(), request)
        }));

    let puts = std::env::var("NETLINGS_PUTS").unwrap_or_default();
    for pair in puts.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let request = Call::Put(PutRequest {
            key: key.into(),
            value: value.as_bytes().to_vec(),
        });
        if let Err(status) = service.clone().oneshot(request).await {
            eprintln!("put {key} failed: {status}");
        }
    }
    let gets = std::env::var("NETLINGS_GETS").unwrap_or_default();
    for key in gets.split(',').filter(|k| !k.is_empty()) {
        let request = Call::Get(GetRequest { key: key.into() });
        match service.clone().oneshot(request).await {
            Ok(Reply::Get(reply)) => println!("{key}={}", String::from_utf8_lossy(&reply.value)),
            Ok(Reply::Put) => unreachable!("a Get answers a Get"),
            Err(s) => match s.code() {
                Code::NotFound => println!("{key}: not found"),
                Code::DeadlineExceeded => println!("{key}: timed out"),
                Code::Cancelled if s.message().contains("Timeout expired") => {
                    println!("{key}: timed out")
                }
                Code::Unavailable => println!("{key}: unavailable"),
                _ => println!("{key}: error {s}"),
            },
        }
    }
    Ok(())
}
