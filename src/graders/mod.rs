//! One file per exercise: the script of the protocol its grader runs.
//!
//! A grader is `src/graders/<exercise>.rs` with a `//!` doc saying what it
//! proves, `pub const CHECKS: &[&str]` - the name of every check it can
//! run, in order - and `pub async fn grade(g: &Grading) -> Outcome`. It
//! composes peers (`crate::peers`) and the harness (`crate::harness`) and
//! never imports another grader. `cargo run -q -- dev sync` registers every
//! file here in the generated block below; nothing is listed by hand.

use std::future::Future;
use std::pin::Pin;

use crate::harness::{Grading, Outcome, RUNNER_CHECKS};
use crate::report::{Check, Status};

pub type GradeFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
pub type GradeFn = for<'a> fn(&'a Grading) -> GradeFuture<'a>;

/// A grader as the runner and the tools see it.
pub struct Grader {
    /// Its file's name, which `exercises.toml` refers to.
    pub name: &'static str,
    /// Every check it can run, in order: what a grade that stops at its
    /// first failure skipped, and what a mutant's `fails:` may name.
    pub checks: &'static [&'static str],
    pub grade: GradeFn,
}

/// The grader named in `exercises.toml`.
pub fn lookup(name: &str) -> Option<&'static Grader> {
    ALL.iter().find(|g| g.name == name)
}

impl Grader {
    /// Whether some check of this grader starts with `prefix` (how a
    /// mutant's `fails:` names one).
    pub fn has_check(&self, prefix: &str) -> bool {
        self.checks.iter().any(|c| c.starts_with(prefix))
    }

    /// Proves that the checks of one grade - the runner's own and those it
    /// skipped aside - are
    /// the first of [`checks`](Grader::checks), in order: a grade runs its
    /// checks in order and stops at the first that fails.
    pub fn ran_in_order(&self, ran: &[Check]) -> Result<(), String> {
        let own: Vec<&str> = ran
            .iter()
            .filter(|c| c.status != Status::Skipped)
            .map(|c| c.name.as_str())
            .filter(|n| !RUNNER_CHECKS.contains(n))
            .collect();
        for (i, name) in own.iter().enumerate() {
            match self.checks.get(i) {
                Some(listed) if listed == name => {}
                Some(listed) => {
                    return Err(format!(
                        "grader `{}` ran `{name}` as its check {}, where its CHECKS list `{listed}`{}",
                        self.name,
                        i + 1,
                        if self.checks.contains(name) {
                            " (out of order)"
                        } else {
                            ": add it to CHECKS"
                        }
                    ));
                }
                None => {
                    return Err(format!(
                        "grader `{}` ran `{name}`, which its CHECKS do not list",
                        self.name
                    ));
                }
            }
        }
        Ok(())
    }

    /// Proves that a grade that passed ran every check of
    /// [`checks`](Grader::checks), in order, and nothing else.
    pub fn ran_all(&self, ran: &[Check]) -> Result<(), String> {
        self.ran_in_order(ran)?;
        let own = ran
            .iter()
            .filter(|c| c.status != Status::Skipped && !RUNNER_CHECKS.contains(&c.name.as_str()))
            .count();
        match self.checks.get(own) {
            None => Ok(()),
            Some(missing) => Err(format!(
                "grader `{}` passed after {own} checks, without running `{missing}`: \
                 CHECKS lists a check it never runs",
                self.name
            )),
        }
    }
}

// BEGIN GENERATED GRADERS (cargo run -q -- dev sync writes this from the files in src/graders/; do not edit by hand)
pub mod amqp_publish;
pub mod amqp_subscribe;
pub mod amqp_topic_routing;
pub mod amqp_work_queue;
pub mod client_timeouts;
pub mod concurrent_server;
pub mod grpc_client;
pub mod grpc_codegen;
pub mod grpc_status_deadlines;
pub mod grpc_streaming;
pub mod grpc_unary_server;
pub mod http_async_concurrent;
pub mod http_get_json;
pub mod http_pooling;
pub mod http_retry;
pub mod http_timeouts;
pub mod length_prefixed;
pub mod line_protocol;
pub mod protobuf_wire;
pub mod send_all;
pub mod tcp_client;
pub mod tcp_echo_server;
pub mod udp_kv_server;
pub mod udp_retry_client;
pub mod ws_chat;
pub mod ws_echo_server;
pub mod ws_handshake;
pub mod ws_ticker_client;
pub mod xmlrpc_client;
pub mod xmlrpc_server;
pub mod zmq_pipeline;
pub mod zmq_pub_sub;
pub mod zmq_req_rep;

/// Every grader, by name.
pub const ALL: &[Grader] = &[
    Grader {
        name: "amqp_publish",
        checks: amqp_publish::CHECKS,
        grade: |g| Box::pin(amqp_publish::grade(g)),
    },
    Grader {
        name: "amqp_subscribe",
        checks: amqp_subscribe::CHECKS,
        grade: |g| Box::pin(amqp_subscribe::grade(g)),
    },
    Grader {
        name: "amqp_topic_routing",
        checks: amqp_topic_routing::CHECKS,
        grade: |g| Box::pin(amqp_topic_routing::grade(g)),
    },
    Grader {
        name: "amqp_work_queue",
        checks: amqp_work_queue::CHECKS,
        grade: |g| Box::pin(amqp_work_queue::grade(g)),
    },
    Grader {
        name: "client_timeouts",
        checks: client_timeouts::CHECKS,
        grade: |g| Box::pin(client_timeouts::grade(g)),
    },
    Grader {
        name: "concurrent_server",
        checks: concurrent_server::CHECKS,
        grade: |g| Box::pin(concurrent_server::grade(g)),
    },
    Grader {
        name: "grpc_client",
        checks: grpc_client::CHECKS,
        grade: |g| Box::pin(grpc_client::grade(g)),
    },
    Grader {
        name: "grpc_codegen",
        checks: grpc_codegen::CHECKS,
        grade: |g| Box::pin(grpc_codegen::grade(g)),
    },
    Grader {
        name: "grpc_status_deadlines",
        checks: grpc_status_deadlines::CHECKS,
        grade: |g| Box::pin(grpc_status_deadlines::grade(g)),
    },
    Grader {
        name: "grpc_streaming",
        checks: grpc_streaming::CHECKS,
        grade: |g| Box::pin(grpc_streaming::grade(g)),
    },
    Grader {
        name: "grpc_unary_server",
        checks: grpc_unary_server::CHECKS,
        grade: |g| Box::pin(grpc_unary_server::grade(g)),
    },
    Grader {
        name: "http_async_concurrent",
        checks: http_async_concurrent::CHECKS,
        grade: |g| Box::pin(http_async_concurrent::grade(g)),
    },
    Grader {
        name: "http_get_json",
        checks: http_get_json::CHECKS,
        grade: |g| Box::pin(http_get_json::grade(g)),
    },
    Grader {
        name: "http_pooling",
        checks: http_pooling::CHECKS,
        grade: |g| Box::pin(http_pooling::grade(g)),
    },
    Grader {
        name: "http_retry",
        checks: http_retry::CHECKS,
        grade: |g| Box::pin(http_retry::grade(g)),
    },
    Grader {
        name: "http_timeouts",
        checks: http_timeouts::CHECKS,
        grade: |g| Box::pin(http_timeouts::grade(g)),
    },
    Grader {
        name: "length_prefixed",
        checks: length_prefixed::CHECKS,
        grade: |g| Box::pin(length_prefixed::grade(g)),
    },
    Grader {
        name: "line_protocol",
        checks: line_protocol::CHECKS,
        grade: |g| Box::pin(line_protocol::grade(g)),
    },
    Grader {
        name: "protobuf_wire",
        checks: protobuf_wire::CHECKS,
        grade: |g| Box::pin(protobuf_wire::grade(g)),
    },
    Grader {
        name: "send_all",
        checks: send_all::CHECKS,
        grade: |g| Box::pin(send_all::grade(g)),
    },
    Grader {
        name: "tcp_client",
        checks: tcp_client::CHECKS,
        grade: |g| Box::pin(tcp_client::grade(g)),
    },
    Grader {
        name: "tcp_echo_server",
        checks: tcp_echo_server::CHECKS,
        grade: |g| Box::pin(tcp_echo_server::grade(g)),
    },
    Grader {
        name: "udp_kv_server",
        checks: udp_kv_server::CHECKS,
        grade: |g| Box::pin(udp_kv_server::grade(g)),
    },
    Grader {
        name: "udp_retry_client",
        checks: udp_retry_client::CHECKS,
        grade: |g| Box::pin(udp_retry_client::grade(g)),
    },
    Grader {
        name: "ws_chat",
        checks: ws_chat::CHECKS,
        grade: |g| Box::pin(ws_chat::grade(g)),
    },
    Grader {
        name: "ws_echo_server",
        checks: ws_echo_server::CHECKS,
        grade: |g| Box::pin(ws_echo_server::grade(g)),
    },
    Grader {
        name: "ws_handshake",
        checks: ws_handshake::CHECKS,
        grade: |g| Box::pin(ws_handshake::grade(g)),
    },
    Grader {
        name: "ws_ticker_client",
        checks: ws_ticker_client::CHECKS,
        grade: |g| Box::pin(ws_ticker_client::grade(g)),
    },
    Grader {
        name: "xmlrpc_client",
        checks: xmlrpc_client::CHECKS,
        grade: |g| Box::pin(xmlrpc_client::grade(g)),
    },
    Grader {
        name: "xmlrpc_server",
        checks: xmlrpc_server::CHECKS,
        grade: |g| Box::pin(xmlrpc_server::grade(g)),
    },
    Grader {
        name: "zmq_pipeline",
        checks: zmq_pipeline::CHECKS,
        grade: |g| Box::pin(zmq_pipeline::grade(g)),
    },
    Grader {
        name: "zmq_pub_sub",
        checks: zmq_pub_sub::CHECKS,
        grade: |g| Box::pin(zmq_pub_sub::grade(g)),
    },
    Grader {
        name: "zmq_req_rep",
        checks: zmq_req_rep::CHECKS,
        grade: |g| Box::pin(zmq_req_rep::grade(g)),
    },
];
// END GENERATED GRADERS
