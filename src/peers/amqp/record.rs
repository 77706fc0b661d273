//! Reading a proxy's record as the protocol does: which reply answers a
//! request, whether the broker refused it, which queue a declaration made,
//! and which deliveries the program acked (and what it had printed then).

use std::collections::HashMap;

use amq_protocol::protocol::{AMQPClass, basic};

use super::wire::{Event, Side};

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
