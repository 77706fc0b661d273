//! variant of: grpc_streaming
//! how: every stream written as a generator with async-stream (`stream!`), no channels and no spawned tasks; Upload folds with StreamExt
use std::pin::Pin;
use std::time::Duration;

use async_stream::stream;
use protos::telemetry::telemetry_server::{Telemetry, TelemetryServer};
use protos::telemetry::{Ack, Reading, SubscribeRequest, UploadSummary};
use tokio_stream::{Stream, StreamExt};
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
        // The generator runs only as tonic polls it: a cancelled call drops
        // it, and it stops where it was.
        let readings = stream! {
            for seq in 1..=u64::from(r.count) {
                if seq > 1 {
                    tokio::time::sleep(Duration::from_millis(u64::from(r.interval_ms))).await;
                }
                yield Ok(Reading { sensor: r.sensor.clone(), seq, value: (seq * seq) as i64 });
            }
        };
        Ok(Response::new(Box::pin(readings)))
    }

    async fn upload(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<UploadSummary>, Status> {
        let mut values = Vec::new();
        let mut stream = request.into_inner();
        while let Some(reading) = stream.next().await {
            values.push(reading?.value);
        }
        Ok(Response::new(UploadSummary {
            count: values.len() as u64,
            sum: values.iter().sum(),
            min: values.iter().copied().min().unwrap_or(0),
            max: values.iter().copied().max().unwrap_or(0),
        }))
    }

    type ExchangeStream = Out<Ack>;

    async fn exchange(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<Self::ExchangeStream>, Status> {
        let mut input = request.into_inner();
        let acks = stream! {
            let mut running_sum = 0;
            while let Some(reading) = input.next().await {
                match reading {
                    Ok(reading) => {
                        running_sum += reading.value;
                        yield Ok(Ack { seq: reading.seq, running_sum });
                    }
                    Err(status) => {
                        yield Err(status);
                        break;
                    }
                }
            }
        };
        Ok(Response::new(Box::pin(acks)))
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
