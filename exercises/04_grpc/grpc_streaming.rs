//! # grpc_streaming
//!
//! Q10. What advantages does gRPC have over REST APIs?
//!
//! Implement the `Telemetry` service of `proto/telemetry.proto` - one call,
//! many messages, in each direction:
//!
//! - `Subscribe` (server streaming): readings `seq` = 1..=`count` of
//!   `sensor`, `value` = seq * seq, the first at once, then one every
//!   `interval_ms`; then the call ends OK.
//! - `Upload` (client streaming): once the client half-closes its stream,
//!   reply `count`, `sum`, `min` and `max` of the values it sent (all 0
//!   when it sent none).
//! - `Exchange` (bidirectional): answer each reading with one `Ack` (its
//!   `seq`, and `running_sum`: the sum of the values so far) before reading
//!   the next; end OK when the client half-closes.
//!
//! A cancelled call must not disturb the others.
//!
//! How it is graded, as the gRPC interop tests do: readings in order and
//! complete; the first reading long before the last is due (sent as it is
//! made, not collected first); Upload with negative values and with none;
//! Exchange in lock-step - netlings sends the next reading only after the
//! ack - and half-closed with no reading at all; a Subscribe cancelled
//! half-way while another one runs.
//!
//! Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::pin::Pin;
use std::time::Duration;

use protos::telemetry::telemetry_server::{Telemetry, TelemetryServer};
use protos::telemetry::{Ack, Reading, SubscribeRequest, UploadSummary};
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

/// What a streaming rpc returns: any stream of messages (or a status).
type MessageStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

struct Service;

#[tonic::async_trait]
impl Telemetry for Service {
    type SubscribeStream = MessageStream<Reading>;

    async fn subscribe(
        &self,
        request: Request<SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        // TODO: return a stream at once, and feed it one reading every interval_ms.
        todo!("Subscribe: stream the readings as they are made")
    }

    async fn upload(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<UploadSummary>, Status> {
        // TODO: read the client's stream to its end, then reply.
        todo!("Upload: summarise the client's stream")
    }

    type ExchangeStream = MessageStream<Ack>;

    async fn exchange(
        &self,
        request: Request<Streaming<Reading>>,
    ) -> Result<Response<Self::ExchangeStream>, Status> {
        // TODO: answer each reading with its ack before reading the next.
        todo!("Exchange: one ack per reading, in lock-step")
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
