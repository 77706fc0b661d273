//! The audit of `trace`: how stubs split into sentences and tables are read.

use std::path::PathBuf;

use super::*;
use crate::graders::GradeFuture;
use crate::harness::Grading;

fn grade_nothing(_: &Grading) -> GradeFuture<'_> {
    Box::pin(async { Ok(()) })
}

const GRADER: Grader = Grader {
    name: "echo",
    checks: &["listens on NETLINGS_ADDR", "echoes a line"],
    grade: grade_nothing,
};

const STUB: &str = "//! # echo
//!
//! Q2. How would you echo?
//!
//! Build an echo server (e.g. RFC 862).
//!
//! - Listen on `NETLINGS_ADDR` (for example `127.0.0.1:41234`).
//! - Echo every line. Do not wait for
//!   the whole input:
//!   ```text
//!   hello. world.
//!   ```
//!   then close.
//!
//! How it is graded: netlings sends a line.
//!
//! Threads or tokio: your choice.

fn main() {}
";

fn mutant(bin: &str, fails: &str) -> Mutant {
    Mutant {
        bin: bin.into(),
        path: PathBuf::from(format!("tests/mutants/01_t/{bin}.rs")),
        of: "echo".into(),
        bug: "a bug".into(),
        fails: fails.into(),
        says: Vec::new(),
        says_not: Vec::new(),
    }
}

fn mutants() -> Vec<Mutant> {
    vec![
        mutant("echo__elsewhere", "listens on"),
        mutant("echo__no_echo", "echoes a line"),
    ]
}

const TABLE: &str = "//! `echo`: a grader.
//!
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Build an echo server (e.g. RFC 862). | — | what the rows below make |
//! | Listen on `NETLINGS_ADDR` (for example `127.0.0.1:41234`). | `listens on` | `echo__elsewhere` |
//! | Echo every line. Do not wait for the whole input: then close. | `echoes a line` | `echo__no_echo` |
//! | Threads or tokio: your choice. | — | a freedom |

use x;
";

#[test]
fn a_stub_states_the_sentences_outside_its_title_question_and_grading() {
    assert_eq!(
        stub_sentences(STUB),
        [
            "Build an echo server (e.g. RFC 862).",
            "Listen on `NETLINGS_ADDR` (for example `127.0.0.1:41234`).",
            "Echo every line.",
            "Do not wait for the whole input:",
            "then close.",
            "Threads or tokio: your choice.",
        ]
    );
}

#[test]
fn a_true_table_has_no_problems() {
    let problems = trace("echo", STUB, TABLE, &GRADER, &mutants());
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn a_sentence_without_a_row_is_a_requirement_without_a_check() {
    let stub = STUB.replace("your choice.", "your choice. Never crash.");
    let problems = trace("echo", &stub, TABLE, &GRADER, &mutants());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("echo: the stub says «Never crash.»"));
}

#[test]
fn a_row_that_quotes_an_old_stub_is_a_problem() {
    let stub = STUB.replace("Echo every line.", "Echo every byte.");
    let problems = trace("echo", &stub, TABLE, &GRADER, &mutants());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("quotes «Echo every line. Do not wait")),
        "{problems:?}"
    );
}

#[test]
fn a_requirement_cannot_be_waved_off() {
    let table = TABLE.replace("| `echoes a line` | `echo__no_echo` |", "| — | obvious |");
    let problems = trace("echo", STUB, &table, &GRADER, &mutants());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("states a requirement (“do not”)")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("check `echoes a line` judges what no sentence")),
        "{problems:?}"
    );
}

#[test]
fn a_requirement_needs_a_mutant_that_fails_its_check() {
    let table = TABLE.replace("`echo__no_echo`", "`echo__elsewhere`");
    let problems = trace("echo", STUB, &table, &GRADER, &mutants());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("none of its mutants"), "{problems:?}");
    let table = TABLE.replace("`echo__no_echo`", "`echo__ghost`");
    let problems = trace("echo", STUB, &table, &GRADER, &mutants());
    assert!(problems[0].contains("`echo__ghost`, which does not exist"));
}

#[test]
fn a_check_must_exist_and_a_grader_must_have_a_table() {
    let table = TABLE.replace("`listens on`", "`binds`");
    let problems = trace("echo", STUB, &table, &GRADER, &mutants());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("check `binds`, which is no check")),
        "{problems:?}"
    );
    let problems = trace("echo", STUB, "//! no table\n", &GRADER, &mutants());
    assert!(problems[0].contains("has no table"), "{problems:?}");
}

#[test]
fn escaped_pipes_and_status_codes() {
    assert_eq!(cells(r"| a \| b | `c` | d |"), ["a | b", "`c`", "d"]);
    assert_eq!(
        ticked("`a b` `` answers `ADD a b` `` `c`"),
        ["a b", "answers `ADD a b`", "c"]
    );
    assert_eq!(
        requirement_word("a plain get gets 400."),
        Some("the status code 400".to_string())
    );
    assert_eq!(requirement_word("udp may lose a datagram."), None);
    assert_eq!(requirement_word("each takes about 300 ms."), None);
    assert_eq!(
        requirement_word("see http://127.0.0.1:41234/ or 200.5."),
        None
    );
    assert_eq!(
        requirement_word("300 ms, then 404."),
        Some("the status code 404".to_string())
    );
}
