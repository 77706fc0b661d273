//! Quizzes as a learner meets them: asked in a pseudo-terminal, recorded in
//! the answer file, graded by `run`; and the model answer that opens only
//! once its card is done.

mod common;

use common::wait_for;

use std::path::Path;
use std::time::Duration;

use expectrl::Expect;
use expectrl::session::OsSession;
use netlings::quiz::{Answer, AnswerKey, ItemKind, Quiz};

fn netlings_pty(root: &Path, args: &[&str]) -> OsSession {
    common::netlings_pty(root, args, &[], Duration::from_secs(20))
}

/// The keys that give `answer` to an item of `kind`.
fn keys_for(kind: ItemKind, answer: &Answer) -> String {
    match (kind, answer) {
        (ItemKind::Single, Answer::Letters(l)) => l[0].to_string(),
        (ItemKind::Multiple, Answer::Letters(l)) => format!("{}\r", l.iter().collect::<String>()),
        (ItemKind::TrueFalse, Answer::Bool(b)) => if *b { "t" } else { "f" }.to_string(),
        (ItemKind::Short, Answer::Text(t)) => format!("{t}\r"),
        other => panic!("no keys for {other:?}"),
    }
}

/// A wrong answer of the same kind.
fn wrong_keys(kind: ItemKind, answer: &Answer, options: usize) -> String {
    match (kind, answer) {
        (ItemKind::Single, Answer::Letters(l)) => {
            let other = (0..options)
                .map(netlings::quiz::letter)
                .find(|c| *c != l[0])
                .unwrap();
            other.to_string()
        }
        (ItemKind::TrueFalse, Answer::Bool(b)) => if *b { "f" } else { "t" }.to_string(),
        (ItemKind::Short, _) => "certainly not this\r".to_string(),
        (ItemKind::Multiple, Answer::Letters(l)) => format!("{}\r", l[0]),
        other => panic!("no keys for {other:?}"),
    }
}

#[test]
fn a_quiz_asked_in_the_terminal_is_recorded_and_graded_like_the_file() {
    let dir = common::fixture();
    let root = dir.path();
    let rel = "exercises/01_sockets/quiz_q02.toml";
    let quiz = Quiz::parse(
        Path::new(rel),
        &std::fs::read_to_string(root.join(rel)).unwrap(),
    )
    .unwrap();
    let key_text =
        std::fs::read_to_string(root.join("solutions/01_sockets/quiz_q02.toml")).unwrap();
    let key = AnswerKey::parse(Path::new("key"), &key_text, &quiz).unwrap();
    assert!(key.items.len() >= 5);

    // First pass: the first item answered wrong, the rest right.
    let mut s = netlings_pty(root, &["quiz", "q02"]);
    wait_for(&mut s, "Q2. How would you implement");
    for (n, k) in key.items.iter().enumerate() {
        let item = quiz.item(&k.id).unwrap();
        wait_for(&mut s, &format!("item {} of {}", n + 1, key.items.len()));
        if n == 0 {
            s.send(wrong_keys(item.kind, &k.answer, item.options.len()))
                .unwrap();
            wait_for(&mut s, "✗ not right");
            wait_for(&mut s, "the answer:");
        } else {
            s.send(keys_for(item.kind, &k.answer)).unwrap();
            wait_for(&mut s, "✓ right");
        }
        // The explanation follows every answer.
        let first_words: String = k
            .explanation
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        wait_for(&mut s, &first_words);
        s.send(" ").unwrap();
    }
    let total = key.items.len();
    wait_for(&mut s, &format!("{}/{total} right", total - 1));

    // The file holds the answers: `run` grades it the same way.
    let out = common::netlings(root)
        .args(["run", "quiz_q02"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains("not right: you answered"), "{out}");
    assert_eq!(out.matches("✓").count(), total - 1, "{out}");

    // Second pass asks only what is not right yet.
    let mut s = netlings_pty(root, &["quiz", "2"]);
    let first = &key.items[0];
    wait_for(&mut s, &format!("item 1 of {total}"));
    s.send(keys_for(quiz.item(&first.id).unwrap().kind, &first.answer))
        .unwrap();
    wait_for(&mut s, "✓ right");
    s.send(" ").unwrap();
    wait_for(&mut s, &format!("{total}/{total} right"));
    common::netlings(root)
        .args(["run", "quiz_q02"])
        .assert()
        .success();
    let state = std::fs::read_to_string(root.join(".netlings-state.toml")).unwrap();
    assert!(state.contains("quiz_q02"), "{state}");
}

#[test]
fn quiz_without_a_terminal_points_to_the_answer_file() {
    let dir = common::fixture();
    let out = common::netlings(dir.path())
        .args(["quiz", "q01"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("exercises/01_sockets/quiz_q01.toml") && out.contains("netlings run quiz_q01"),
        "{out}"
    );
}

/// A quiz draws on no randomness: its verdict offers no seed to replay.
#[test]
fn a_quiz_verdict_offers_no_replay_seed() {
    let dir = common::fixture();
    let out = common::netlings(dir.path())
        .args(["run", "quiz_q01"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains("quiz_q01"), "{out}");
    assert!(!out.contains("seed"), "{out}");
}

#[test]
fn a_malformed_answer_file_is_reported_with_its_line() {
    let dir = common::fixture();
    let path = dir.path().join("exercises/01_sockets/quiz_q01.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen("answer = \"\"", "answer = b", 1);
    let line = broken[..broken.find("answer = b").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&path, broken).unwrap();
    let out = common::netlings(dir.path())
        .args(["run", "quiz_q01"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains(&format!("quiz_q01.toml:{line}:")), "{out}");
}

#[test]
fn the_model_answer_opens_once_the_card_is_done() {
    let dir = common::fixture();
    let root = dir.path();
    let out = common::netlings(root)
        .args(["answer", "q01"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("udp_kv_server") && out.contains("quiz_q01") && out.contains("--force"),
        "{out}"
    );

    let forced = common::netlings(root)
        .args(["answer", "q01", "--force"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let forced = String::from_utf8_lossy(&forced);
    assert!(
        forced.contains("not done yet") && forced.contains("The short answer"),
        "{forced}"
    );

    std::fs::write(
        root.join(".netlings-state.toml"),
        "done = [\"udp_kv_server\", \"udp_retry_client\", \"quiz_q01\"]\n",
    )
    .unwrap();
    let earned = common::netlings(root)
        .args(["answer", "Q1"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let earned = String::from_utf8_lossy(&earned);
    assert!(
        earned.contains("The short answer") && !earned.contains("not done yet"),
        "{earned}"
    );
    assert!(
        earned.contains("udp_retry_client"),
        "the model answer points to the exercises: {earned}"
    );
}

#[test]
fn every_card_has_a_quiz_of_five_items_and_a_model_answer_pointing_to_its_exercises() {
    let root = common::repo_root();
    let catalog = netlings::catalog::Catalog::load(&root).unwrap();
    // The fourteen questions of the seed, and netlings' own q15.
    assert_eq!(catalog.questions.len(), 15);
    for q in &catalog.questions {
        let quiz =
            netlings::cards::quiz_of(&catalog, q).unwrap_or_else(|| panic!("{} has no quiz", q.id));
        let rel = netlings::workspace::Workspace::exercise_rel(quiz);
        let parsed = Quiz::parse(&rel, &std::fs::read_to_string(root.join(&rel)).unwrap()).unwrap();
        assert!(
            parsed.items.len() >= 5,
            "{}: {} items",
            q.id,
            parsed.items.len()
        );
        let answer = std::fs::read_to_string(
            root.join("solutions")
                .join(&q.topic)
                .join(format!("{}.md", q.id)),
        )
        .unwrap_or_else(|e| panic!("{} has no model answer: {e}", q.id));
        for e in catalog
            .exercises
            .iter()
            .filter(|e| e.questions.contains(&q.id) && !e.is_quiz())
        {
            assert!(
                answer.contains(&format!("`{}`", e.name)),
                "{}'s model answer does not point to `{}`",
                q.id,
                e.name
            );
        }
    }
}
