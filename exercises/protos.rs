//! The Rust code generated from `proto/` by this package's build script
//! (protox and tonic-prost-build: no `protoc` needed), compiled once and
//! shared by every exercise: `use protos::kv::key_value_server::KeyValue;`.
//!
//! Each module holds one proto package: its messages (prost structs), a
//! `<service>_client` module with the client, and a `<service>_server`
//! module with the trait your server implements and the server wrapper.
//! `cargo doc -p netlings-exercises --open` shows them all.

/// `proto/kv.proto`: the `KeyValue` service (package `netlings.kv.v1`).
pub mod kv {
    include!(concat!(env!("OUT_DIR"), "/netlings.kv.v1.rs"));
}

/// `proto/jobs.proto`: the `Jobs` service (package `netlings.jobs.v1`).
pub mod jobs {
    include!(concat!(env!("OUT_DIR"), "/netlings.jobs.v1.rs"));
}

/// `proto/telemetry.proto`: the `Telemetry` service (package `netlings.telemetry.v1`).
pub mod telemetry {
    include!(concat!(env!("OUT_DIR"), "/netlings.telemetry.v1.rs"));
}
