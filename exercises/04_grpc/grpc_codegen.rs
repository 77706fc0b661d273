//! # grpc_codegen
//!
//! Q12. How do you generate Rust gRPC client and server code from `.proto`
//! files (tonic and prost; Python: grpcio-tools)?
//!
//! Two files are yours here: this one and `notes.proto`, next to it.
//!
//! 1. Extend `notes.proto`:
//!    - `Note` gets `repeated string tags = 3;`
//!    - a new message `TagQuery { string tag = 1; }`
//!    - the service gets `rpc Search(TagQuery) returns (stream Note);`
//! 2. Save it. The exercises' build script (exercises/build.rs: protox and
//!    tonic-prost-build, no `protoc`) regenerates `notes.rs`, which the
//!    `include!` below pulls in - and the compiler now tells you what the
//!    generated `Notes` trait asks of you.
//! 3. Implement the three rpcs:
//!    - `Add(Note)` stores the note and replies with its id: 1, 2, 3… in
//!      the order notes were added;
//!    - `Get(NoteId)` replies with that note, or `NOT_FOUND` (5);
//!    - `Search(TagQuery)` streams the notes carrying exactly that tag, in
//!      id order, then ends OK.
//!
//! How it is graded: netlings calls your server with a client generated
//! from its own copy of the finished proto - so a field number or an rpc
//! name that differs from the contract shows up on the wire. `netlings
//! reset grpc_codegen` restores notes.proto too.
//!
//! Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen.

// Silences "unused" warnings while this is a stub; delete it when you are done.
#![allow(unused)]

use std::pin::Pin;
use std::sync::Mutex;

use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// The messages, the client and the server generated from your notes.proto.
mod notes {
    include!(concat!(env!("OUT_DIR"), "/notes.rs"));
}

use notes::notes_server::{Notes, NotesServer};
use notes::{Note, NoteId};

#[derive(Default)]
struct Notebook {
    notes: Mutex<Vec<Note>>,
}

#[tonic::async_trait]
impl Notes for Notebook {
    async fn add(&self, request: Request<Note>) -> Result<Response<NoteId>, Status> {
        // TODO: store the note; its id is its place in the order of Adds, from 1.
        todo!("Add: store the note and reply with its id")
    }

    async fn get(&self, request: Request<NoteId>) -> Result<Response<Note>, Status> {
        // TODO: the note with that id, or NOT_FOUND.
        todo!("Get: the note with that id, or NOT_FOUND")
    }

    // TODO: once notes.proto has `Search`, the compiler asks for it here.
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    tonic::transport::Server::builder()
        .add_service(NotesServer::new(Notebook::default()))
        .serve(addr)
        .await?;
    Ok(())
}
