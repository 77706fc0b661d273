//! Fuzzed input: every file a learner or an author edits - exercises.toml,
//! the progress file, the quiz answer files and their keys, and
//! grpc_codegen's notes.proto - mutated at random from the real one. The
//! parsers never panic, and every error names the file and a line of it.
//!
//! A short run is part of `cargo test`; a longer one:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test fuzz
//! ```
//!
//! A failure prints the smallest edit list found; replay it by putting it
//! in a test.

#[path = "../proto/codegen.rs"]
#[allow(dead_code)]
mod codegen;
mod common;

use std::path::Path;

use netlings::catalog::Catalog;
use netlings::quiz::{AnswerKey, Quiz};
use netlings::state::State;
use proptest::prelude::*;
use proptest::sample::Index;

/// Cases per file in `cargo test`; PROPTEST_CASES sets more.
const SHORT_RUN: u32 = 48;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SHORT_RUN);
    ProptestConfig {
        cases,
        // The minimal failing input is printed; nothing is written to the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One change to a file, as an editor (or a cat on the keyboard) makes.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, String),
    Delete(Index, usize),
    Replace(Index, String),
    DuplicateLine(Index),
    DropLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
}

/// Pieces that mean something to TOML or protobuf, and what breaks text.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "#",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "\\u",
    "\\U0010FFFF",
    "\t",
    " ",
    "0x",
    "1e999",
    "-",
    "+",
    "true",
    "nan",
    "inf",
    "99999999999999999999999",
    "-1",
    "0",
    "[[exercise]]",
    "[[topic]]",
    "[[question]]",
    "name = \"x\"",
    "kind = \"quiz\"",
    "done = [",
    "current = ",
    "answer = ",
    "id = \"q1\"",
    "ü",
    "é",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "🦀",
    "message",
    "service",
    "rpc",
    "returns",
    "stream",
    ";",
    "(",
    ")",
    "<",
    ">",
    "repeated",
    "map<string, int32>",
    "oneof",
    "option",
    "import \"none.proto\";",
    "import \"notes.proto\";",
    "syntax = \"proto2\";",
    "package netlings.notes.v1;",
    "= 0",
    "= 536870912",
    "= 19000",
    "/*",
    "*/",
    "//",
    "enum E { A = 0; }",
    "message M {",
    "reserved 3;",
    "extend",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<Index>(), token()).prop_map(|(i, t)| Edit::Insert(i, t)),
        3 => (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        3 => (any::<Index>(), token()).prop_map(|(i, t)| Edit::Replace(i, t)),
        1 => any::<Index>().prop_map(Edit::DuplicateLine),
        1 => any::<Index>().prop_map(Edit::DropLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..6)
}

/// The char boundary at or before the index's place in `text`.
fn at(text: &str, i: &Index) -> usize {
    let mut at = i.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(original: &str, edits: &[Edit]) -> String {
    let mut text = original.to_string();
    for edit in edits {
        match edit {
            Edit::Insert(i, t) => {
                let a = at(&text, i);
                text.insert_str(a, t);
            }
            Edit::Delete(..) | Edit::Replace(..) if text.is_empty() => {}
            Edit::Delete(i, n) => {
                let a = at(&text, i);
                let mut b = (a + n).min(text.len());
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                text.replace_range(a..b, "");
            }
            Edit::Replace(i, t) => {
                let a = at(&text, i);
                let b = text[a..].chars().next().map_or(a, |c| a + c.len_utf8());
                text.replace_range(a..b, t);
            }
            Edit::DuplicateLine(i) | Edit::DropLine(i) => {
                let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
                let n = i.index(lines.len());
                if matches!(edit, Edit::DuplicateLine(_)) {
                    lines.insert(n, lines[n].clone());
                } else {
                    lines.remove(n);
                }
                text = lines.join("\n");
            }
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.split('\n').collect();
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                text = lines.join("\n");
            }
            Edit::Truncate(i) => {
                let a = at(&text, i);
                text.truncate(a);
            }
        }
    }
    text
}

/// The error names `file` and a line of `text`: `file:LINE:`.
fn names_file_and_line(error: &str, file: &str, text: &str) -> Result<(), TestCaseError> {
    let rest = error
        .split_once(&format!("{file}:"))
        .map(|(_, rest)| rest)
        .ok_or_else(|| TestCaseError::fail(format!("the error does not name {file}: {error}")))?;
    let line: usize = rest
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| TestCaseError::fail(format!("the error names no line: {error}")))?;
    let lines = text.split('\n').count();
    prop_assert!(
        (1..=lines).contains(&line),
        "line {line} is not a line of the file ({lines} lines): {error}"
    );
    Ok(())
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(common::repo_root().join(rel)).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn exercises_toml(edits in edits()) {
        let original = read("exercises.toml");
        let text = apply(&original, &edits);
        let path = Path::new(Catalog::FILE);
        let checked = Catalog::parse(path, &text).and_then(|catalog| {
            catalog.check_graders(path, &text, |g| {
                g == netlings::catalog::QUIZ_GRADER || netlings::graders::lookup(g).is_some()
            })
        });
        if let Err(e) = checked {
            names_file_and_line(&e.to_string(), Catalog::FILE, &text)?;
        }
    }

    #[test]
    fn the_progress_file(edits in edits()) {
        let original = "# netlings progress. Safe to delete: you lose only the done marks.\n\
                        current = \"tcp_client\"\n\
                        done = [\"tcp_echo_server\", \"udp_kv_server\"]\n";
        let text = apply(original, &edits);
        let path = Path::new(netlings::state::STATE_FILE);
        match State::parse(path, &text) {
            Ok(mut state) => {
                let catalog = Catalog::load(&common::repo_root()).unwrap();
                state.retain_known(&catalog);
                let current = state.current_or_first_pending(&catalog).to_string();
                let _ = state.next_pending(&catalog, &current);
            }
            Err(e) => names_file_and_line(&e.to_string(), netlings::state::STATE_FILE, &text)?,
        }
    }

    #[test]
    fn quiz_answer_files(edits in edits(), which in 0usize..4) {
        let (answers, key) = [
            ("exercises/01_sockets/quiz_q01.toml", "solutions/01_sockets/quiz_q01.toml"),
            ("exercises/02_websockets/quiz_q06.toml", "solutions/02_websockets/quiz_q06.toml"),
            ("exercises/04_grpc/quiz_q11.toml", "solutions/04_grpc/quiz_q11.toml"),
            ("exercises/07_rabbitmq/quiz_q14.toml", "solutions/07_rabbitmq/quiz_q14.toml"),
        ][which];
        let text = apply(&read(answers), &edits);
        match Quiz::parse(Path::new(answers), &text) {
            Ok(quiz) => {
                let key = AnswerKey::parse(Path::new(key), &read(key), &quiz)
                    .map_err(|e| TestCaseError::fail(format!("the key no longer fits: {e}")));
                // An answer file may drop items; the key must still judge it.
                if let Ok(key) = key {
                    for k in &key.items {
                        if let Some(item) = quiz.item(&k.id) {
                            let _ = netlings::quiz::judge(&item.answer, k);
                        }
                    }
                }
            }
            Err(e) => names_file_and_line(&e.to_string(), answers, &text)?,
        }
    }

    #[test]
    fn quiz_keys(edits in edits(), which in 0usize..4) {
        let (answers, key) = [
            ("exercises/01_sockets/quiz_q02.toml", "solutions/01_sockets/quiz_q02.toml"),
            ("exercises/03_http/quiz_q08.toml", "solutions/03_http/quiz_q08.toml"),
            ("exercises/05_xmlrpc/quiz_q15.toml", "solutions/05_xmlrpc/quiz_q15.toml"),
            ("exercises/06_zeromq/quiz_q13.toml", "solutions/06_zeromq/quiz_q13.toml"),
        ][which];
        let quiz = Quiz::parse(Path::new(answers), &read(answers)).unwrap();
        let text = apply(&read(key), &edits);
        match AnswerKey::parse(Path::new(key), &text, &quiz) {
            Ok(key) => {
                let _ = key.as_answers(&quiz);
            }
            Err(e) => names_file_and_line(&e.to_string(), key, &text)?,
        }
    }

    #[test]
    fn bytes_that_are_not_utf8(file in 0usize..3, place in any::<Index>(), byte in 0x80u8..=0xff) {
        let (rel, original) = [
            (Catalog::FILE, read(Catalog::FILE)),
            (netlings::state::STATE_FILE, "current = \"tcp_client\"\ndone = [\"ü\"]\n".to_string()),
            ("exercises/02_websockets/quiz_q05.toml", read("exercises/02_websockets/quiz_q05.toml")),
        ]
        .into_iter()
        .nth(file)
        .unwrap();
        let at = at(&original, &place);
        let mut bytes = original.as_bytes().to_vec();
        bytes.insert(at, byte);
        let line = original[..at].matches('\n').count() + 1;
        let dir = tempfile::tempdir().unwrap();
        let name = Path::new(rel).file_name().unwrap();
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let error = match file {
            0 => Catalog::load(dir.path()).err().map(|e| e.to_string()),
            1 => State::load(dir.path()).err().map(|e| e.to_string()),
            _ => netlings::catalog::read_text(&dir.path().join(name), Path::new(rel))
                .err()
                .map(|e| e.to_string()),
        };
        let error = error.ok_or_else(|| TestCaseError::fail("bytes that are not UTF-8 were read"))?;
        prop_assert!(
            error.contains(&format!("{}:{line}:", name.to_string_lossy())),
            "the error does not name line {line}: {error}"
        );
    }

    #[test]
    fn grpc_codegen_notes_proto(edits in edits()) {
        let text = apply(&read("exercises/04_grpc/notes.proto"), &edits);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.proto"), &text).unwrap();
        let out = dir.path().join("out");
        if let Err(e) = codegen::compile(&[dir.path().join("notes.proto")], dir.path(), &out) {
            names_file_and_line(&e, "notes.proto", &text)?;
        }
    }
}
