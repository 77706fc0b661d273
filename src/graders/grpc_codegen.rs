//! `grpc_codegen` — from `.proto` to a running service: the learner
//! extends `exercises/04_grpc/notes.proto` (a field, a message, a
//! server-streaming rpc), the build script regenerates the Rust code, and
//! the learner implements what the compiler now asks for.
//!
//! netlings calls the server with a client generated from its own copy of
//! the finished proto (`solutions/04_grpc/notes.proto`), so the learner's
//! proto is judged by what it puts on the wire: a field with another
//! number arrives empty, an rpc with another name is UNIMPLEMENTED.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Two files are yours here: this one and `notes.proto`, next to it. | — | context |
//! | Extend `notes.proto`: | — | the introduction of the list below |
//! | `Note` gets `repeated string tags = 3;` | `Get returns the note with its title, body and tags` | `grpc_codegen__tags_4` |
//! | a new message `TagQuery { string tag = 1; }` the service gets `rpc Search(TagQuery) returns (stream Note);` | `Search streams` | `grpc_codegen__search_renamed` |
//! | Save it. The exercises' build script (exercises/build.rs: protox and tonic-prost-build, no `protoc`) regenerates `notes.rs`, which the `include!` below pulls in - and the compiler now tells you what the generated `Notes` trait asks of you. | — | how the code is generated: the rows around it judge what it serves |
//! | Implement the three rpcs: | — | the introduction of the list below |
//! | `Add(Note)` stores the note and replies with its id: 1, 2, 3… in the order notes were added; | `Add returns ids` | `grpc_codegen__ids_from_zero` |
//! | `Get(NoteId)` replies with that note, or `NOT_FOUND` (5); | `Get returns the note` `Get of an unknown id` | `grpc_codegen__tags_4` `grpc_codegen__invalid_argument_for_missing` |
//! | `Search(TagQuery)` streams the notes carrying exactly that tag, in id order, then ends OK. | `Search streams` `Search for a tag no note carries` | `grpc_codegen__substring_match` `grpc_codegen__not_found_for_no_match` |
//! | Environment: `NETLINGS_ADDR` (`127.0.0.1:port`), where to listen. | `listens on NETLINGS_ADDR` | `grpc_codegen__ipv6_loopback` |

use tonic::Code;

use crate::harness::{Failure, Grading, Outcome};
use crate::peers::grpc::calls::{Next, Notes};
use crate::peers::grpc::client::start_server;
use crate::peers::grpc::proto::notes::Note;
use crate::peers::grpc::{grpcurl, status_text};

pub const CHECKS: &[&str] = &[
    "listens on NETLINGS_ADDR and speaks gRPC (HTTP/2)",
    "Add returns ids 1, 2, 3… in the order the notes were added",
    "Get returns the note with its title, body and tags (field 3)",
    "Get of an unknown id is NOT_FOUND (5)",
    "Search streams the notes carrying exactly that tag, in id order, then ends OK",
    "Search for a tag no note carries ends OK with no notes",
];

const PROTO: &str = "solutions/04_grpc/notes.proto";

const TAGS_RULE: &str = "in notes.proto, `Note` gets `repeated string tags = 3;`: netlings sends \
     and reads the tags as field 3, and a field with another number is, on the wire, another \
     field - your server never sees these tags";

const SEARCH_RULE: &str = "in notes.proto, the service gets `rpc Search(TagQuery) returns (stream \
     Note);` and `message TagQuery { string tag = 1; }`: UNIMPLEMENTED means your server has no \
     rpc at the path `/netlings.notes.v1.Notes/Search` (a missing rpc, or another name)";

pub async fn grade(g: &Grading) -> Outcome {
    let (program, _addr, channel) = g.check(CHECKS[0], start_server(g, &[])).await?;
    let notes = Notes::new(&channel);
    let run = g.run_command(&[("NETLINGS_ADDR", "127.0.0.1:7000")]);
    let tag = format!("t{}", g.rng(|r| r.word(4)));
    let word = |g: &Grading| g.rng(|r| r.word(6));
    // Tags that look alike: only exact matches count.
    let tag_sets = [
        vec![tag.clone(), "grpc".to_string()],
        vec![tag.to_uppercase()],
        vec![format!("{tag}s"), "net".to_string()],
        vec!["misc".to_string(), tag.clone()],
    ];
    let written: Vec<Note> = tag_sets
        .iter()
        .map(|tags| Note {
            title: format!("{} {}", word(g), word(g)),
            body: format!("{} — ünïcode {}", word(g), word(g)),
            tags: tags.clone(),
        })
        .collect();

    g.reproduce(format!(
        "{run}, then: {}",
        grpcurl(
            PROTO,
            &[],
            r#"{"title":"t","body":"b","tags":["x"]}"#,
            "netlings.notes.v1.Notes/Add"
        )
    ));
    g.check(CHECKS[1], async {
        for (i, note) in written.iter().enumerate() {
            let id = notes.add(note.clone()).await.ok("Add")?;
            if id.id != i as u64 + 1 {
                return Err(Failure::fail(format!(
                    "note #{} added got the id {}; ids are 1, 2, 3… in the order notes were added",
                    i + 1,
                    id.id
                )));
            }
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[2], async {
        for (i, note) in written.iter().enumerate() {
            let got = notes.get(i as u64 + 1).await.ok("Get")?;
            if got == *note {
                continue;
            }
            let failure = Failure::fail(format!(
                "Get of id {} returned {got:?}; netlings added {note:?}",
                i + 1
            ));
            return Err(
                if got.tags.is_empty() && got.title == note.title && got.body == note.body {
                    failure.because(TAGS_RULE)
                } else {
                    failure
                },
            );
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[3], async {
        notes
            .get(1000 + g.rng(|r| r.range(0, 1000)))
            .await
            .status(Code::NotFound, "Get of an id never given out")?;
        Ok(())
    })
    .await?;

    g.reproduce(format!(
        "{run}, then add notes and: {}",
        grpcurl(
            PROTO,
            &[],
            &format!(r#"{{"tag":"{tag}"}}"#),
            "netlings.notes.v1.Notes/Search"
        )
    ));
    g.check(CHECKS[4], async {
        let expected: Vec<&Note> = written.iter().filter(|n| n.tags.contains(&tag)).collect();
        let found = search(g, &notes, &tag).await?;
        if found.iter().collect::<Vec<_>>() != expected {
            return Err(Failure::fail(format!(
                "Search for the tag {tag:?} streamed {} notes: {found:?}; the notes carrying \
                 exactly that tag, in id order, are {expected:?}",
                found.len()
            ))
            .because("compare each tag whole and case-sensitively (`tags.iter().any(|t| t == &query.tag)`), and send the notes in the order of their ids"));
        }
        Ok(())
    })
    .await?;

    g.check(CHECKS[5], async {
        let nobody = format!("none-{}", word(g));
        let found = search(g, &notes, &nobody).await?;
        if !found.is_empty() {
            return Err(Failure::fail(format!(
                "Search for the tag {nobody:?}, which no note carries, streamed {found:?}"
            )));
        }
        Ok(())
    })
    .await?;

    drop(program);
    Ok(())
}

/// Every note a Search streams, until it ends OK.
async fn search(g: &Grading, notes: &Notes, tag: &str) -> Result<Vec<Note>, Failure> {
    let mut stream = notes.search(tag, g.limits.io).await.map_err(|status| {
        let failure = Failure::fail(format!("Search answered {}", status_text(&status)));
        if status.code() == Code::Unimplemented {
            failure.because(SEARCH_RULE)
        } else {
            failure
        }
    })?;
    let mut found = Vec::new();
    loop {
        match stream.next(g.limits.io).await {
            Next::Message(note, _) => found.push(note),
            Next::End(_) => return Ok(found),
            Next::Failed(status, _) => {
                let failure = Failure::fail(format!(
                    "Search ended with {} after {} notes",
                    status_text(&status),
                    found.len()
                ));
                return Err(if status.code() == Code::Unimplemented {
                    failure.because(SEARCH_RULE)
                } else {
                    failure
                });
            }
            Next::Silent => {
                return Err(Failure::timeout(format!(
                    "after {} notes, Search neither sent another nor ended within {:.0} s",
                    found.len(),
                    g.limits.io.as_secs_f64()
                ))
                .because("end the stream after the last note: drop its sender, or return a finite stream"));
            }
        }
    }
}
