//! The reference client's calls, one method per rpc of the contracts:
//! graders say `kv.get("a")`, these send it and record it.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Status, Streaming};

use super::client::{Answer, CallOptions, Channel};
use super::proto::kv::key_value_client::KeyValueClient;
use super::proto::kv::{GetReply, GetRequest, PutReply, PutRequest};
use super::proto::notes::notes_client::NotesClient;
use super::proto::notes::{Note, NoteId, TagQuery};
use super::proto::telemetry::telemetry_client::TelemetryClient;
use super::proto::telemetry::{Ack, Reading, SubscribeRequest, UploadSummary};

/// `netlings.kv.v1.KeyValue`.
pub struct Kv {
    pub channel: Channel,
    pub options: CallOptions,
}

impl Kv {
    pub const PUT: &str = "/netlings.kv.v1.KeyValue/Put";
    pub const GET: &str = "/netlings.kv.v1.KeyValue/Get";

    pub fn new(channel: &Channel, options: CallOptions) -> Kv {
        Kv {
            channel: channel.clone(),
            options,
        }
    }

    pub async fn put(&self, key: &str, value: &[u8]) -> Answer<PutReply> {
        let mut client = KeyValueClient::new(self.channel.inner.clone());
        let message = PutRequest {
            key: key.to_string(),
            value: value.to_vec(),
        };
        self.channel
            .unary(Self::PUT, message, &self.options, |r| async move {
                client.put(r).await
            })
            .await
    }

    pub async fn get(&self, key: &str) -> Answer<GetReply> {
        let mut client = KeyValueClient::new(self.channel.inner.clone());
        let message = GetRequest {
            key: key.to_string(),
        };
        self.channel
            .unary(Self::GET, message, &self.options, |r| async move {
                client.get(r).await
            })
            .await
    }
}

/// A stream of answers being read, each message timed from the call's start.
pub struct Incoming<T> {
    channel: Channel,
    stream: Streaming<T>,
    started: Instant,
}

/// The next thing on a stream of answers.
#[derive(Debug)]
pub enum Next<T> {
    /// A message, and when it came (from the call's start).
    Message(T, Duration),
    /// The stream ended with status OK.
    End(Duration),
    /// The stream ended with an error status (or the connection broke).
    Failed(Status, Duration),
    /// Nothing came within the wait.
    Silent,
}

impl<T: std::fmt::Debug> Incoming<T> {
    /// The next message or the end, waiting at most `within`.
    pub async fn next(&mut self, within: Duration) -> Next<T> {
        match tokio::time::timeout(within, self.stream.message()).await {
            Err(_) => Next::Silent,
            Ok(Ok(Some(message))) => {
                let at = self.started.elapsed();
                self.channel.answered(&message, at);
                Next::Message(message, at)
            }
            Ok(Ok(None)) => {
                let at = self.started.elapsed();
                self.channel.ended(&Ok(()), at);
                Next::End(at)
            }
            Ok(Err(status)) => {
                let at = self.started.elapsed();
                self.channel.ended(&Err(status.clone()), at);
                Next::Failed(status, at)
            }
        }
    }

    /// Cancels the call (an HTTP/2 `RST_STREAM` with `CANCEL`, as a client
    /// that gives up sends): dropping the stream does it.
    pub fn cancel(self) {
        self.channel
            .event("netlings cancelled this call (RST_STREAM CANCEL)");
    }
}

/// `netlings.telemetry.v1.Telemetry`.
pub struct Telemetry {
    pub channel: Channel,
}

impl Telemetry {
    pub const SUBSCRIBE: &str = "/netlings.telemetry.v1.Telemetry/Subscribe";
    pub const UPLOAD: &str = "/netlings.telemetry.v1.Telemetry/Upload";
    pub const EXCHANGE: &str = "/netlings.telemetry.v1.Telemetry/Exchange";

    pub fn new(channel: &Channel) -> Telemetry {
        Telemetry {
            channel: channel.clone(),
        }
    }

    /// Starts a `Subscribe`; the readings are read from what it returns.
    pub async fn subscribe(
        &self,
        request: SubscribeRequest,
        within: Duration,
    ) -> Result<Incoming<Reading>, Status> {
        let options = CallOptions::default();
        self.channel.sent(Self::SUBSCRIBE, &request, &options);
        let mut client = TelemetryClient::new(self.channel.inner.clone());
        let started = Instant::now();
        let response = tokio::time::timeout(within, client.subscribe(options.request(request)))
            .await
            .map_err(|_| silent(within))
            .and_then(|r| r);
        match response {
            Ok(response) => Ok(Incoming {
                channel: self.channel.clone(),
                stream: response.into_inner(),
                started,
            }),
            Err(status) => {
                self.channel.ended(&Err(status.clone()), started.elapsed());
                Err(status)
            }
        }
    }

    /// An `Upload` of `readings`, then the half-close.
    pub async fn upload(&self, readings: Vec<Reading>) -> Answer<UploadSummary> {
        let options = CallOptions::default();
        self.channel
            .sent(Self::UPLOAD, &"(a stream of Reading)", &options);
        for reading in &readings {
            self.channel.streamed(reading);
        }
        self.channel.half_closed();
        let mut client = TelemetryClient::new(self.channel.inner.clone());
        let started = Instant::now();
        let result = client
            .upload(options.request(tokio_stream::iter(readings)))
            .await
            .map(tonic::Response::into_inner);
        let took = started.elapsed();
        match &result {
            Ok(summary) => self.channel.answered(summary, took),
            Err(status) => self.channel.ended(&Err(status.clone()), took),
        }
        Answer { result, took }
    }

    /// Starts an `Exchange` whose first message is `first` (or, with
    /// `None`, a stream half-closed at once), and waits at most `within` for
    /// the program to answer the call: `Err(None)` if it did not.
    pub async fn exchange(
        &self,
        first: Option<Reading>,
        within: Duration,
    ) -> Result<Exchange, Option<Status>> {
        let options = CallOptions::default();
        self.channel
            .sent(Self::EXCHANGE, &"(a stream of Reading)", &options);
        let (tx, rx) = mpsc::channel(8);
        let mut sender = Some(tx);
        match first {
            Some(reading) => {
                self.channel.streamed(&reading);
                let _ = sender.as_ref().expect("just made").send(reading).await;
            }
            None => {
                sender = None;
                self.channel.half_closed();
            }
        }
        let mut client = TelemetryClient::new(self.channel.inner.clone());
        let started = Instant::now();
        let response = tokio::time::timeout(
            within,
            client.exchange(options.request(ReceiverStream::new(rx))),
        )
        .await;
        let Ok(response) = response else {
            self.channel.event(format!(
                "netlings waited {:.1} s and the program did not answer the call",
                within.as_secs_f64()
            ));
            return Err(None);
        };
        match response {
            Ok(response) => Ok(Exchange {
                sender,
                acks: Incoming {
                    channel: self.channel.clone(),
                    stream: response.into_inner(),
                    started,
                },
            }),
            Err(status) => {
                self.channel.ended(&Err(status.clone()), started.elapsed());
                Err(Some(status))
            }
        }
    }
}

/// The status netlings reports when the program said nothing at all.
fn silent(within: Duration) -> Status {
    Status::deadline_exceeded(format!(
        "netlings waited {:.1} s and the program did not answer the call",
        within.as_secs_f64()
    ))
}

/// A bidirectional `Exchange` in progress.
pub struct Exchange {
    sender: Option<mpsc::Sender<Reading>>,
    pub acks: Incoming<Ack>,
}

impl Exchange {
    /// Sends one more reading.
    pub async fn send(&mut self, reading: Reading) {
        self.acks.channel.streamed(&reading);
        if let Some(tx) = &self.sender {
            let _ = tx.send(reading).await;
        }
    }

    /// Half-closes netlings' side: no more readings.
    pub fn half_close(&mut self) {
        if self.sender.take().is_some() {
            self.acks.channel.half_closed();
        }
    }
}

/// `netlings.notes.v1.Notes`, from the finished notes.proto.
pub struct Notes {
    pub channel: Channel,
}

impl Notes {
    pub const ADD: &str = "/netlings.notes.v1.Notes/Add";
    pub const GET: &str = "/netlings.notes.v1.Notes/Get";
    pub const SEARCH: &str = "/netlings.notes.v1.Notes/Search";

    pub fn new(channel: &Channel) -> Notes {
        Notes {
            channel: channel.clone(),
        }
    }

    pub async fn add(&self, note: Note) -> Answer<NoteId> {
        let mut client = NotesClient::new(self.channel.inner.clone());
        self.channel
            .unary(Self::ADD, note, &CallOptions::default(), |r| async move {
                client.add(r).await
            })
            .await
    }

    pub async fn get(&self, id: u64) -> Answer<Note> {
        let mut client = NotesClient::new(self.channel.inner.clone());
        self.channel
            .unary(
                Self::GET,
                NoteId { id },
                &CallOptions::default(),
                |r| async move { client.get(r).await },
            )
            .await
    }

    pub async fn search(&self, tag: &str, within: Duration) -> Result<Incoming<Note>, Status> {
        let options = CallOptions::default();
        let request = TagQuery {
            tag: tag.to_string(),
        };
        self.channel.sent(Self::SEARCH, &request, &options);
        let mut client = NotesClient::new(self.channel.inner.clone());
        let started = Instant::now();
        let response = tokio::time::timeout(within, client.search(options.request(request)))
            .await
            .map_err(|_| silent(within))
            .and_then(|r| r);
        match response {
            Ok(response) => Ok(Incoming {
                channel: self.channel.clone(),
                stream: response.into_inner(),
                started,
            }),
            Err(status) => {
                self.channel.ended(&Err(status.clone()), started.elapsed());
                Err(status)
            }
        }
    }
}
