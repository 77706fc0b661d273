//! mutant of: grpc_streaming
//! bug: numbers the readings from 0 (`0..count`), so it sends seq 0 … count - 1
//! fails: Subscribe streams readings seq 1..=count
use std::pin::Pin;
use std::time::Duration;

use protos::telemetry::telemetry_server::{Telemetry, TelemetryServer};
use protos::telemetry::{Ack, Reading, SubscribeRequest, UploadSummary};
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

/// What a streaming rpc returns: any stream of messages (or a status that
/// ends the call), boxed so both rpcs can use one type.
type MessageStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

struct Service;

#[tonic::async_trait]
impl Telemetry for Service {
    type SubscribeStream = MessageStream<Reading>;

    async fn subscribe(
        &self,
        request: Request<SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let SubscribeRequest {
            sensor,
            count,
            interval_ms,
        } = request.into_inner();
        // A small buffer: the task never runs far ahead of the client.
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            for seq in 0..u64::from(count) {
                if seq > 0 {
                    tokio::time::sleep(Duration::from_millis(interval_ms.into())).await;
                }
                let reading = Reading {
                    sensor: sensor.clone(),
                    seq,
                    value: (seq * seq) as i64,
                };
                // The client cancelled (or went away): its receiver is gone,
                // and this task stops instead of working for nobody.
                if tx.send(Ok(reading)).await.is_err() {
                    return;
                }
            }
            // Returning drops `tx`: the stream ends, and tonic sends OK.
        });
        // Returned at once: the response (and its first reading) goes out
        // while the task is still making the rest.
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn upload(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<UploadSummary>, Status> {
        let mut stream = request.into_inner();
        let mut summary = UploadSummary::default();
        // `message()` is None once the client half-closes its stream.
        while let Some(reading) = stream.message().await? {
            let v = reading.value;
            if summary.count == 0 {
                (summary.min, summary.max) = (v, v);
            }
            summary.count += 1;
            summary.sum += v;
            summary.min = summary.min.min(v);
            summary.max = summary.max.max(v);
        }
        Ok(Response::new(summary))
    }

    type ExchangeStream = MessageStream<Ack>;

    async fn exchange(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<Self::ExchangeStream>, Status> {
        let mut readings = request.into_inner();
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(async move {
            let mut running_sum = 0i64;
            // One reading in, one ack out, before the next is read.
            loop {
                let reading = match readings.message().await {
                    Ok(Some(reading)) => reading,
                    Ok(None) => return, // half-closed: the call ends OK
                    Err(status) => {
                        let _ = tx.send(Err(status)).await;
                        return;
                    }
                };
                running_sum += reading.value;
                let ack = Ack {
                    seq: reading.seq,
                    running_sum,
                };
                if tx.send(Ok(ack)).await.is_err() {
                    return;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    tonic::transport::Server::builder()
        .add_service(TelemetryServer::new(Service))
        .serve(addr)
        .await?;
    Ok(())
}
