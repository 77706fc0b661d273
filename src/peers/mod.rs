//! Reference peers: the protocol code graders talk through, one module per
//! protocol. Each speaks in protocol messages and records the bytes in the
//! transcript; graders decide. A peer knows no verdicts: it never imports a
//! grader.

pub mod amqp;
pub mod calculator;
pub mod grpc;
pub mod http;
pub mod tcp;
pub mod udp;
pub mod ws;
pub mod xmlrpc;
pub mod zmq;
