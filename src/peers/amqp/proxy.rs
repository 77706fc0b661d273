//! The recording AMQP proxy: the learner's program connects to it (its
//! `NETLINGS_AMQP_URL`), and it relays every byte to the real broker and
//! back, decoding the frames as they pass ([`super::wire`]). What the
//! program sent - confirm mode, delivery modes, acks - is judged from its
//! record, not guessed from what arrived.
//!
//! It is also the fault injector: it can hold the broker's last publisher
//! confirm back for a moment (a slow broker), and because every connection
//! of a program goes through it, netlings knows exactly which deliveries a
//! program holds unacked when it kills that program.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use amq_protocol::protocol::{AMQPClass, basic, channel, confirm, connection, exchange, queue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::AbortHandle;

use super::Declared;
use super::wire::{Decoder, Event, Side, What, describe};
use crate::harness::process::ProgramWatch;
use crate::harness::{Failure, Grading, Program, Transcript};
use crate::report::{Kind, Who};

/// A proxy for one program: its connections are told apart from other
/// programs' because each program gets a proxy (and a URL) of its own.
pub struct Proxy {
    url: String,
    shared: Arc<Shared>,
    accept: AbortHandle,
}

struct Shared {
    broker: SocketAddr,
    transcript: Transcript,
    log: Mutex<Vec<Event>>,
    /// The number of events recorded, for waiters.
    changed: watch::Sender<usize>,
    /// The program on the other side: its stdout is read at its acks.
    program: OnceLock<ProgramWatch>,
    /// Which publish's confirm to hold back, for how long.
    hold: Mutex<Option<Hold>>,
    /// basic.publish frames the program sent, on all its connections.
    publishes: AtomicUsize,
    /// The relaying tasks, ended with the proxy.
    tasks: Mutex<Vec<AbortHandle>>,
    declared: Arc<Mutex<Declared>>,
}

#[derive(Clone, Copy)]
struct Hold {
    /// The publish (1-based, in the order the program sent them) whose
    /// confirm waits.
    nth: usize,
    window: Duration,
    done: bool,
}

/// What one connection's two directions share.
#[derive(Default)]
struct ConnState {
    /// Channels in confirm mode, and the next delivery tag on each.
    next_tag: HashMap<u16, u64>,
    /// (channel, delivery tag) of a confirmed publish → its overall number.
    publish_of_tag: HashMap<(u16, u64), usize>,
}

struct Conn {
    id: u32,
    state: Mutex<ConnState>,
    /// The program closed its connection or a channel, or hung up.
    left: AtomicBool,
    left_now: Notify,
}

impl Proxy {
    /// Listens on a fresh loopback port; `url_for(port)` is the URL the
    /// program gets.
    pub async fn start(
        g: &Grading,
        broker: SocketAddr,
        url_for: impl Fn(u16) -> String,
        declared: Arc<Mutex<Declared>>,
    ) -> Result<Proxy, Failure> {
        let at = g.listen_addr();
        let listener = TcpListener::bind(at)
            .await
            .map_err(|e| Failure::error(format!("netlings cannot bind {at}: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Failure::error(e.to_string()))?
            .port();
        let shared = Arc::new(Shared {
            broker,
            transcript: g.transcript.clone(),
            log: Mutex::new(Vec::new()),
            changed: watch::channel(0).0,
            program: OnceLock::new(),
            hold: Mutex::new(None),
            publishes: AtomicUsize::new(0),
            tasks: Mutex::new(Vec::new()),
            declared,
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone())).abort_handle();
        Ok(Proxy {
            url: url_for(port),
            shared,
            accept,
        })
    }

    /// The `NETLINGS_AMQP_URL` of the program behind this proxy.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The program this proxy serves: what it printed is read at each of
    /// its acks (exactly: every byte it wrote before sending the ack).
    pub fn attach(&self, program: &Program) {
        let _ = self.shared.program.set(program.watch());
    }

    /// Holds the broker's confirm of the program's `nth` publish back for
    /// `window`, or until the program closes its connection or channel: a
    /// program that waits for its confirms is still there when it comes.
    pub fn hold_confirm_of(&self, nth: usize, window: Duration) {
        *lock(&self.shared.hold) = Some(Hold {
            nth,
            window,
            done: false,
        });
    }

    /// Everything recorded so far.
    pub fn events(&self) -> Vec<Event> {
        lock(&self.shared.log).clone()
    }

    /// Waits until `found` finds what it looks for in the record (callers
    /// bound the wait).
    pub async fn until<T>(&self, mut found: impl FnMut(&[Event]) -> Option<T>) -> T {
        let mut changed = self.shared.changed.subscribe();
        loop {
            changed.borrow_and_update();
            if let Some(t) = found(&lock(&self.shared.log)) {
                return t;
            }
            if changed.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Proxy {
    /// Waits until `found` finds what it looks for in the record: fails
    /// when the program exits first (once the proxy has read all it sent),
    /// or after `within`; `what` says what was awaited, for the verdict.
    pub async fn wait_for<T>(
        &self,
        program: &Program,
        within: Duration,
        what: &str,
        mut found: impl FnMut(&[Event]) -> Option<T>,
    ) -> Result<T, Failure> {
        let outcome = tokio::select! {
            biased;
            t = self.until(&mut found) => return Ok(t),
            status = program.exited() => Some(status),
            () = tokio::time::sleep(within) => None,
        };
        match outcome {
            Some(status) => {
                self.settle().await;
                if let Some(t) = found(&lock(&self.shared.log)) {
                    return Ok(t);
                }
                Err(crate::harness::expect::ended_early(
                    program,
                    status,
                    &format!("before {what}"),
                ))
            }
            None => Err(Failure::timeout(format!(
                "{what}: not on the wire within {:.0} s",
                within.as_secs_f64()
            ))),
        }
    }

    /// Waits until the program has completed the AMQP handshake (sent its
    /// Connection.Open) on each of `connections` connections: a program
    /// that connects and then stalls, or speaks something else, fails
    /// here saying how far it got - not later, as a declaration that never
    /// came. `who` names the program in the verdict.
    pub async fn wait_for_handshake(
        &self,
        program: &Program,
        within: Duration,
        who: &str,
    ) -> Result<(), Failure> {
        let is_open = |e: &Event| {
            e.from == Side::Program
                && matches!(
                    e.method(),
                    Some(AMQPClass::Connection(connection::AMQPMethod::Open(_)))
                )
        };
        let waited = self
            .wait_for(program, within, "the AMQP handshake", |events| {
                events.iter().any(is_open).then_some(())
            })
            .await;
        let Err(failure) = waited else {
            return Ok(());
        };
        if failure.status != crate::report::Status::Timeout {
            return Err(failure);
        }
        let last = lock(&self.shared.log)
            .iter()
            .rev()
            .find(|e| e.from == Side::Program && !matches!(e.what, What::Connected))
            .map(|e| describe(&e.what));
        let got = match last {
            Some(last) => format!("the last thing it sent was {last}"),
            None => "it sent nothing at all".to_string(),
        };
        Err(Failure::timeout(format!(
            "{who} connected to NETLINGS_AMQP_URL but did not complete the AMQP handshake \
             (Connection.Open) within {:.0} s: {got}",
            within.as_secs_f64()
        ))
        .because(
            "let the client library open the connection and await it \
             (lapin: `Connection::connect(&url, ConnectionProperties::default()).await?`) \
             before anything else",
        ))
    }

    /// Waits for a synchronous method of the program that `is_request`
    /// picks, and the broker's reply to it: the next method of the same
    /// class on that channel, or the channel's (or connection's) close.
    pub async fn wait_for_reply(
        &self,
        program: &Program,
        within: Duration,
        what: &str,
        is_request: impl Fn(&Event) -> bool,
    ) -> Result<(Event, Event), Failure> {
        self.wait_for(program, within, what, |events| {
            let (i, request) = events
                .iter()
                .enumerate()
                .find(|(_, e)| e.from == Side::Program && is_request(e))?;
            let reply = super::record::reply_to(events, i)?;
            Some((request.clone(), reply.clone()))
        })
        .await
    }

    /// After the program exited: waits (briefly) until the proxy has read
    /// and recorded everything its connections carried.
    pub async fn settle(&self) {
        let all_closed = self.until(|events| {
            let opened = events
                .iter()
                .filter(|e| matches!(e.what, What::Connected))
                .count();
            let closed = events
                .iter()
                .filter(|e| e.from == Side::Program && matches!(e.what, What::Closed))
                .count();
            (closed >= opened).then_some(())
        });
        let _ = tokio::time::timeout(Duration::from_secs(2), all_closed).await;
    }

    /// Tells the record again, in the current check's transcript: the
    /// events `which` picks (for a verdict reached from what crossed the
    /// wire during earlier checks).
    /// The broker's first method on each connection told (its
    /// `connection.start`) is told too: the broker is a party of the
    /// conversation even when only the program's side is picked.
    pub fn retell(&self, which: impl Fn(&Event) -> bool) {
        let log = lock(&self.shared.log);
        let conns: Vec<u32> = log.iter().filter(|e| which(e)).map(|e| e.conn).collect();
        let mut greeted = Vec::new();
        for e in log.iter() {
            let greeting = e.from == Side::Broker
                && matches!(e.what, What::Method(..))
                && conns.contains(&e.conn)
                && !greeted.contains(&e.conn);
            if greeting {
                greeted.push(e.conn);
            }
            if greeting || which(e) {
                tell(&self.shared.transcript, e.at, e.conn, e.from, &e.what);
            }
        }
    }

    /// Whether the program ever opened a connection to the proxy.
    pub fn connected(&self) -> bool {
        lock(&self.shared.log)
            .iter()
            .any(|e| matches!(e.what, What::Connected))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        for task in lock(&self.shared.tasks).drain(..) {
            task.abort();
        }
    }
}

/// One recorded event in the transcript, at its moment: a connection
/// opened or closed, a method, a confirm netlings held back.
fn tell(t: &Transcript, at: Instant, conn: u32, from: Side, what: &What) {
    let who = match from {
        Side::Program => Who::Program,
        Side::Broker => Who::Broker,
    };
    let (who, kind, size) = match what {
        What::Connected => (who, Kind::Open, None),
        What::Closed => (who, Kind::Close, None),
        What::ConfirmHeld | What::ConfirmReleased { .. } => (Who::Event, Kind::Note, None),
        What::Garbage(bytes) => (who, Kind::Message, Some(bytes.len())),
        What::Method(_, content) => (who, Kind::Message, content.as_ref().map(|c| c.body.len())),
        What::ProtocolHeader => (who, Kind::Message, Some(8)),
    };
    t.record(at, who, Some(conn), kind, describe(what), size);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((client, _)) = listener.accept().await {
        let _ = client.set_nodelay(true);
        let conn = Arc::new(Conn {
            id: shared.transcript.new_conn(),
            state: Mutex::new(ConnState::default()),
            left: AtomicBool::new(false),
            left_now: Notify::new(),
        });
        shared.record(&conn, Side::Program, 0, What::Connected, None);
        let upstream = match TcpStream::connect(shared.broker).await {
            Ok(s) => s,
            Err(e) => {
                shared.transcript.event(
                    Some(conn.id),
                    format!(
                        "netlings could not reach the broker at {}: {e}",
                        shared.broker
                    ),
                );
                continue;
            }
        };
        let _ = upstream.set_nodelay(true);
        let (client_rd, client_wr) = client.into_split();
        let (up_rd, up_wr) = upstream.into_split();
        let up = tokio::spawn(program_to_broker(
            shared.clone(),
            conn.clone(),
            client_rd,
            up_wr,
        ));
        let down = tokio::spawn(broker_to_program(shared.clone(), conn, up_rd, client_wr));
        lock(&shared.tasks).extend([up.abort_handle(), down.abort_handle()]);
    }
}

impl Shared {
    fn record(
        &self,
        conn: &Conn,
        from: Side,
        channel: u16,
        what: What,
        printed_before: Option<Vec<u8>>,
    ) {
        let at = Instant::now();
        tell(&self.transcript, at, conn.id, from, &what);
        let mut log = lock(&self.log);
        log.push(Event {
            at,
            conn: conn.id,
            from,
            channel,
            what,
            printed_before,
        });
        let n = log.len();
        drop(log);
        self.changed.send_replace(n);
    }

    /// What the program has printed so far, if netlings watches it.
    async fn printed(&self) -> Option<Vec<u8>> {
        match self.program.get() {
            Some(program) => Some(program.settle_stdout().await),
            None => None,
        }
    }
}

async fn program_to_broker(
    shared: Arc<Shared>,
    conn: Arc<Conn>,
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut decoder = Decoder::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for frame in decoder.push(&buf[..n]) {
            if let Some((channel, what)) = frame.event {
                let printed = note_program_method(&shared, &conn, channel, &what).await;
                shared.record(&conn, Side::Program, channel, what, printed);
            }
            if to.write_all(&frame.raw).await.is_err() {
                break;
            }
        }
    }
    conn.left.store(true, Ordering::SeqCst);
    conn.left_now.notify_waiters();
    shared.record(&conn, Side::Program, 0, What::Closed, None);
    let _ = to.shutdown().await;
}

/// Keeps track of what a program method changes (confirm mode, publish
/// numbers, names to clean up); for acks, returns what it had printed.
async fn note_program_method(
    shared: &Shared,
    conn: &Conn,
    channel: u16,
    what: &What,
) -> Option<Vec<u8>> {
    let What::Method(method, _) = what else {
        return None;
    };
    match method.as_ref() {
        AMQPClass::Confirm(confirm::AMQPMethod::Select(_)) => {
            lock(&conn.state).next_tag.entry(channel).or_insert(1);
        }
        AMQPClass::Basic(basic::AMQPMethod::Publish(_)) => {
            let nth = shared.publishes.fetch_add(1, Ordering::SeqCst) + 1;
            let mut state = lock(&conn.state);
            if let Some(tag) = state.next_tag.get_mut(&channel) {
                let this = *tag;
                *tag += 1;
                state.publish_of_tag.insert((channel, this), nth);
            }
        }
        AMQPClass::Basic(
            basic::AMQPMethod::Ack(_) | basic::AMQPMethod::Nack(_) | basic::AMQPMethod::Reject(_),
        ) => return shared.printed().await,
        AMQPClass::Channel(channel::AMQPMethod::Close(_))
        | AMQPClass::Connection(connection::AMQPMethod::Close(_)) => {
            conn.left.store(true, Ordering::SeqCst);
            conn.left_now.notify_waiters();
        }
        AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)) => {
            lock(&shared.declared).note_exchange(d.exchange.as_str());
        }
        AMQPClass::Queue(queue::AMQPMethod::Declare(d)) => {
            lock(&shared.declared).note_queue(d.queue.as_str());
        }
        _ => {}
    }
    None
}

async fn broker_to_program(
    shared: Arc<Shared>,
    conn: Arc<Conn>,
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut decoder = Decoder::default();
    let mut buf = vec![0u8; 64 * 1024];
    'read: loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for frame in decoder.push(&buf[..n]) {
            let mut released = None;
            if let Some((channel, What::Method(method, _))) = &frame.event {
                if let AMQPClass::Queue(queue::AMQPMethod::DeclareOk(ok)) = method.as_ref() {
                    lock(&shared.declared).note_queue(ok.queue.as_str());
                }
                if confirms_held_publish(&shared, &conn, *channel, method) {
                    released = Some(hold_confirm(&shared, &conn, *channel).await);
                }
            }
            // Recorded before it is passed on: whatever the program does
            // about a frame comes after the frame in the record.
            if let Some((channel, what, printed)) = released {
                shared.record(&conn, Side::Broker, channel, what, printed);
            }
            if let Some((channel, what)) = frame.event {
                shared.record(&conn, Side::Broker, channel, what, None);
            }
            if to.write_all(&frame.raw).await.is_err() {
                break 'read;
            }
        }
    }
    shared.record(&conn, Side::Broker, 0, What::Closed, None);
    let _ = to.shutdown().await;
}

/// Whether this broker method confirms the publish whose confirm is to be
/// held (and the hold has not happened yet).
fn confirms_held_publish(shared: &Shared, conn: &Conn, channel: u16, method: &AMQPClass) -> bool {
    let (tag, multiple) = match method {
        AMQPClass::Basic(basic::AMQPMethod::Ack(a)) => (a.delivery_tag, a.multiple),
        AMQPClass::Basic(basic::AMQPMethod::Nack(n)) => (n.delivery_tag, n.multiple),
        _ => return false,
    };
    let Some(hold) = *lock(&shared.hold) else {
        return false;
    };
    if hold.done {
        return false;
    }
    let state = lock(&conn.state);
    state.publish_of_tag.iter().any(|((ch, t), nth)| {
        *ch == channel && *nth == hold.nth && (*t == tag || (multiple && (tag == 0 || *t <= tag)))
    })
}

/// Holds the confirm back; returns the event that says how it ended.
async fn hold_confirm(shared: &Shared, conn: &Conn, channel: u16) -> (u16, What, Option<Vec<u8>>) {
    let window = {
        let mut hold = lock(&shared.hold);
        let Some(h) = hold.as_mut() else {
            return (
                channel,
                What::ConfirmReleased {
                    program_left: false,
                },
                None,
            );
        };
        h.done = true;
        h.window
    };
    shared.record(conn, Side::Broker, channel, What::ConfirmHeld, None);
    let left = async {
        loop {
            let notified = conn.left_now.notified();
            if conn.left.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    };
    let _ = tokio::time::timeout(window, left).await;
    let program_left = conn.left.load(Ordering::SeqCst);
    let printed = shared.printed().await;
    (channel, What::ConfirmReleased { program_left }, printed)
}
