//! Which exercises each card names: its model answer, its quiz's items and
//! their explanations. A card that names an exercise promises the learner
//! something they will do; a name that is no exercise (renamed, planned and
//! never built, misspelt) is a broken promise, found here.
//!
//! A mention is a name in backticks that is an exercise's name, or that
//! looks like one: it starts with a word several exercises share (`grpc_`,
//! `amqp_`, `ws_` …), so `grpc_stremaing` is caught while `send_to` or
//! `read_line` (code, not exercises) are not. In a model answer's "What the
//! exercises showed", every item's leading name is a mention, whatever it
//! looks like: that is where a card lists a topic's exercises, even one
//! whose exercises were never built.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;

/// One exercise name found in one card file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The card (`q10`).
    pub card: String,
    /// The file it was found in, relative to the root.
    pub file: PathBuf,
    pub line: usize,
    pub name: String,
    /// Whether the catalog has an exercise of that name.
    pub exists: bool,
}

/// The files that make up a card: the model answer and the quiz (items in
/// `exercises/`, explanations in `solutions/`).
fn card_files(catalog: &Catalog, card: &str) -> Vec<PathBuf> {
    let Some(question) = catalog.question(card) else {
        return Vec::new();
    };
    let topic = &question.topic;
    vec![
        Path::new("solutions")
            .join(topic)
            .join(format!("{card}.md")),
        Path::new("exercises")
            .join(topic)
            .join(format!("quiz_{card}.toml")),
        Path::new("solutions")
            .join(topic)
            .join(format!("quiz_{card}.toml")),
    ]
}

/// The first words shared by at least two exercises: what makes a name
/// look like an exercise's.
fn family_prefixes(catalog: &Catalog) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut shared = BTreeSet::new();
    for e in catalog.exercises.iter().filter(|e| !e.is_quiz()) {
        if let Some((first, _)) = e.name.split_once('_')
            && !seen.insert(first.to_string())
        {
            shared.insert(first.to_string());
        }
    }
    shared
}

/// The names in backticks on one line that are, or look like, exercises.
fn names_on_line<'a>(
    line: &'a str,
    catalog: &Catalog,
    prefixes: &BTreeSet<String>,
) -> Vec<&'a str> {
    line.split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            let snake = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            snake
                && (catalog.exercise(word).is_some_and(|e| !e.is_quiz())
                    || word
                        .split_once('_')
                        .is_some_and(|(first, _)| prefixes.contains(first)))
        })
        .collect()
}

/// The heading of the part of a model answer that lists the exercises.
const SHOWED: &str = "What the exercises showed";

/// The name an item of that list begins with: "- `zmq_pipeline`: …".
fn leading_name(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("- `")?;
    let (name, _) = rest.split_once('`')?;
    let snake = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    snake.then_some(name)
}

/// Every mention in every card, in card and line order. `read` gives a
/// file's text by its path relative to the root (None when it is missing).
pub fn mentions(catalog: &Catalog, read: &dyn Fn(&Path) -> Option<String>) -> Vec<Mention> {
    let prefixes = family_prefixes(catalog);
    let mut found = Vec::new();
    for question in &catalog.questions {
        for file in card_files(catalog, &question.id) {
            let Some(text) = read(&file) else { continue };
            let mut showed = false;
            for (i, line) in text.lines().enumerate() {
                if let Some(heading) = line.strip_prefix("## ") {
                    showed = heading.trim() == SHOWED;
                }
                let mut names = names_on_line(line, catalog, &prefixes);
                if showed
                    && let Some(lead) = leading_name(line)
                    && !names.contains(&lead)
                {
                    names.insert(0, lead);
                }
                for name in names {
                    found.push(Mention {
                        card: question.id.clone(),
                        file: file.clone(),
                        line: i + 1,
                        name: name.to_string(),
                        exists: catalog.exercise(name).is_some(),
                    });
                }
            }
        }
    }
    found
}

/// One line per card: the exercises it names, in the order first named.
pub fn summary(found: &[Mention]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cards: Vec<&str> = found.iter().map(|m| m.card.as_str()).collect();
    cards.dedup();
    for card in cards {
        let mut names: Vec<&str> = Vec::new();
        for m in found.iter().filter(|m| m.card == card) {
            if !names.contains(&m.name.as_str()) {
                names.push(&m.name);
            }
        }
        lines.push(format!("{card} names {}", names.join(", ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"
[[topic]]
id = "01_sockets"
title = "Sockets"
crates = "std"

[[question]]
id = "q01"
topic = "01_sockets"
text = "TCP or UDP?"

[[exercise]]
name = "tcp_echo_server"
topic = "01_sockets"
questions = ["q01"]
kind = "server"
hint = "h"
summary = "s"

[[exercise]]
name = "tcp_client"
topic = "01_sockets"
questions = ["q01"]
kind = "client"
hint = "h"
summary = "s"

[[exercise]]
name = "send_all"
topic = "01_sockets"
questions = ["q01"]
kind = "client"
hint = "h"
summary = "s"

[[exercise]]
name = "quiz_q01"
topic = "01_sockets"
questions = ["q01"]
kind = "quiz"
hint = "h"
summary = "s"
"#;

    fn found(answer: &str) -> Vec<Mention> {
        let catalog = Catalog::parse(Path::new("exercises.toml"), CATALOG).unwrap();
        let answer = answer.to_string();
        mentions(&catalog, &move |p: &Path| {
            (p == Path::new("solutions/01_sockets/q01.md")).then(|| answer.clone())
        })
    }

    #[test]
    fn names_of_exercises_are_found_with_their_line() {
        let m = found("intro\n`tcp_client` and `send_all`, then `tcp_client` again");
        let names: Vec<_> = m
            .iter()
            .map(|m| (m.name.as_str(), m.line, m.exists))
            .collect();
        assert_eq!(
            names,
            [
                ("tcp_client", 2, true),
                ("send_all", 2, true),
                ("tcp_client", 2, true)
            ]
        );
        assert_eq!(summary(&m), ["q01 names tcp_client, send_all"]);
    }

    #[test]
    fn a_misspelt_or_unbuilt_exercise_is_found_as_missing() {
        let m = found("`tcp_echo_sever` and `tcp_pool` are promised");
        assert!(m.iter().all(|m| !m.exists), "{m:?}");
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn an_item_of_what_the_exercises_showed_names_an_exercise() {
        let m = found(
            "## What the exercises showed\n\n- `zmq_pipeline`: two workers\n\n## Follow-ups\n- `basic_qos`: code",
        );
        let names: Vec<_> = m.iter().map(|m| (m.name.as_str(), m.exists)).collect();
        assert_eq!(names, [("zmq_pipeline", false)]);
    }

    #[test]
    fn code_that_is_no_exercise_is_not_a_mention() {
        let m = found("`send_to`, `read_line`, `quiz_q01`, `TcpStream::connect`, `tcp_client()`");
        assert!(m.is_empty(), "{m:?}");
    }
}
