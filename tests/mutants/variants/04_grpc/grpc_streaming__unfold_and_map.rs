//! variant of: grpc_streaming
//! how: Subscribe as futures' `stream::unfold` with a sleep in each step, Exchange as a lazy `map` over the input stream (lock-step by construction), Upload with `try_fold`; a current-thread runtime
use std::pin::Pin;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt, stream};
use protos::telemetry::telemetry_server::{Telemetry, TelemetryServer};
use protos::telemetry::{Ack, Reading, SubscribeRequest, UploadSummary};
use tokio_stream::Stream;
use tonic::{Request, Response, Status, Streaming};

type Out<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

struct Service;

#[tonic::async_trait]
impl Telemetry for Service {
    type SubscribeStream = Out<Reading>;

    async fn subscribe(
        &self,
        request: Request<SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let r = request.into_inner();
        let interval = Duration::from_millis(u64::from(r.interval_ms));
        let readings = stream::unfold(1u64, move |seq| {
            let sensor = r.sensor.clone();
            async move {
                if seq > u64::from(r.count) {
                    return None;
                }
                if seq > 1 {
                    tokio::time::sleep(interval).await;
                }
                let reading = Reading {
                    sensor,
                    seq,
                    value: (seq * seq) as i64,
                };
                Some((Ok(reading), seq + 1))
            }
        });
        Ok(Response::new(Box::pin(readings)))
    }

    async fn upload(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<UploadSummary>, Status> {
        let summary = request
            .into_inner()
            .try_fold(None::<UploadSummary>, |acc, r| async move {
                let v = r.value;
                Ok(Some(match acc {
                    None => UploadSummary {
                        count: 1,
                        sum: v,
                        min: v,
                        max: v,
                    },
                    Some(s) => UploadSummary {
                        count: s.count + 1,
                        sum: s.sum + v,
                        min: s.min.min(v),
                        max: s.max.max(v),
                    },
                }))
            })
            .await?;
        Ok(Response::new(summary.unwrap_or_default()))
    }

    type ExchangeStream = Out<Ack>;

    async fn exchange(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<Self::ExchangeStream>, Status> {
        let mut running_sum = 0i64;
        // `map` pulls one reading only when tonic asks for the next ack.
        let acks = request.into_inner().map(move |reading| {
            let reading = reading?;
            running_sum += reading.value;
            Ok(Ack {
                seq: reading.seq,
                running_sum,
            })
        });
        Ok(Response::new(Box::pin(acks)))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    tonic::transport::Server::builder()
        .add_service(TelemetryServer::new(Service))
        .serve(addr)
        .await?;
    Ok(())
}
