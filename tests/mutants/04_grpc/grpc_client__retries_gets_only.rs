//! mutant of: grpc_client
//! bug: wraps only the Gets in its retry loop, so a Put answered UNAVAILABLE is lost
//! fails: Puts every key=value
//! says: a Put is retried like a Get
use std::time::Duration;

use protos::kv::key_value_client::KeyValueClient;
use protos::kv::{GetRequest, PutRequest};
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

/// The pauses before the 2nd and the 3rd attempt.
const BACKOFF: [Duration; 2] = [Duration::from_millis(100), Duration::from_millis(200)];

/// What every call carries.
struct CallOptions {
    authorization: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
    timeout: Duration,
}

impl CallOptions {
    fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.authorization.clone());
        // Sent as `grpc-timeout`: the server gives up when it passes, and
        // so does the call.
        request.set_timeout(self.timeout);
        request
    }
}

/// Runs `call` up to 3 times while it fails with UNAVAILABLE, pausing
/// 100 ms and then 200 ms; any other outcome is final.
async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, Status>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Status>>,
{
    let mut pauses = BACKOFF.iter();
    loop {
        match call().await {
            Err(status) if status.code() == Code::Unavailable => match pauses.next() {
                Some(pause) => tokio::time::sleep(*pause).await,
                None => return Err(status),
            },
            other => return other,
        }
    }
}

/// A deadline that passed: DEADLINE_EXCEEDED from the server, or the
/// CANCELLED "Timeout expired" of tonic's own timer.
fn timed_out(status: &Status) -> bool {
    status.code() == Code::DeadlineExceeded
        || (status.code() == Code::Cancelled && status.message().contains("Timeout expired"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("NETLINGS_URL")?;
    let token = std::env::var("NETLINGS_TOKEN")?;
    let timeout_ms: u64 = std::env::var("NETLINGS_TIMEOUT_MS")?.parse()?;
    let puts = std::env::var("NETLINGS_PUTS").unwrap_or_default();
    let gets = std::env::var("NETLINGS_GETS").unwrap_or_default();
    let options = CallOptions {
        authorization: format!("Bearer {token}").parse()?,
        timeout: Duration::from_millis(timeout_ms),
    };
    // One channel, one HTTP/2 connection, for every call.
    let client: KeyValueClient<Channel> = KeyValueClient::connect(url).await?;

    for pair in puts.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Puts are tried once: the retry loop is only for Gets.
        let mut once = client.clone();
        let result = once
            .put(options.request(PutRequest {
                key: key.to_string(),
                value: value.as_bytes().to_vec(),
            }))
            .await;
        if let Err(status) = result {
            eprintln!("Put {key}: {status}");
        }
    }

    for key in gets.split(',').filter(|k| !k.is_empty()) {
        let result = with_retries(|| {
            let mut client = client.clone();
            let request = options.request(GetRequest {
                key: key.to_string(),
            });
            async move { client.get(request).await }
        })
        .await;
        match result {
            Ok(reply) => println!(
                "{key}={}",
                String::from_utf8_lossy(&reply.into_inner().value)
            ),
            Err(status) if status.code() == Code::NotFound => println!("{key}: not found"),
            Err(status) if timed_out(&status) => println!("{key}: timed out"),
            Err(status) if status.code() == Code::Unavailable => println!("{key}: unavailable"),
            Err(status) => println!("{key}: {status}"),
        }
    }
    Ok(())
}
