//! Quizzes: items, answer files, grading, and asking interactively.
//!
//! The learner's answer file (`exercises/NN_topic/quiz_qNN.toml`) holds the
//! items - prompt, kind, options - and the learner's answers. The expected
//! answers and their explanations live with the solutions
//! (`solutions/NN_topic/quiz_qNN.toml`). Both files are checked with line
//! numbers; an empty answer is "unanswered", never "wrong".

pub mod ask;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::catalog::line_col;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Single,
    Multiple,
    TrueFalse,
    Short,
}

impl ItemKind {
    pub fn describe(self) -> &'static str {
        match self {
            ItemKind::Single => "single choice",
            ItemKind::Multiple => "multiple choice",
            ItemKind::TrueFalse => "true or false",
            ItemKind::Short => "short answer",
        }
    }

    fn example(self) -> &'static str {
        match self {
            ItemKind::Single => "answer = \"b\"",
            ItemKind::Multiple => "answer = [\"a\", \"c\"]",
            ItemKind::TrueFalse => "answer = true",
            ItemKind::Short => "answer = \"…\"",
        }
    }
}

/// How a short answer is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Match {
    /// Trimmed, case-folded, inner spaces collapsed, quotes/backticks dropped.
    #[default]
    Text,
    /// Trimmed only.
    Exact,
    /// Compared as numbers ("65,507" = "65507" = "65507.0").
    Number,
}

/// A learner's answer, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Empty,
    Text(String),
    Letters(Vec<char>),
    Bool(bool),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Empty => f.write_str("(nothing)"),
            Answer::Text(t) => write!(f, "{t:?}"),
            Answer::Letters(l) => {
                let letters: Vec<String> = l.iter().map(char::to_string).collect();
                write!(f, "{}", letters.join(", "))
            }
            Answer::Bool(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub kind: ItemKind,
    pub prompt: String,
    pub options: Vec<String>,
    pub answer: Answer,
    /// 1-based line of the item's `answer` (or of the item, when it has none).
    pub answer_line: usize,
}

#[derive(Debug, Clone)]
pub struct Quiz {
    pub question: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct KeyItem {
    pub id: String,
    pub answer: Answer,
    pub accept: Vec<String>,
    pub matching: Match,
    pub explanation: String,
}

#[derive(Debug, Clone)]
pub struct AnswerKey {
    pub question: String,
    pub items: Vec<KeyItem>,
}

/// A mistake in a quiz file, with its line.
#[derive(Debug, Clone)]
pub struct QuizError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for QuizError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

impl std::error::Error for QuizError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    question: String,
    #[serde(default, rename = "item")]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    kind: ItemKind,
    prompt: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    answer: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    question: String,
    #[serde(default, rename = "item")]
    items: Vec<RawKeyItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyItem {
    id: Spanned<String>,
    answer: Spanned<toml::Value>,
    #[serde(default)]
    accept: Vec<String>,
    #[serde(default, rename = "match")]
    matching: Match,
    explanation: String,
}

fn error(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> QuizError {
    QuizError {
        path: path.to_path_buf(),
        line: line_col(text, offset).0,
        message: message.into(),
    }
}

fn toml_error(path: &Path, text: &str, e: toml::de::Error) -> QuizError {
    error(
        path,
        text,
        e.span().map_or(0, |s| s.start),
        e.message().trim().to_string(),
    )
}

/// The letter of option `i`: a, b, c…
pub fn letter(i: usize) -> char {
    (b'a' + i as u8) as char
}

/// Reads an answer of `kind` from its TOML value, leniently: "B", "b)",
/// "a, c", "yes" are understood; what cannot be is an error for that line.
fn answer_of(kind: ItemKind, value: &toml::Value, options: usize) -> Result<Answer, String> {
    use toml::Value;
    let letter_of = |s: &str| -> Result<char, String> {
        let t = s.trim().trim_end_matches([')', '.']).to_ascii_lowercase();
        let mut chars = t.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_lowercase() => {
                if options == 0 || ((c as u8 - b'a') as usize) < options {
                    Ok(c)
                } else {
                    Err(format!(
                        "there is no option `{c}`: the options are a to {}",
                        letter(options - 1)
                    ))
                }
            }
            _ => Err(format!("`{}` is not an option letter", s.trim())),
        }
    };
    match (kind, value) {
        (_, Value::String(s)) if s.trim().is_empty() => Ok(Answer::Empty),
        (_, Value::Array(a)) if a.is_empty() => Ok(Answer::Empty),
        (ItemKind::Single, Value::String(s)) => letter_of(s).map(|c| Answer::Letters(vec![c])),
        (ItemKind::Multiple, Value::Array(items)) => {
            let mut letters = Vec::new();
            for item in items {
                let Value::String(s) = item else {
                    return Err("write each chosen option as a letter in quotes".into());
                };
                letters.push(letter_of(s)?);
            }
            letters.sort_unstable();
            letters.dedup();
            Ok(Answer::Letters(letters))
        }
        (ItemKind::Multiple, Value::String(s)) => {
            let mut letters = s
                .split([',', ' '])
                .filter(|p| !p.trim().is_empty())
                .map(letter_of)
                .collect::<Result<Vec<char>, String>>()?;
            letters.sort_unstable();
            letters.dedup();
            Ok(Answer::Letters(letters))
        }
        (ItemKind::TrueFalse, Value::Boolean(b)) => Ok(Answer::Bool(*b)),
        (ItemKind::TrueFalse, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" => Ok(Answer::Bool(true)),
            "false" | "f" | "no" | "n" => Ok(Answer::Bool(false)),
            other => Err(format!("`{other}` is neither true nor false")),
        },
        (ItemKind::Short, Value::String(s)) => Ok(Answer::Text(s.trim().to_string())),
        (ItemKind::Short, Value::Integer(n)) => Ok(Answer::Text(n.to_string())),
        (ItemKind::Short, Value::Float(n)) => Ok(Answer::Text(n.to_string())),
        (kind, _) => Err(format!(
            "this is a {} item: answer like {}",
            kind.describe(),
            kind.example()
        )),
    }
}

impl Quiz {
    /// Parses a learner's answer file.
    pub fn parse(path: &Path, text: &str) -> Result<Quiz, QuizError> {
        let raw: RawQuiz = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
        let mut items = Vec::new();
        for raw_item in raw.items {
            let id = raw_item.id.get_ref().clone();
            if items.iter().any(|i: &Item| i.id == id) {
                return Err(error(
                    path,
                    text,
                    raw_item.id.span().start,
                    format!("item `{id}` appears twice"),
                ));
            }
            let options = raw_item.options.len();
            if matches!(raw_item.kind, ItemKind::Single | ItemKind::Multiple) && options < 2 {
                return Err(error(
                    path,
                    text,
                    raw_item.id.span().start,
                    format!("item `{id}` needs at least two options"),
                ));
            }
            let (answer, answer_line) = match &raw_item.answer {
                None => (Answer::Empty, line_col(text, raw_item.id.span().start).0),
                Some(value) => {
                    let line = line_col(text, value.span().start).0;
                    let answer =
                        answer_of(raw_item.kind, value.get_ref(), options).map_err(|m| {
                            error(path, text, value.span().start, format!("item `{id}`: {m}"))
                        })?;
                    (answer, line)
                }
            };
            items.push(Item {
                id,
                kind: raw_item.kind,
                prompt: raw_item.prompt.trim().to_string(),
                options: raw_item.options,
                answer,
                answer_line,
            });
        }
        Ok(Quiz {
            question: raw.question,
            items,
        })
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

impl AnswerKey {
    /// Parses the expected answers, checking them against the quiz's items.
    pub fn parse(path: &Path, text: &str, quiz: &Quiz) -> Result<AnswerKey, QuizError> {
        let raw: RawKey = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
        let mut items = Vec::new();
        for raw_item in raw.items {
            let id = raw_item.id.get_ref().clone();
            let at = raw_item.answer.span().start;
            let Some(item) = quiz.item(&id) else {
                return Err(error(
                    path,
                    text,
                    raw_item.id.span().start,
                    format!("the quiz has no item `{id}`"),
                ));
            };
            let answer = answer_of(item.kind, raw_item.answer.get_ref(), item.options.len())
                .map_err(|m| error(path, text, at, format!("item `{id}`: {m}")))?;
            if answer == Answer::Empty {
                return Err(error(
                    path,
                    text,
                    at,
                    format!("item `{id}` has no expected answer"),
                ));
            }
            items.push(KeyItem {
                id,
                answer,
                accept: raw_item.accept,
                matching: raw_item.matching,
                explanation: raw_item.explanation.trim().to_string(),
            });
        }
        Ok(AnswerKey {
            question: raw.question,
            items,
        })
    }

    /// The key's answers as a quiz answered perfectly (for `--solutions`).
    pub fn as_answers(&self, quiz: &Quiz) -> Quiz {
        let mut solved = quiz.clone();
        for item in &mut solved.items {
            if let Some(key) = self.items.iter().find(|k| k.id == item.id) {
                item.answer = key.answer.clone();
            }
        }
        solved
    }
}

/// Said when a learner's answer file is missing.
pub fn missing_file(rel: &str, exercise: &str) -> String {
    format!(
        "{rel} is missing (moved or deleted?). `netlings reset {exercise}` puts a fresh answer file back."
    )
}

/// Said when a learner's answer file is not UTF-8 text: where the first
/// bad byte is (`line`, `message` from [`crate::catalog::utf8_text`]), and
/// the way back.
pub fn not_utf8_file(rel: &str, line: usize, message: &str, exercise: &str) -> String {
    format!(
        "{rel}:{line}: {message}. `netlings reset {exercise}` puts a fresh answer file back (yours is kept as a backup)."
    )
}

/// Said when a learner's answer file does not read: its line, what is
/// wrong, and the way back.
pub fn damaged_file(error: &QuizError, exercise: &str) -> String {
    format!(
        "{error}\nFix that line, or `netlings reset {exercise}` for a fresh answer file (yours is kept as a backup)."
    )
}

/// The quiz as netlings shipped it (the items it asks), when it has a copy.
pub fn as_shipped(exercise: &crate::catalog::Exercise) -> Option<Quiz> {
    let rel = crate::workspace::Workspace::exercise_rel(exercise);
    let text = crate::workspace::Workspace::original_stub(exercise)?;
    Quiz::parse(&rel, text).ok()
}

/// Where the learner's answer file no longer has the items netlings asks:
/// an item renamed or deleted, or changed in kind or options. Said with the
/// way back; `None` when every item is there as shipped.
pub fn damage(shipped: &Quiz, learner: &Quiz, rel: &str, exercise: &str) -> Option<String> {
    let problems: Vec<String> = shipped
        .items
        .iter()
        .filter_map(|item| match learner.item(&item.id) {
            None => Some(format!(
                "item `{}` is not in {rel} any more (renamed or deleted?)",
                item.id
            )),
            Some(mine) if mine.kind != item.kind || mine.options.len() != item.options.len() => {
                Some(format!(
                    "item `{}` (line {} of {rel}) was changed: it is a {} item with {} options",
                    item.id,
                    mine.answer_line,
                    item.kind.describe(),
                    item.options.len()
                ))
            }
            Some(_) => None,
        })
        .collect();
    if problems.is_empty() {
        return None;
    }
    Some(format!(
        "{}.\nPut the item back as it was, or `netlings reset {exercise}` for a fresh answer file (yours is kept as a backup, so you can copy your answers over).",
        problems.join("; ")
    ))
}

/// The verdict on one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Correct,
    Wrong,
    Unanswered,
}

/// Normalises a short answer for comparison.
pub fn normalise(text: &str, matching: Match) -> String {
    let trimmed = text.trim().trim_matches(['`', '"', '\'']).trim();
    match matching {
        Match::Exact => trimmed.to_string(),
        Match::Text => trimmed
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        Match::Number => trimmed.replace([',', '_', ' '], ""),
    }
}

fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Judges one answer against its key.
pub fn judge(answer: &Answer, key: &KeyItem) -> Verdict {
    match (answer, &key.answer) {
        (Answer::Empty, _) => Verdict::Unanswered,
        (Answer::Text(given), Answer::Text(expected)) => {
            let given = normalise(given, key.matching);
            let right = std::iter::once(expected)
                .chain(&key.accept)
                .map(|e| normalise(e, key.matching))
                .any(|e| {
                    if key.matching == Match::Number {
                        same_number(&given, &e)
                    } else {
                        given == e
                    }
                });
            if right {
                Verdict::Correct
            } else {
                Verdict::Wrong
            }
        }
        (given, expected) => {
            if given == expected {
                Verdict::Correct
            } else {
                Verdict::Wrong
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = r#"question = "q01"

[[item]]
id = "one"
kind = "single"
prompt = "Pick"
options = ["x", "y", "z"]
answer = "B"

[[item]]
id = "many"
kind = "multiple"
prompt = "Pick some"
options = ["x", "y", "z"]
answer = ["c", "a"]

[[item]]
id = "tf"
kind = "truefalse"
prompt = "True?"
answer = ""

[[item]]
id = "short"
kind = "short"
prompt = "Name it"
answer = "  Read_Exact  "

[[item]]
id = "num"
kind = "short"
prompt = "How many"
answer = "65,507"
"#;

    const KEY: &str = r#"question = "q01"

[[item]]
id = "one"
answer = "b"
explanation = "because"

[[item]]
id = "many"
answer = ["a", "c"]
explanation = "because"

[[item]]
id = "tf"
answer = true
explanation = "because"

[[item]]
id = "short"
answer = "read_exact"
explanation = "because"

[[item]]
id = "num"
answer = "65507"
match = "number"
explanation = "because"
"#;

    fn grade(quiz: &str) -> Vec<Verdict> {
        let quiz = Quiz::parse(Path::new("q.toml"), quiz).unwrap();
        let key = AnswerKey::parse(Path::new("k.toml"), KEY, &quiz).unwrap();
        key.items
            .iter()
            .map(|k| judge(&quiz.item(&k.id).unwrap().answer, k))
            .collect()
    }

    #[test]
    fn every_kind_is_judged_and_empty_is_unanswered() {
        assert_eq!(
            grade(QUIZ),
            vec![
                Verdict::Correct,
                Verdict::Correct,
                Verdict::Unanswered,
                Verdict::Correct,
                Verdict::Correct
            ]
        );
    }

    #[test]
    fn wrong_and_partial_answers() {
        let partial = QUIZ.replace("answer = [\"c\", \"a\"]", "answer = [\"a\"]");
        assert_eq!(
            grade(&partial)[1],
            Verdict::Wrong,
            "all correct options are required"
        );
        let extra = QUIZ.replace("answer = [\"c\", \"a\"]", "answer = \"a, b, c\"");
        assert_eq!(
            grade(&extra)[1],
            Verdict::Wrong,
            "no other option may be chosen"
        );
        let tf = QUIZ.replace("answer = \"\"", "answer = \"no\"");
        assert_eq!(grade(&tf)[2], Verdict::Wrong);
        let short = QUIZ.replace("Read_Exact", "read");
        assert_eq!(grade(&short)[3], Verdict::Wrong);
    }

    #[test]
    fn case_spaces_and_numbers() {
        assert_eq!(normalise("  `Read  Exact` ", Match::Text), "read exact");
        assert_eq!(normalise(" Read ", Match::Exact), "Read");
        assert!(same_number(&normalise("65,507", Match::Number), "65507"));
        assert!(same_number("65507.0", "65507"));
    }

    #[test]
    fn malformed_files_name_their_line() {
        let broken = QUIZ.replace("answer = \"B\"", "answer = B");
        let e = Quiz::parse(Path::new("q.toml"), &broken).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        let wrong_type = QUIZ.replace("answer = \"B\"", "answer = 2");
        let e = Quiz::parse(Path::new("q.toml"), &wrong_type).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.message.contains("answer = \"b\""), "{e}");
        let no_option = QUIZ.replace("answer = \"B\"", "answer = \"f\"");
        let e = Quiz::parse(Path::new("q.toml"), &no_option).unwrap_err();
        assert!(e.message.contains("no option `f`"), "{e}");
        let typo = QUIZ.replace("answer = \"B\"", "answr = \"b\"");
        let e = Quiz::parse(Path::new("q.toml"), &typo).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
    }

    #[test]
    fn a_key_that_does_not_fit_the_quiz_is_refused() {
        let quiz = Quiz::parse(Path::new("q.toml"), QUIZ).unwrap();
        let bad = KEY.replace("answer = \"b\"", "answer = \"q\"");
        let e = AnswerKey::parse(Path::new("k.toml"), &bad, &quiz).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        let unknown = KEY.replace("id = \"one\"", "id = \"uno\"");
        assert!(AnswerKey::parse(Path::new("k.toml"), &unknown, &quiz).is_err());
    }
}
