//! variant of: grpc_codegen
//! how: its notes.proto declares the same names and numbers in another order and style; notes in a HashMap keyed by id under a tokio Mutex; Search written with async-stream's try_stream!, looking the notes up as it goes
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Mutex;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

mod notes {
    include!(concat!(
        env!("OUT_DIR"),
        "/grpc_codegen__reordered_proto.rs"
    ));
}

use notes::notes_server::{Notes, NotesServer};
use notes::{Note, NoteId, TagQuery};

#[derive(Default)]
struct Book {
    notes: Arc<Mutex<HashMap<u64, Note>>>,
}

#[tonic::async_trait]
impl Notes for Book {
    type SearchStream = Pin<Box<dyn Stream<Item = Result<Note, Status>> + Send>>;

    async fn search(
        &self,
        request: Request<TagQuery>,
    ) -> Result<Response<Self::SearchStream>, Status> {
        let tag = request.into_inner().tag;
        let notes = self.notes.clone();
        let last = notes.lock().await.len() as u64;
        let stream = async_stream::try_stream! {
            for id in 1..=last {
                let note = notes.lock().await.get(&id).cloned();
                if let Some(note) = note.filter(|n| n.tags.contains(&tag)) {
                    yield note;
                }
            }
        };
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get(&self, request: Request<NoteId>) -> Result<Response<Note>, Status> {
        let id = request.into_inner().id;
        match self.notes.lock().await.get(&id) {
            Some(note) => Ok(Response::new(note.clone())),
            None => Err(Status::not_found(format!("note {id}"))),
        }
    }

    async fn add(&self, request: Request<Note>) -> Result<Response<NoteId>, Status> {
        let mut notes = self.notes.lock().await;
        let id = notes.len() as u64 + 1;
        notes.insert(id, request.into_inner());
        Ok(Response::new(NoteId { id }))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("NETLINGS_ADDR")?.parse()?;
    tonic::transport::Server::builder()
        .add_service(NotesServer::new(Book::default()))
        .serve(addr)
        .await?;
    Ok(())
}
