//! variant of: grpc_client
//! how: a plain retry loop with the attempt number; the deadline both sent (`set_timeout`) and enforced locally with tokio::time::timeout, so either side's timer may end the call; a current-thread runtime
use std::time::Duration;

use protos::kv::key_value_client::KeyValueClient;
use protos::kv::{GetRequest, PutRequest};
use tonic::{Code, Request, Status};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let token = env("NETLINGS_TOKEN");
    let timeout = Duration::from_millis(env("NETLINGS_TIMEOUT_MS").parse().unwrap());
    let mut client = KeyValueClient::connect(env("NETLINGS_URL")).await.unwrap();

    macro_rules! attempt {
        ($method:ident, $message:expr) => {{
            let mut result = Err(Status::unknown("no attempt"));
            for n in 1..=3u64 {
                let mut request = Request::new($message);
                request
                    .metadata_mut()
                    .insert("authorization", format!("Bearer {token}").parse().unwrap());
                request.set_timeout(timeout);
                result = match tokio::time::timeout(timeout, client.$method(request)).await {
                    Ok(r) => r.map(|r| r.into_inner()),
                    Err(_) => Err(Status::deadline_exceeded("local deadline")),
                };
                match &result {
                    Err(s) if s.code() == Code::Unavailable && n < 3 => {
                        tokio::time::sleep(Duration::from_millis(100 * n)).await;
                    }
                    _ => break,
                }
            }
            result
        }};
    }

    for pair in env("NETLINGS_PUTS").split(',').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap();
        let _ = attempt!(
            put,
            PutRequest {
                key: key.to_string(),
                value: value.as_bytes().to_vec()
            }
        );
    }
    for key in env("NETLINGS_GETS").split(',').filter(|k| !k.is_empty()) {
        let line = match attempt!(
            get,
            GetRequest {
                key: key.to_string()
            }
        ) {
            Ok(reply) => format!("{key}={}", String::from_utf8_lossy(&reply.value)),
            Err(s) if s.code() == Code::NotFound => format!("{key}: not found"),
            Err(s)
                if s.code() == Code::DeadlineExceeded
                    || (s.code() == Code::Cancelled && s.message().contains("Timeout expired")) =>
            {
                format!("{key}: timed out")
            }
            Err(s) if s.code() == Code::Unavailable => format!("{key}: unavailable"),
            Err(s) => format!("{key}: {}", s.message()),
        };
        println!("{line}");
    }
}
