//! AMQP 0-9-1 against a real RabbitMQ: netlings' own client on the broker
//! ([`Broker`], lapin), and the recording proxy every learner program talks
//! through ([`proxy::Proxy`]).
//!
//! Every name a grade uses starts with a prefix unique to the run
//! (`netlings.<exercise>.<pid>.<random>`), so grades running at once - and
//! two learners on one broker - never meet; and everything declared under
//! it, by netlings or by the program, is deleted when the grade ends - or,
//! when netlings was killed with SIGKILL, by the next grade in the same
//! checkout ([`journal`]).

pub mod journal;
pub mod proxy;
pub mod record;
pub mod wire;

use std::collections::BTreeSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lapin::options::{
    BasicGetOptions, BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions,
    ExchangeDeleteOptions, QueueBindOptions, QueueDeclareOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::uri::AMQPUri;
use lapin::{BasicProperties, Channel, Confirmation, Connection, ConnectionProperties};

use crate::harness::{Failure, Grading, Transcript};
use crate::report::{Who, escape_abridged};
use proxy::Proxy;

/// Where the broker is: netlings' own environment may override it, and the
/// program gets the proxy's URL in the same variable.
pub const URL_VAR: &str = "NETLINGS_AMQP_URL";
pub const DEFAULT_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// How to get a broker, for the verdict of a machine without one.
pub const HOW_TO_START: &str = "Start one with `rabbitmq-server -detached` (your distribution's \
     `rabbitmq-server` package), or in a container: `docker run -d -p 5672:5672 rabbitmq:3`. \
     If yours runs elsewhere, point NETLINGS_AMQP_URL at it \
     (amqp://USER:PASSWORD@HOST:PORT/VHOST).";

/// The broker URL netlings uses.
pub fn broker_url() -> String {
    std::env::var(URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// Names to delete when the grade ends: netlings' own, and those the
/// program declared that are this run's (they carry its prefix, or the
/// broker generated them). Names a program chose without the prefix might
/// belong to someone else on the broker, and are left alone.
#[derive(Debug, Default)]
pub struct Declared {
    prefix: String,
    exchanges: BTreeSet<String>,
    queues: BTreeSet<String>,
    /// The grade's list on disk ([`journal`]), for a sweep after SIGKILL.
    journal: Option<std::path::PathBuf>,
}

impl Declared {
    pub fn note_exchange(&mut self, name: &str) {
        if !self.prefix.is_empty() && name.contains(&self.prefix) {
            self.add_exchange(name);
        }
    }

    pub fn note_queue(&mut self, name: &str) {
        if (!self.prefix.is_empty() && name.contains(&self.prefix)) || name.starts_with("amq.gen-")
        {
            self.add_queue(name);
        }
    }

    fn add_exchange(&mut self, name: &str) {
        if self.exchanges.insert(name.to_string())
            && let Some(journal) = &self.journal
        {
            journal::append(journal, "exchange", name);
        }
    }

    fn add_queue(&mut self, name: &str) {
        if self.queues.insert(name.to_string())
            && let Some(journal) = &self.journal
        {
            journal::append(journal, "queue", name);
        }
    }
}

/// netlings' own connection to the broker.
pub struct Broker {
    /// Publishes in confirm mode: netlings knows its messages are in.
    channel: Channel,
    /// Kept open for the grade (the channel lives on it).
    _connection: Connection,
    uri: AMQPUri,
    addr: SocketAddr,
    prefix: String,
    declared: Arc<Mutex<Declared>>,
    transcript: Transcript,
}

impl Broker {
    /// Connects to the broker, or says this machine cannot grade the
    /// exercise (no broker) and how to get one. Registers the deletion of
    /// everything the grade declares.
    pub async fn connect(g: &Grading) -> Result<Broker, Failure> {
        let url = broker_url();
        let uri = AMQPUri::from_str(&url).map_err(|e| {
            Failure::unavailable(format!("{URL_VAR}={url} is not an AMQP URL: {e}"))
        })?;
        let where_ = format!("{}:{}", uri.authority.host, uri.authority.port);
        let addr = where_
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| {
                Failure::unavailable(format!("the broker's host `{where_}` does not resolve"))
            })?;
        let no_broker = |why: String| {
            Failure::unavailable(format!(
                "this exercise needs a RabbitMQ broker, and none answers at {where_} ({why}).\n{HOW_TO_START}"
            ))
        };
        let connection = tokio::time::timeout(
            g.limits.ready,
            Connection::connect(&url, ConnectionProperties::default()),
        )
        .await
        .map_err(|_| no_broker(format!("no answer within {} s", g.limits.ready.as_secs())))?
        .map_err(|e| no_broker(e.to_string()))?;
        let channel = connection
            .create_channel()
            .await
            .map_err(|e| Failure::error(format!("opening a channel on the broker: {e}")))?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(|e| Failure::error(format!("confirm mode on the broker: {e}")))?;
        let prefix = format!(
            "netlings.{}.{}.{}",
            g.exercise,
            std::process::id(),
            crate::harness::Rng::new(crate::harness::Rng::fresh_seed()).word(6)
        );
        journal::sweep(&g.root, &url).await;
        let declared = Arc::new(Mutex::new(Declared {
            prefix: prefix.clone(),
            journal: Some(journal::dir(&g.root).join(&prefix)),
            ..Declared::default()
        }));
        let declared_too = declared.clone();
        g.on_finish(async move {
            delete_declared(url, declared_too).await;
        });
        Ok(Broker {
            channel,
            _connection: connection,
            uri,
            addr,
            prefix,
            declared,
            transcript: g.transcript.clone(),
        })
    }

    /// A name unique to this run: `<prefix>.<what>`.
    pub fn name(&self, what: &str) -> String {
        format!("{}.{what}", self.prefix)
    }

    /// A queue name unique to this run that the program is told to
    /// declare: deleted when the grade ends whoever declares it - also a
    /// program that went around the proxy, which netlings never saw.
    pub fn queue_name(&self, what: &str) -> String {
        let name = self.name(what);
        lock(&self.declared).add_queue(&name);
        name
    }

    /// A recording proxy in front of the broker, for one program.
    pub async fn proxy(&self, g: &Grading) -> Result<Proxy, Failure> {
        let info = &self.uri.authority.userinfo;
        let (user, password) = (url_encode(&info.username), url_encode(&info.password));
        let vhost = url_encode(&self.uri.vhost);
        Proxy::start(
            g,
            self.addr,
            move |port| format!("amqp://{user}:{password}@127.0.0.1:{port}/{vhost}"),
            self.declared.clone(),
        )
        .await
    }

    fn said(&self, text: String) {
        self.transcript.said(Who::Netlings, None, text);
    }

    /// Declares a durable exchange of `kind` (fanout, topic…), as the
    /// exercise asks the program to: the program's own declaration of it
    /// then succeeds only with the same arguments.
    pub async fn declare_exchange(&self, name: &str, kind: &str) -> Result<(), Failure> {
        lock(&self.declared).add_exchange(name);
        self.said(format!(
            "exchange.declare exchange={name} type={kind} durable=true"
        ));
        let kind = match kind {
            "fanout" => lapin::ExchangeKind::Fanout,
            "topic" => lapin::ExchangeKind::Topic,
            "direct" => lapin::ExchangeKind::Direct,
            other => lapin::ExchangeKind::Custom(other.to_string()),
        };
        self.channel
            .exchange_declare(
                name.into(),
                kind,
                ExchangeDeclareOptions {
                    durable: true,
                    ..ExchangeDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(|e| Failure::error(format!("netlings could not declare {name}: {e}")))
    }

    /// netlings' own queue (exclusive to its connection), bound to
    /// `exchange` with `key`: it receives what the program publishes.
    pub async fn own_queue(&self, exchange: &str, key: &str) -> Result<String, Failure> {
        let name = self.name("netlings-queue");
        lock(&self.declared).add_queue(&name);
        let err = |e: lapin::Error| Failure::error(format!("netlings' own queue: {e}"));
        self.said(format!("queue.declare queue={name} exclusive=true"));
        self.channel
            .queue_declare(
                name.as_str().into(),
                QueueDeclareOptions {
                    exclusive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(err)?;
        self.said(format!(
            "queue.bind queue={name} exchange={exchange} routing-key={key}"
        ));
        self.channel
            .queue_bind(
                name.as_str().into(),
                exchange.into(),
                key.into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(err)?;
        Ok(name)
    }

    /// Publishes a persistent message and waits for the broker's confirm.
    pub async fn publish(&self, exchange: &str, key: &str, body: &[u8]) -> Result<(), Failure> {
        self.publish_all(exchange, key, &[body]).await
    }

    /// Publishes every body back to back, then waits for the broker's
    /// confirms of all of them: the messages reach the queue as one burst,
    /// however slowly netlings itself is scheduled (one confirm awaited per
    /// message would space them by a round trip each).
    pub async fn publish_all(
        &self,
        exchange: &str,
        key: &str,
        bodies: &[&[u8]],
    ) -> Result<(), Failure> {
        let err = |e: lapin::Error| Failure::error(format!("netlings could not publish: {e}"));
        let mut confirms = Vec::with_capacity(bodies.len());
        for body in bodies {
            self.said(format!(
                "basic.publish exchange={exchange} routing-key={key} delivery-mode=2 body={}",
                escape_abridged(body, 60)
            ));
            let confirm = self
                .channel
                .basic_publish(
                    exchange.into(),
                    key.into(),
                    BasicPublishOptions::default(),
                    body,
                    BasicProperties::default().with_delivery_mode(2),
                )
                .await
                .map_err(err)?;
            confirms.push(confirm);
        }
        for confirm in confirms {
            if confirm.await.map_err(err)?.is_nack() {
                return Err(Failure::error(
                    "the broker refused a message netlings published",
                ));
            }
        }
        Ok(())
    }

    /// Takes the next message of `queue` (acknowledged at once), if any.
    pub async fn get(&self, queue: &str) -> Result<Option<Vec<u8>>, Failure> {
        let got = self
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await
            .map_err(|e| Failure::error(format!("reading netlings' queue {queue}: {e}")))?;
        Ok(got.map(|m| m.delivery.data))
    }

    /// How many messages and consumers `queue` has; `None` when it does
    /// not exist. (On a channel of its own: a failed passive declare closes
    /// the channel.)
    pub async fn queue_counts(&self, queue: &str) -> Option<(u32, u32)> {
        let channel = self._connection.create_channel().await.ok()?;
        let q = channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .ok()?;
        let _ = channel.close(200, "OK".into()).await;
        Some((q.message_count(), q.consumer_count()))
    }

    /// Whether a message published to `exchange` with `key` reaches any
    /// queue: a probe (mandatory, so the broker returns it if not), used to
    /// tell "never bound" from "bound without going through the proxy".
    pub async fn routes(&self, exchange: &str, key: &str) -> bool {
        let Ok(confirm) = self
            .channel
            .basic_publish(
                exchange.into(),
                key.into(),
                BasicPublishOptions {
                    mandatory: true,
                    ..BasicPublishOptions::default()
                },
                b"netlings probe",
                BasicProperties::default(),
            )
            .await
        else {
            return false;
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(2), confirm).await,
            Ok(Ok(Confirmation::Ack(None)))
        )
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Deletes what the grade declared, on a connection of its own (the
/// grade's may be gone), then its list on disk. Returns whether the broker
/// could be asked.
async fn delete_declared(url: String, declared: Arc<Mutex<Declared>>) -> bool {
    let (exchanges, queues, journal) = {
        let d = lock(&declared);
        (d.exchanges.clone(), d.queues.clone(), d.journal.clone())
    };
    if exchanges.is_empty() && queues.is_empty() {
        return true;
    }
    let Ok(connection) = Connection::connect(&url, ConnectionProperties::default()).await else {
        return false;
    };
    for queue in &queues {
        // One channel each: deleting a queue that is already gone (an
        // exclusive queue dies with its connection) closes the channel.
        if let Ok(channel) = connection.create_channel().await {
            let _ = channel
                .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                .await;
        }
    }
    for exchange in &exchanges {
        if let Ok(channel) = connection.create_channel().await {
            let _ = channel
                .exchange_delete(exchange.as_str().into(), ExchangeDeleteOptions::default())
                .await;
        }
    }
    let _ = connection.close(200, "OK".into()).await;
    if let Some(journal) = journal {
        let _ = std::fs::remove_file(journal);
    }
    true
}

/// Percent-encodes what a URL's user, password or vhost cannot hold as is.
fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}
