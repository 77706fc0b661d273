//! gRPC peers (tonic, prost): reference clients that call the learner's
//! servers and record every call in gRPC terms, a reference `KeyValue`
//! server that measures a learner's client, and the protobuf wire format
//! spelled out field by field.

pub mod proto;
