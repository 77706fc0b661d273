//! AMQP 0-9-1 as the recording proxy sees it: frames decoded with
//! `amq-protocol` (the codec lapin is built on), a method and its content
//! joined into one [`What::Method`], and each described in one line in the
//! protocol's own words (`basic.publish exchange=… routing-key=…`).

use std::collections::HashMap;
use std::time::Instant;

use amq_protocol::frame::{AMQPFrame, parse_frame};
use amq_protocol::protocol::{AMQPClass, BasicProperties, basic};

use crate::report::escape_abridged;

/// Which end of the proxied connection sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The learner's program.
    Program,
    /// The RabbitMQ broker.
    Broker,
}

/// A message's content: the properties of its header frame and its body.
#[derive(Debug, Clone)]
pub struct Content {
    pub properties: BasicProperties,
    pub body: Vec<u8>,
}

/// What happened on one proxied connection.
#[derive(Debug, Clone)]
pub enum What {
    /// The program opened a TCP connection to the proxy.
    Connected,
    /// `AMQP\0\0\x09\x01`, the protocol header a client opens with.
    ProtocolHeader,
    /// A method; for publish, deliver, get-ok and return, with its content,
    /// recorded once the content is whole.
    Method(AMQPClass, Option<Content>),
    /// Bytes that are not AMQP frames; the proxy relays the rest unread.
    Garbage(Vec<u8>),
    /// This side closed its end of the TCP connection.
    Closed,
    /// netlings held this broker confirm back (a slow broker, on purpose).
    ConfirmHeld,
    /// …and passed it on: `program_left` if the program had already closed
    /// its connection or channel while waiting for it.
    ConfirmReleased { program_left: bool },
}

/// One recorded event.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: Instant,
    /// The proxied connection, numbered as in the transcript.
    pub conn: u32,
    pub from: Side,
    pub channel: u16,
    pub what: What,
    /// For the program's acks, and for a released confirm: what the program
    /// had printed on stdout by then (every byte it wrote before sending it).
    pub printed_before: Option<Vec<u8>>,
}

impl Event {
    /// The method, if this is one.
    pub fn method(&self) -> Option<&AMQPClass> {
        match &self.what {
            What::Method(m, _) => Some(m),
            _ => None,
        }
    }

    /// A `basic.*` method, if this is one.
    pub fn basic(&self) -> Option<&basic::AMQPMethod> {
        match self.method() {
            Some(AMQPClass::Basic(m)) => Some(m),
            _ => None,
        }
    }

    pub fn content(&self) -> Option<&Content> {
        match &self.what {
            What::Method(_, c) => c.as_ref(),
            _ => None,
        }
    }
}

/// Decodes one direction of a connection: bytes in, whole frames out.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Per channel: the content-bearing method whose header and body are
    /// still coming, with the expected body size.
    partial: HashMap<u16, (AMQPClass, Option<BasicProperties>, u64, Vec<u8>)>,
    /// Set after bytes that do not parse: the rest is relayed unread.
    pub lost: bool,
}

/// What one decoded frame means, and its raw bytes (relayed as they came).
pub struct Decoded {
    pub raw: Vec<u8>,
    /// `None` for frames that complete nothing yet (a header, a body
    /// frame, a heartbeat).
    pub event: Option<(u16, What)>,
}

impl Decoder {
    /// Adds bytes; returns every whole frame now available. Once the
    /// stream stops parsing, the bytes come back as one [`What::Garbage`].
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Decoded> {
        if self.lost {
            return vec![Decoded {
                raw: bytes.to_vec(),
                event: None,
            }];
        }
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            match parse_frame(self.buf.as_slice()) {
                Ok((rest, frame)) => {
                    let used = self.buf.len() - rest.len();
                    let raw: Vec<u8> = self.buf.drain(..used).collect();
                    let event = self.join(frame);
                    out.push(Decoded { raw, event });
                }
                Err(e) if e.is_incomplete() => break,
                Err(_) => {
                    self.lost = true;
                    let raw = std::mem::take(&mut self.buf);
                    out.push(Decoded {
                        event: Some((0, What::Garbage(raw.clone()))),
                        raw,
                    });
                    break;
                }
            }
        }
        out
    }

    fn join(&mut self, frame: AMQPFrame) -> Option<(u16, What)> {
        match frame {
            AMQPFrame::ProtocolHeader(_) => Some((0, What::ProtocolHeader)),
            AMQPFrame::Method(channel, method) => {
                if carries_content(&method) {
                    self.partial.insert(channel, (method, None, 0, Vec::new()));
                    None
                } else {
                    Some((channel, What::Method(method, None)))
                }
            }
            AMQPFrame::Header(channel, header) => {
                let entry = self.partial.get_mut(&channel)?;
                entry.1 = Some(header.properties);
                entry.2 = header.body_size;
                self.complete(channel)
            }
            AMQPFrame::Body(channel, bytes) => {
                let entry = self.partial.get_mut(&channel)?;
                entry.3.extend_from_slice(&bytes);
                self.complete(channel)
            }
            AMQPFrame::Heartbeat | AMQPFrame::InvalidHeartbeat(_) => None,
        }
    }

    fn complete(&mut self, channel: u16) -> Option<(u16, What)> {
        let (_, properties, size, body) = self.partial.get(&channel)?;
        if properties.is_none() || (body.len() as u64) < *size {
            return None;
        }
        let (method, properties, _, body) = self.partial.remove(&channel)?;
        let content = Content {
            properties: properties.unwrap_or_default(),
            body,
        };
        Some((channel, What::Method(method, Some(content))))
    }
}

fn carries_content(method: &AMQPClass) -> bool {
    matches!(
        method,
        AMQPClass::Basic(
            basic::AMQPMethod::Publish(_)
                | basic::AMQPMethod::Deliver(_)
                | basic::AMQPMethod::GetOk(_)
                | basic::AMQPMethod::Return(_)
        )
    )
}

/// `basic.publish`, `queue.declare-ok`: the method's name as the AMQP
/// specification writes it.
pub fn method_name(method: &AMQPClass) -> String {
    let debug = format!("{method:?}");
    // `Basic(Publish(Publish { … }))` → class `Basic`, method `Publish`.
    let mut parts = debug.split('(');
    let class = parts.next().unwrap_or("").to_lowercase();
    let name = parts.next().unwrap_or("").trim();
    let mut kebab = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        } else {
            kebab.push(c);
        }
    }
    format!("{class}.{kebab}")
}

fn body_text(content: Option<&Content>) -> String {
    content.map_or(String::new(), |c| {
        format!(" body={}", escape_abridged(&c.body, 60))
    })
}

/// One line for the transcript: the method and the fields that matter.
pub fn describe(what: &What) -> String {
    use amq_protocol::protocol::{channel, connection, exchange, queue};
    let method = match what {
        What::Connected => return "connected to netlings' AMQP proxy".into(),
        What::ProtocolHeader => return "AMQP 0-9-1 protocol header".into(),
        What::Garbage(bytes) => {
            return format!(
                "bytes that are not AMQP frames: {}",
                escape_abridged(bytes, 40)
            );
        }
        What::Closed => return "closed the connection".into(),
        What::ConfirmHeld => {
            return "netlings holds the broker's last confirm back for a moment (a slow broker)"
                .into();
        }
        What::ConfirmReleased { program_left } => {
            return if *program_left {
                "netlings passes the held confirm on, but your program had already stopped waiting"
                    .into()
            } else {
                "netlings passes the held confirm on".into()
            };
        }
        What::Method(method, content) => (method, content.as_ref()),
    };
    let (method, content) = method;
    let name = method_name(method);
    let fields = match method {
        AMQPClass::Basic(m) => match m {
            basic::AMQPMethod::Publish(p) => format!(
                "exchange={} routing-key={} delivery-mode={}{}{}",
                p.exchange.as_str(),
                p.routing_key.as_str(),
                content
                    .and_then(|c| *c.properties.delivery_mode())
                    .map_or("none".to_string(), |d| d.to_string()),
                if p.mandatory { " mandatory" } else { "" },
                body_text(content)
            ),
            basic::AMQPMethod::Deliver(d) => format!(
                "delivery-tag={} redelivered={} exchange={} routing-key={}{}",
                d.delivery_tag,
                d.redelivered,
                d.exchange.as_str(),
                d.routing_key.as_str(),
                body_text(content)
            ),
            basic::AMQPMethod::GetOk(d) => format!(
                "delivery-tag={} redelivered={} routing-key={}{}",
                d.delivery_tag,
                d.redelivered,
                d.routing_key.as_str(),
                body_text(content)
            ),
            basic::AMQPMethod::Return(r) => format!(
                "reply-code={} reply-text={} routing-key={}{}",
                r.reply_code,
                r.reply_text.as_str(),
                r.routing_key.as_str(),
                body_text(content)
            ),
            basic::AMQPMethod::Ack(a) => {
                format!("delivery-tag={} multiple={}", a.delivery_tag, a.multiple)
            }
            basic::AMQPMethod::Nack(n) => format!(
                "delivery-tag={} multiple={} requeue={}",
                n.delivery_tag, n.multiple, n.requeue
            ),
            basic::AMQPMethod::Reject(r) => {
                format!("delivery-tag={} requeue={}", r.delivery_tag, r.requeue)
            }
            basic::AMQPMethod::Qos(q) => {
                format!("prefetch-count={} global={}", q.prefetch_count, q.global)
            }
            basic::AMQPMethod::Consume(c) => format!(
                "queue={} no-ack={} exclusive={}",
                c.queue.as_str(),
                c.no_ack,
                c.exclusive
            ),
            basic::AMQPMethod::Get(g) => format!("queue={} no-ack={}", g.queue.as_str(), g.no_ack),
            _ => String::new(),
        },
        AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)) => format!(
            "exchange={} type={} durable={} auto-delete={}{}",
            d.exchange.as_str(),
            d.kind.as_str(),
            d.durable,
            d.auto_delete,
            if d.passive { " passive" } else { "" }
        ),
        AMQPClass::Queue(queue::AMQPMethod::Declare(d)) => format!(
            "queue={:?} durable={} exclusive={} auto-delete={}{}",
            d.queue.as_str(),
            d.durable,
            d.exclusive,
            d.auto_delete,
            if d.passive { " passive" } else { "" }
        ),
        AMQPClass::Queue(queue::AMQPMethod::DeclareOk(d)) => format!(
            "queue={} messages={} consumers={}",
            d.queue.as_str(),
            d.message_count,
            d.consumer_count
        ),
        AMQPClass::Queue(queue::AMQPMethod::Bind(b)) => format!(
            "queue={} exchange={} routing-key={}",
            b.queue.as_str(),
            b.exchange.as_str(),
            b.routing_key.as_str()
        ),
        AMQPClass::Channel(channel::AMQPMethod::Close(c)) => {
            format!(
                "reply-code={} reply-text={}",
                c.reply_code,
                c.reply_text.as_str()
            )
        }
        AMQPClass::Connection(connection::AMQPMethod::Close(c)) => {
            format!(
                "reply-code={} reply-text={}",
                c.reply_code,
                c.reply_text.as_str()
            )
        }
        _ => String::new(),
    };
    if fields.is_empty() {
        name
    } else {
        format!("{name} {fields}")
    }
}

/// The broker's reply to the program's synchronous method at `request`:
/// the next broker method of the same class on that channel, or the close
/// of the channel (or connection) that refuses it.
pub fn reply_to(events: &[Event], request: usize) -> Option<&Event> {
    use amq_protocol::protocol::{channel, connection};
    use amq_protocol::protocol::{exchange, queue};
    let asked = events.get(request)?;
    // A method sent with no-wait gets no reply: it stands for its own.
    let nowait = match asked.method()? {
        AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)) => d.nowait,
        AMQPClass::Queue(queue::AMQPMethod::Declare(d)) => d.nowait,
        AMQPClass::Queue(queue::AMQPMethod::Bind(b)) => b.nowait,
        AMQPClass::Basic(basic::AMQPMethod::Consume(c)) => c.nowait,
        _ => false,
    };
    if nowait {
        return Some(asked);
    }
    let class = asked.method()?.get_amqp_class_id();
    events[request..].iter().find(|e| {
        e.from == Side::Broker
            && e.conn == asked.conn
            && match e.method() {
                Some(AMQPClass::Connection(connection::AMQPMethod::Close(_))) => true,
                Some(AMQPClass::Channel(channel::AMQPMethod::Close(_))) => {
                    e.channel == asked.channel
                }
                Some(m) => e.channel == asked.channel && m.get_amqp_class_id() == class,
                None => false,
            }
    })
}

/// The name the program asked for when it declared the queue the broker
/// calls `name` (empty: server-named), and whether it was exclusive.
pub fn queue_declaration(events: &[Event], name: &str) -> Option<(String, bool)> {
    events.iter().enumerate().find_map(|(i, e)| {
        let Some(AMQPClass::Queue(amq_protocol::protocol::queue::AMQPMethod::DeclareOk(ok))) =
            e.method()
        else {
            return None;
        };
        if ok.queue.as_str() != name {
            return None;
        }
        // The declare this answers: the program's last on that channel before it.
        events[..i].iter().rev().find_map(|d| match d.method() {
            Some(AMQPClass::Queue(amq_protocol::protocol::queue::AMQPMethod::Declare(q)))
                if d.from == Side::Program && d.conn == e.conn && d.channel == e.channel =>
            {
                Some((q.queue.as_str().to_string(), q.exclusive))
            }
            _ => None,
        })
    })
}

/// The broker's refusal, if this reply closes the channel or connection:
/// `406 PRECONDITION_FAILED - inequivalent arg 'type' …`.
pub fn refusal(reply: &Event) -> Option<String> {
    use amq_protocol::protocol::{channel, connection};
    match reply.method()? {
        AMQPClass::Channel(channel::AMQPMethod::Close(c)) => {
            Some(format!("{} {}", c.reply_code, c.reply_text.as_str()))
        }
        AMQPClass::Connection(connection::AMQPMethod::Close(c)) => {
            Some(format!("{} {}", c.reply_code, c.reply_text.as_str()))
        }
        _ => None,
    }
}

/// A message the broker delivered to the program (basic.deliver or
/// basic.get-ok), and what the program did about it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Its index in the record.
    pub at: usize,
    pub conn: u32,
    pub channel: u16,
    pub tag: u64,
    pub redelivered: bool,
    pub routing_key: String,
    pub body: Vec<u8>,
    /// Consumed with no-ack: the broker forgot it as it sent it.
    pub auto_ack: bool,
    /// The program's ack (or nack, reject) that settled it, if any.
    pub settled: Option<Settled>,
}

#[derive(Debug, Clone)]
pub struct Settled {
    /// Its index in the record.
    pub at: usize,
    /// `basic.ack`, `basic.nack` or `basic.reject`.
    pub how: &'static str,
    /// What the program had printed when it sent it.
    pub printed_before: Option<Vec<u8>>,
}

impl Delivery {
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn acked(&self) -> bool {
        matches!(&self.settled, Some(s) if s.how == "basic.ack")
    }
}

/// Every delivery to the program in the record, with the ack that settled
/// it (delivery tags count per channel; `multiple` settles every earlier
/// tag of the channel too).
pub fn deliveries(events: &[Event]) -> Vec<Delivery> {
    let mut out: Vec<Delivery> = Vec::new();
    // Channels with a no-ack consumer; the no-ack flag of each channel's
    // last basic.get.
    let mut no_ack_consume: std::collections::HashSet<(u32, u16)> = Default::default();
    let mut no_ack_get: HashMap<(u32, u16), bool> = HashMap::new();
    for (at, e) in events.iter().enumerate() {
        let Some(method) = e.basic() else { continue };
        let key = (e.conn, e.channel);
        match (e.from, method) {
            (Side::Program, basic::AMQPMethod::Consume(c)) if c.no_ack => {
                no_ack_consume.insert(key);
            }
            (Side::Program, basic::AMQPMethod::Get(g)) => {
                no_ack_get.insert(key, g.no_ack);
            }
            (Side::Broker, basic::AMQPMethod::Deliver(d)) => out.push(Delivery {
                at,
                conn: e.conn,
                channel: e.channel,
                tag: d.delivery_tag,
                redelivered: d.redelivered,
                routing_key: d.routing_key.as_str().to_string(),
                body: e.content().map(|c| c.body.clone()).unwrap_or_default(),
                auto_ack: no_ack_consume.contains(&key),
                settled: None,
            }),
            (Side::Broker, basic::AMQPMethod::GetOk(d)) => out.push(Delivery {
                at,
                conn: e.conn,
                channel: e.channel,
                tag: d.delivery_tag,
                redelivered: d.redelivered,
                routing_key: d.routing_key.as_str().to_string(),
                body: e.content().map(|c| c.body.clone()).unwrap_or_default(),
                auto_ack: no_ack_get.get(&key).copied().unwrap_or(false),
                settled: None,
            }),
            (Side::Program, settle) => {
                let (tag, multiple, how) = match settle {
                    basic::AMQPMethod::Ack(a) => (a.delivery_tag, a.multiple, "basic.ack"),
                    basic::AMQPMethod::Nack(n) => (n.delivery_tag, n.multiple, "basic.nack"),
                    basic::AMQPMethod::Reject(r) => (r.delivery_tag, false, "basic.reject"),
                    _ => continue,
                };
                for d in out.iter_mut().filter(|d| {
                    d.conn == e.conn && d.channel == e.channel && d.settled.is_none() && !d.auto_ack
                }) {
                    if d.tag == tag || (multiple && (tag == 0 || d.tag <= tag)) {
                        d.settled = Some(Settled {
                            at,
                            how,
                            printed_before: e.printed_before.clone(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use amq_protocol::frame::gen_frame;
    use amq_protocol::protocol::queue;

    fn encode(frame: &AMQPFrame) -> Vec<u8> {
        gen_frame(frame)(Vec::new().into()).unwrap().write
    }

    #[test]
    fn names_methods_as_the_specification_does() {
        let m = AMQPClass::Queue(queue::AMQPMethod::DeclareOk(queue::DeclareOk {
            queue: "q".into(),
            message_count: 0,
            consumer_count: 0,
        }));
        assert_eq!(method_name(&m), "queue.declare-ok");
    }

    #[test]
    fn joins_a_publish_with_its_content_across_reads() {
        let publish = AMQPFrame::Method(
            1,
            AMQPClass::Basic(basic::AMQPMethod::Publish(basic::Publish {
                exchange: "logs".into(),
                routing_key: "".into(),
                mandatory: false,
                immediate: false,
            })),
        );
        let header = AMQPFrame::Header(
            1,
            amq_protocol::frame::AMQPContentHeader {
                class_id: 60,
                body_size: 5,
                properties: BasicProperties::default().with_delivery_mode(2),
            },
        );
        let body = AMQPFrame::Body(1, b"hello".to_vec());
        let mut bytes = encode(&publish);
        bytes.extend(encode(&header));
        bytes.extend(encode(&body));
        let mut d = Decoder::default();
        let mut events = Vec::new();
        for chunk in bytes.chunks(3) {
            events.extend(d.push(chunk).into_iter().filter_map(|f| f.event));
        }
        assert_eq!(events.len(), 1);
        let line = describe(&events[0].1);
        assert_eq!(
            line,
            "basic.publish exchange=logs routing-key= delivery-mode=2 body=\"hello\""
        );
    }

    #[test]
    fn garbage_is_reported_once() {
        let mut d = Decoder::default();
        let out = d.push(b"GET / HTTP/1.1\r\n\r\n");
        assert!(matches!(out[0].event, Some((_, What::Garbage(_)))));
        assert!(d.push(b"more").iter().all(|f| f.event.is_none()));
    }
}
