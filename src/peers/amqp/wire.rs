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
    Method(Box<AMQPClass>, Option<Box<Content>>),
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
            What::Method(_, c) => c.as_deref(),
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
                    Some((channel, What::Method(Box::new(method), None)))
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
        Some((
            channel,
            What::Method(Box::new(method), Some(Box::new(content))),
        ))
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
        What::Method(method, content) => (method, content.as_deref()),
    };
    let (method, content) = method;
    let name = method_name(method);
    let fields = match method.as_ref() {
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
