//! The cards as an interviewer would read them: quiz items that cannot be
//! passed by test-taking tricks, and model answers whose central claims can
//! be checked.
//!
//! A learner who always picks the longest option, or always the same
//! letter, must not pass the quizzes; and every model answer ends with the
//! references (RFC sections, the crates' docs, official guides) its claims
//! rest on.

mod common;

use std::path::Path;

use netlings::catalog::Catalog;
use netlings::quiz::{Answer, AnswerKey, ItemKind, Quiz};
use netlings::workspace::Workspace;

/// At most this share of single-choice items may have their answer as the
/// uniquely longest option by `LONGEST_BY`.
const MAX_LONGEST_SHARE: f64 = 0.15;
const LONGEST_BY: f64 = 1.3;
/// At most this share of single-choice items may have their answer at the
/// same letter.
const MAX_SAME_LETTER_SHARE: f64 = 0.40;
/// At most this share of multiple-choice items may have as answer the first
/// options in a row (`a`, `a b`, `a b c`…), the pattern of writing the right
/// options first.
const MAX_LEADING_RUN_SHARE: f64 = 0.40;
/// At most this share of true/false items may expect the same value.
const MAX_SAME_TRUTH_SHARE: f64 = 0.70;

/// One quiz item with its expected answer.
struct Keyed {
    card: String,
    id: String,
    kind: ItemKind,
    options: Vec<String>,
    answer: Answer,
}

fn all_items() -> Vec<Keyed> {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let mut items = Vec::new();
    for exercise in catalog.exercises.iter().filter(|e| e.is_quiz()) {
        let rel = Workspace::exercise_rel(exercise);
        let quiz = Quiz::parse(&rel, &std::fs::read_to_string(root.join(&rel)).unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
        let key_rel = Path::new("solutions")
            .join(&exercise.topic)
            .join(format!("{}.toml", exercise.name));
        let key = AnswerKey::parse(
            &key_rel,
            &std::fs::read_to_string(root.join(&key_rel)).unwrap(),
            &quiz,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        for k in key.items {
            let item = quiz.item(&k.id).unwrap();
            items.push(Keyed {
                card: exercise.name.clone(),
                id: k.id,
                kind: item.kind,
                options: item.options.clone(),
                answer: k.answer,
            });
        }
    }
    assert!(items.len() >= 14 * 5, "{} quiz items", items.len());
    items
}

/// The expected letter of a single-choice item, as an option index.
fn single_index(item: &Keyed) -> usize {
    match &item.answer {
        Answer::Letters(l) if l.len() == 1 => (l[0] as u8 - b'a') as usize,
        other => panic!(
            "{} {}: a single-choice key of {other:?}",
            item.card, item.id
        ),
    }
}

fn share(count: usize, of: usize) -> f64 {
    count as f64 / of as f64
}

/// True when option `answer` is longer than every other by `LONGEST_BY`.
fn uniquely_longest(options: &[String], answer: usize) -> bool {
    let len = |s: &String| s.chars().count() as f64;
    let mine = len(&options[answer]);
    options
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != answer)
        .all(|(_, other)| mine >= LONGEST_BY * len(other))
}

#[test]
fn the_longest_option_is_not_a_strategy() {
    let items = all_items();
    let singles: Vec<&Keyed> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Single)
        .collect();
    let longest: Vec<String> = singles
        .iter()
        .filter(|i| uniquely_longest(&i.options, single_index(i)))
        .map(|i| format!("{} {}", i.card, i.id))
        .collect();
    assert!(
        share(longest.len(), singles.len()) <= MAX_LONGEST_SHARE,
        "in {} of {} single-choice items the answer is the longest option by {LONGEST_BY}x \
         (at most {:.0} % may be): write the options in one form and about one length, \
         and move reasons into the explanation: {longest:?}",
        longest.len(),
        singles.len(),
        MAX_LONGEST_SHARE * 100.0
    );
}

#[test]
fn no_answer_letter_is_a_strategy() {
    let items = all_items();
    let singles: Vec<&Keyed> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Single)
        .collect();
    let mut counts = [0usize; 26];
    for item in &singles {
        counts[single_index(item)] += 1;
    }
    for (i, count) in counts.iter().enumerate() {
        assert!(
            share(*count, singles.len()) <= MAX_SAME_LETTER_SHARE,
            "the answer is `{}` in {count} of {} single-choice items (at most {:.0} % may be)",
            netlings::quiz::letter(i),
            singles.len(),
            MAX_SAME_LETTER_SHARE * 100.0
        );
    }

    let multiples: Vec<&Keyed> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Multiple)
        .collect();
    let leading: Vec<String> = multiples
        .iter()
        .filter(|i| match &i.answer {
            Answer::Letters(l) => l
                .iter()
                .enumerate()
                .all(|(n, c)| *c as usize == 'a' as usize + n),
            _ => false,
        })
        .map(|i| format!("{} {}", i.card, i.id))
        .collect();
    assert!(
        share(leading.len(), multiples.len()) <= MAX_LEADING_RUN_SHARE,
        "{} of {} multiple-choice items expect the first options in a row: {leading:?}",
        leading.len(),
        multiples.len()
    );

    let truths: Vec<bool> = items
        .iter()
        .filter_map(|i| match i.answer {
            Answer::Bool(b) => Some(b),
            _ => None,
        })
        .collect();
    let trues = truths.iter().filter(|b| **b).count();
    for (value, count) in [(true, trues), (false, truths.len() - trues)] {
        assert!(
            share(count, truths.len()) <= MAX_SAME_TRUTH_SHARE,
            "{count} of {} true/false items expect {value}",
            truths.len()
        );
    }
}

#[test]
fn the_guessability_rules_catch_what_they_exist_for() {
    let opts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let padded = opts(&[
        "one",
        "two",
        "the answer, with its reason spelled out",
        "four",
    ]);
    assert!(uniquely_longest(&padded, 2));
    assert!(!uniquely_longest(&padded, 0));
    let even = opts(&["about this long", "about this long too", "and so is this"]);
    assert!(!uniquely_longest(&even, 1));
    // 1.3x is inclusive; just under it is not flagged.
    assert!(uniquely_longest(&opts(&["aaaaaaaaaa", "aaaaaaaaaaaaa"]), 1));
    assert!(!uniquely_longest(&opts(&["aaaaaaaaaa", "aaaaaaaaaaaa"]), 1));
}

/// The `## References` section of a model answer: its list items.
fn references(text: &str) -> Option<Vec<&str>> {
    let (_, tail) = text.split_once("\n## References\n")?;
    Some(
        tail.lines()
            .filter(|l| l.starts_with("- "))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn every_model_answer_ends_with_its_references() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    // The fourteen questions of the seed, and netlings' own q15.
    assert_eq!(catalog.questions.len(), 15);
    for q in &catalog.questions {
        let path = root
            .join("solutions")
            .join(&q.topic)
            .join(format!("{}.md", q.id));
        let text = std::fs::read_to_string(&path).unwrap();
        let refs = references(&text)
            .unwrap_or_else(|| panic!("{}: no `## References` section", path.display()));
        let (_, tail) = text.split_once("\n## References\n").unwrap();
        assert!(
            !tail.contains("\n## "),
            "{}: `## References` must be the last section",
            path.display()
        );
        assert!(
            (2..=4).contains(&refs.len()),
            "{}: {} references (2 to 4: the sources of its central claims)",
            path.display(),
            refs.len()
        );
        for r in &refs {
            assert!(
                r.contains("<https://") || r.contains("<http://"),
                "{}: a reference without its address: {r}",
                path.display()
            );
        }
    }
}

/// Every exercise a card's answer or quiz names is one the learner can do:
/// the cards describe the curriculum as it was built.
#[test]
fn every_exercise_a_card_names_exists() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let found = netlings::dev::mentions(&catalog, &|rel| {
        std::fs::read_to_string(root.join(rel)).ok()
    });
    assert!(
        found.len() > 50,
        "only {} mentions found: is the scan still reading the cards?",
        found.len()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|m| !m.exists)
        .map(|m| format!("{}:{}: `{}`", m.file.display(), m.line, m.name))
        .collect();
    assert!(
        missing.is_empty(),
        "cards name exercises that do not exist:\n{}",
        missing.join("\n")
    );
}
