//! mutant of: grpc_codegen
//! bug: listens on the IPv6 loopback `[::1]` at NETLINGS_ADDR's port, as tonic's examples do, not on the address it was given
//! fails: listens on NETLINGS_ADDR
//! says: NETLINGS_ADDR
use std::pin::Pin;
use std::sync::Mutex;

use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// The messages, the client and the server generated from notes.proto.
mod notes {
    include!(concat!(env!("OUT_DIR"), "/grpc_codegen__ipv6_loopback.rs"));
}

use notes::notes_server::{Notes, NotesServer};
use notes::{Note, NoteId, TagQuery};

#[derive(Default)]
struct Notebook {
    /// Note `id` is at index `id - 1`.
    notes: Mutex<Vec<Note>>,
}

#[tonic::async_trait]
impl Notes for Notebook {
    async fn add(&self, request: Request<Note>) -> Result<Response<NoteId>, Status> {
        let mut notes = self.notes.lock().unwrap();
        notes.push(request.into_inner());
        Ok(Response::new(NoteId {
            id: notes.len() as u64,
        }))
    }

    async fn get(&self, request: Request<NoteId>) -> Result<Response<Note>, Status> {
        let id = request.into_inner().id;
        let notes = self.notes.lock().unwrap();
        id.checked_sub(1)
            .and_then(|index| notes.get(index as usize))
            .cloned()
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("no note with the id {id}")))
    }

    /// The generated trait asks for the type of Search's stream, too.
    type SearchStream = Pin<Box<dyn Stream<Item = Result<Note, Status>> + Send>>;

    async fn search(
        &self,
        request: Request<TagQuery>,
    ) -> Result<Response<Self::SearchStream>, Status> {
        let tag = request.into_inner().tag;
        // Matches are collected while the lock is held, then streamed
        // without it: a lock is never held across the stream's awaits.
        let found: Vec<Note> = self
            .notes
            .lock()
            .unwrap()
            .iter()
            .filter(|note| note.tags.contains(&tag))
            .cloned()
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(
            found.into_iter().map(Ok),
        ))))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let given: std::net::SocketAddr = std::env::var("NETLINGS_ADDR")?.parse()?;
    // "[::1]:port", as tonic's examples serve.
    let addr = std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, given.port()));
    tonic::transport::Server::builder()
        .add_service(NotesServer::new(Notebook::default()))
        .serve(addr)
        .await?;
    Ok(())
}
