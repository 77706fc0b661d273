//! A learner's files that netlings cannot use are the learner's to fix,
//! and every message says how (the line, what is wrong, `netlings reset`);
//! an author's mistake in exercises.toml is caught at load with its line;
//! the done marks follow what passes now; `list` says which topics have
//! no hands-on exercises yet. None of these build anything.

mod common;

use std::path::Path;

use netlings::quiz::ask::{answer_literal, with_answer};
use netlings::quiz::{AnswerKey, Quiz};

const QUIZ: &str = "exercises/01_sockets/quiz_q02.toml";

fn run(root: &Path, args: &[&str], code: i32) -> String {
    let done = common::netlings(root).args(args).assert().code(code);
    format!("{}{}", common::stdout(&done), common::stderr(&done))
}

/// The quiz's answer file with every item answered right.
fn answered(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join(QUIZ)).unwrap();
    let quiz = Quiz::parse(Path::new(QUIZ), &text).unwrap();
    let key_text =
        std::fs::read_to_string(root.join("solutions/01_sockets/quiz_q02.toml")).unwrap();
    let key = AnswerKey::parse(Path::new("key"), &key_text, &quiz).unwrap();
    key.items.iter().fold(text, |text, k| {
        with_answer(&text, &k.id, &answer_literal(&k.answer)).unwrap()
    })
}

#[test]
fn a_renamed_quiz_item_is_the_learners_to_put_back_not_an_error_of_netlings() {
    let dir = common::fixture();
    let root = dir.path();
    let text = answered(root);
    let renamed = text.replacen("id = \"echo_whole_buffer\"", "id = \"my_item\"", 1);
    assert_ne!(renamed, text);
    std::fs::write(root.join(QUIZ), renamed).unwrap();
    let out = run(root, &["run", "quiz_q02"], 1);
    assert!(
        !out.contains("ERROR") && !out.contains("expected answers do not fit"),
        "{out}"
    );
    assert!(
        out.contains("not in exercises/01_sockets/quiz_q02.toml any more")
            && out.contains("netlings reset quiz_q02"),
        "{out}"
    );
    // The other items are still graded.
    assert!(out.contains("✓"), "{out}");
}

#[test]
fn a_deleted_or_damaged_answer_file_says_how_to_recover() {
    let dir = common::fixture();
    let root = dir.path();
    std::fs::remove_file(root.join(QUIZ)).unwrap();
    let out = run(root, &["run", "quiz_q02"], 1);
    assert!(
        out.contains("quiz_q02.toml is missing") && out.contains("netlings reset quiz_q02"),
        "{out}"
    );

    // reset brings it back (nothing to keep: it was gone)…
    let out = run(root, &["reset", "quiz_q02"], 0);
    assert!(out.contains("was missing"), "{out}");
    let original = std::fs::read_to_string(root.join(QUIZ)).unwrap();

    // … and a damaged one is kept as a backup, where the message says.
    let damaged = original.replacen("[[item]]", "[[item]\n", 1);
    std::fs::write(root.join(QUIZ), &damaged).unwrap();
    let out = run(root, &["run", "quiz_q02"], 1);
    assert!(
        out.contains("quiz_q02.toml:") && out.contains("netlings reset quiz_q02"),
        "{out}"
    );
    let out = run(root, &["reset", "quiz_q02"], 0);
    let backup = out
        .split_whitespace()
        .find(|w| w.starts_with(".netlings/backups/"))
        .unwrap_or_else(|| panic!("no backup named: {out}"));
    assert_eq!(std::fs::read_to_string(root.join(backup)).unwrap(), damaged);
    assert_eq!(std::fs::read_to_string(root.join(QUIZ)).unwrap(), original);
}

#[test]
fn a_deleted_stub_says_how_to_recover_without_asking_cargo() {
    let dir = common::fixture();
    let root = dir.path();
    std::fs::remove_file(root.join("exercises/01_sockets/tcp_client.rs")).unwrap();
    // The fixture has no Cargo.toml: a cargo call would fail otherwise.
    let out = run(root, &["run", "tcp_client"], 1);
    assert!(
        out.contains("exercises/01_sockets/tcp_client.rs is missing")
            && out.contains("netlings reset tcp_client"),
        "{out}"
    );
}

#[test]
fn a_topic_that_is_not_the_folder_of_the_stub_is_an_error_in_exercises_toml() {
    let dir = common::fixture();
    let root = dir.path();
    let toml = std::fs::read_to_string(root.join("exercises.toml")).unwrap();
    let entry = toml.find("name = \"tcp_client\"").unwrap();
    let topic_at = entry + toml[entry..].find("topic = \"01_sockets\"").unwrap();
    let line = toml[..topic_at].matches('\n').count() + 1;
    let moved = format!(
        "{}topic = \"02_websockets\"{}",
        &toml[..topic_at],
        &toml[topic_at + "topic = \"01_sockets\"".len()..]
    );
    std::fs::write(root.join("exercises.toml"), moved).unwrap();
    let out = run(root, &["list"], 2);
    assert!(out.contains(&format!("exercises.toml:{line}:")), "{out}");
    assert!(
        out.contains("exercises/01_sockets/tcp_client.rs") && out.contains("02_websockets"),
        "{out}"
    );
}

#[test]
fn done_marks_follow_what_passes_now_and_list_agrees() {
    let dir = common::fixture();
    let root = dir.path();
    std::fs::write(root.join(QUIZ), answered(root)).unwrap();
    run(root, &["run", "quiz_q02"], 0);
    let listed = run(root, &["list"], 0);
    let line = |listed: &str| {
        listed
            .lines()
            .find(|l| l.contains(" quiz_q02 "))
            .unwrap()
            .to_string()
    };
    assert!(line(&listed).contains("done"), "{listed}");

    // Broken again: no longer done.
    let text = std::fs::read_to_string(root.join(QUIZ)).unwrap();
    let quiz = Quiz::parse(Path::new(QUIZ), &text).unwrap();
    let first = &quiz.items[0];
    let wrong = if first.answer == netlings::quiz::Answer::Letters(vec!['a']) {
        "\"b\""
    } else {
        "\"a\""
    };
    std::fs::write(
        root.join(QUIZ),
        with_answer(&text, &first.id, wrong).unwrap(),
    )
    .unwrap();
    run(root, &["run", "quiz_q02"], 1);
    let listed = run(root, &["list"], 0);
    assert!(line(&listed).contains("pending"), "{listed}");
}

#[test]
fn list_says_which_topics_have_no_hands_on_exercises_yet() {
    let dir = common::fixture();
    let out = run(dir.path(), &["list"], 0);
    let catalog = netlings::catalog::Catalog::load(&common::repo_root()).unwrap();
    for topic in &catalog.topics {
        let heading = out
            .lines()
            .find(|l| l.starts_with(&format!("{} ", topic.id)))
            .unwrap_or_else(|| panic!("{} is not listed:\n{out}", topic.id));
        assert_eq!(
            heading.contains("hands-on exercises still to come"),
            !catalog.has_programs(&topic.id),
            "{heading}"
        );
    }
}

#[test]
fn a_model_answer_is_formatted_text_not_raw_markdown() {
    let dir = common::fixture();
    let root = dir.path();
    let source = std::fs::read_to_string(root.join("solutions/01_sockets/q02.md")).unwrap();
    assert!(source.contains("**") && source.contains("```"));
    let out = run(root, &["answer", "q02", "--force"], 0);
    assert!(!out.contains("**") && !out.contains("```"), "{out}");
    assert!(out.contains("write_all"), "{out}");
}
