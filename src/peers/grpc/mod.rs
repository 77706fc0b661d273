//! gRPC peers (tonic, prost): reference clients that call the learner's
//! servers and record every call in gRPC terms, a reference `KeyValue`
//! server that measures a learner's client, and the protobuf wire format
//! spelled out field by field.
//!
//! A gRPC call is an HTTP/2 stream: `POST /<package>.<Service>/<Method>`,
//! metadata as headers (`authorization`, `grpc-timeout`), each message a
//! 5-byte prefix (compressed flag, big-endian length) and its protobuf
//! bytes, and the status (`grpc-status`, `grpc-message`) in trailers. tonic
//! does all of that; these peers add what a grader needs on top: a
//! transcript line per message, in the words of the proto, with timings.

pub mod calls;
pub mod client;
pub mod jobs;
pub mod kv_server;
pub mod proto;
pub mod wire;

use std::time::Duration;

use tonic::{Code, Status};

pub use client::Channel;

/// The status codes by their names in the gRPC spec (`NOT_FOUND`), which
/// is how every gRPC library and grpcurl print them.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// `NOT_FOUND (5)`.
pub fn code_text(code: Code) -> String {
    format!("{} ({})", code_name(code), code as i32)
}

/// `NOT_FOUND (5) "no key a"`, as a transcript or a message shows a status.
pub fn status_text(status: &Status) -> String {
    if status.message().is_empty() {
        code_text(status.code())
    } else {
        format!(
            "{} {:?}",
            code_text(status.code()),
            abridged(status.message(), 160)
        )
    }
}

/// Whether `status` says the call's deadline passed: `DEADLINE_EXCEEDED`,
/// or the `CANCELLED` "Timeout expired" that tonic's own timeouts give.
pub fn is_deadline(status: &Status) -> bool {
    status.code() == Code::DeadlineExceeded
        || (status.code() == Code::Cancelled && status.message().contains("Timeout expired"))
}

/// At most `max` characters of `text`, with a count of the rest.
pub fn abridged(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
    }
}

/// A message as prost's `Debug` prints it, abridged for a transcript line
/// (a 1 MiB `bytes` field prints as a million numbers).
pub fn message_text(message: &impl std::fmt::Debug) -> String {
    abridged(&format!("{message:?}"), 200)
}

/// "12 ms", for transcripts.
pub fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The replay line for one call: grpcurl compiles the proto itself, as
/// netlings does, and speaks to the program on port 7000.
pub fn grpcurl(proto: &str, metadata: &[(&str, &str)], json: &str, method: &str) -> String {
    let headers: String = metadata
        .iter()
        .map(|(k, v)| format!(" -H '{k}: {v}'"))
        .collect();
    format!("grpcurl -plaintext -proto {proto}{headers} -d '{json}' 127.0.0.1:7000 {method}")
}

/// Bytes as grpcurl's JSON writes a `bytes` field: standard base64.
pub fn json_bytes(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
