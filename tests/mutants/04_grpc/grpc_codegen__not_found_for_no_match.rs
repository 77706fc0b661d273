//! mutant of: grpc_codegen
//! bug: answers a Search that matches no note with NOT_FOUND instead of an empty stream
//! fails: Search for a tag no note carries
//! says: NOT_FOUND
use std::pin::Pin;
use std::sync::Mutex;

use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// The messages, the client and the server generated from notes.proto.
mod notes {
    include!(concat!(
        env!("OUT_DIR"),
        "/grpc_codegen__not_found_for_no_match.rs"
    ));
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
        if found.is_empty() {
            return Err(Status::not_found(format!("no note has the tag {tag:?}")));
        }
        Ok(Response::new(Box::pin(tokio_stream::iter(
            found.into_iter().map(Ok),
        ))))
    }
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
