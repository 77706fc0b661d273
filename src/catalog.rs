//! `exercises.toml` -> a typed, validated catalog.
//!
//! The curriculum is data: topics, the interview questions (the seed's
//! fourteen and netlings' own), and the exercises in learning order.
//! Nothing else in netlings lists exercises by hand. Every mistake in the file is reported with its line and column.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

mod checks;

/// What a learner's program is, seen from the grader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExerciseKind {
    /// Listens on `NETLINGS_ADDR`; reference clients connect to it.
    Server,
    /// Talks to a reference server at `NETLINGS_ADDR` and prints what it learnt.
    Client,
    /// Consumes work from a reference peer (queues, pipelines).
    Worker,
    /// Runs, prints, exits; no network peer.
    Program,
    /// A quiz: an answer file, not a program.
    Quiz,
}

/// The grader of every quiz: answers against the expected ones.
pub const QUIZ_GRADER: &str = "quiz";

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub crates: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub text: String,
}

impl Question {
    /// "Q1" for `q01`: how the cards are numbered for people.
    pub fn label(&self) -> String {
        question_label(&self.id)
    }
}

/// "Q1" for "q01", "Q14" for "q14".
pub fn question_label(id: &str) -> String {
    format!("Q{}", id.trim_start_matches('q').trim_start_matches('0'))
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub topic: String,
    pub questions: Vec<String>,
    pub kind: ExerciseKind,
    pub hint: String,
    /// What the exercise teaches, one sentence (topic READMEs, `list`).
    pub summary: String,
    pub grader: String,
    /// Other files next to the stub that the learner edits (grpc_codegen's
    /// `notes.proto`): `reset` restores them with the stub, and watch mode
    /// grades again when one is saved.
    pub files: Vec<String>,
    /// What the whole exercise is worth, spread over its checks (a quiz's:
    /// over its items); by default one point per check.
    pub points: Option<u32>,
    /// How many of its grader's first checks the stub passes as shipped
    /// (it listens already; a bug stub connects): they earn nothing, so an
    /// untouched stub scores zero. `tests/exercises.rs` proves the count.
    pub given: usize,
}

impl Exercise {
    /// A quiz: an answer file, graded against the expected answers; every
    /// other exercise is a program, built and graded on the wire.
    pub fn is_quiz(&self) -> bool {
        self.kind == ExerciseKind::Quiz
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub topics: Vec<Topic>,
    pub questions: Vec<Question>,
    pub exercises: Vec<Exercise>,
}

/// A mistake in `exercises.toml`, located by line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for CatalogError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default, rename = "topic")]
    topics: Vec<RawTopic>,
    #[serde(default, rename = "question")]
    questions: Vec<RawQuestion>,
    #[serde(default, rename = "exercise")]
    exercises: Vec<RawExercise>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    crates: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    topic: Spanned<String>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    name: Spanned<String>,
    topic: Spanned<String>,
    questions: Spanned<Vec<String>>,
    kind: ExerciseKind,
    hint: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    grader: Option<Spanned<String>>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    #[serde(default)]
    points: Option<Spanned<u32>>,
    #[serde(default)]
    given: usize,
}

/// Position of a byte offset as (line, column), both 1-based.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The bytes of a file someone edits, as text; where they stop being
/// UTF-8 is an error with its line: `Err((line, message))`.
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, (usize, String)> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = line_col(&before, before.len());
        (
            line,
            format!(
                "not UTF-8 text: byte 0x{:02x} at column {column} (save the file as UTF-8)",
                bytes[valid]
            ),
        )
    })
}

/// Reads a file someone edits as UTF-8 text; an error names `shown_as`
/// and, when the bytes are not UTF-8, the line where they stop being so.
pub fn read_text(path: &Path, shown_as: &Path) -> Result<String, CatalogError> {
    let bytes = std::fs::read(path).map_err(|e| CatalogError {
        path: shown_as.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read it: {e}"),
    })?;
    utf8_text(bytes).map_err(|(line, message)| CatalogError {
        path: shown_as.to_path_buf(),
        line,
        column: 1,
        message,
    })
}

impl Catalog {
    pub const FILE: &'static str = "exercises.toml";

    pub fn load(root: &Path) -> Result<Catalog, CatalogError> {
        let path = root.join(Self::FILE);
        let text = read_text(&path, &path)?;
        Self::parse(&path, &text)
    }

    /// Parses and validates. `path` is only used in error messages.
    pub fn parse(path: &Path, text: &str) -> Result<Catalog, CatalogError> {
        let at = |span: Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            CatalogError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawCatalog = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            at(span, e.message().trim().to_string())
        })?;

        let mut topics = Vec::new();
        let mut topic_ids = HashSet::new();
        for t in raw.topics {
            if !topic_ids.insert(t.id.get_ref().clone()) {
                return Err(at(
                    t.id.span(),
                    format!("topic `{}` is defined twice", t.id.get_ref()),
                ));
            }
            topics.push(Topic {
                id: t.id.into_inner(),
                title: t.title,
                crates: t.crates,
            });
        }
        let known_topics = || {
            topics
                .iter()
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };

        let mut questions = Vec::new();
        let mut question_ids = HashSet::new();
        for q in raw.questions {
            if !valid_question_id(q.id.get_ref()) {
                return Err(at(
                    q.id.span(),
                    format!("question id `{}` must look like q01 … q99", q.id.get_ref()),
                ));
            }
            if !question_ids.insert(q.id.get_ref().clone()) {
                return Err(at(
                    q.id.span(),
                    format!("question `{}` is defined twice", q.id.get_ref()),
                ));
            }
            if !topic_ids.contains(q.topic.get_ref()) {
                return Err(at(
                    q.topic.span(),
                    format!(
                        "unknown topic `{}` (known: {})",
                        q.topic.get_ref(),
                        known_topics()
                    ),
                ));
            }
            questions.push(Question {
                id: q.id.into_inner(),
                topic: q.topic.into_inner(),
                text: q.text.trim().to_string(),
            });
        }

        let mut exercises = Vec::new();
        let mut names = HashSet::new();
        for e in raw.exercises {
            let name = e.name.get_ref();
            if !valid_name(name) {
                return Err(at(
                    e.name.span(),
                    format!("exercise name `{name}` must be lower_snake_case (a-z, 0-9, _)"),
                ));
            }
            if name.ends_with("_sol") {
                return Err(at(
                    e.name.span(),
                    format!(
                        "exercise name `{name}` may not end in `_sol` (that suffix names solutions)"
                    ),
                ));
            }
            if !names.insert(name.clone()) {
                return Err(at(
                    e.name.span(),
                    format!("exercise `{name}` is defined twice"),
                ));
            }
            if !topic_ids.contains(e.topic.get_ref()) {
                return Err(at(
                    e.topic.span(),
                    format!(
                        "unknown topic `{}` (known: {})",
                        e.topic.get_ref(),
                        known_topics()
                    ),
                ));
            }
            for q in e.questions.get_ref() {
                if !question_ids.contains(q) {
                    return Err(at(
                        e.questions.span(),
                        format!(
                            "exercise `{name}` names question `{q}`, which is not defined above it"
                        ),
                    ));
                }
            }
            if e.hint.trim().is_empty() {
                return Err(at(
                    e.name.span(),
                    format!("exercise `{name}` has an empty hint"),
                ));
            }
            for file in &e.files {
                let f = file.get_ref();
                if f.is_empty() || f.contains(['/', '\\']) || f.starts_with('.') {
                    return Err(at(
                        file.span(),
                        format!(
                            "exercise `{name}` lists the file `{f}`: name a file next to its stub, without a folder"
                        ),
                    ));
                }
            }
            if let Some(p) = &e.points
                && *p.get_ref() == 0
            {
                return Err(at(
                    p.span(),
                    format!(
                        "exercise `{name}` is worth `points = 0`: give it at least 1, or leave `points` out (one point per check)"
                    ),
                ));
            }
            let grader = match (e.grader, e.kind) {
                (Some(g), _) => g.into_inner(),
                (None, ExerciseKind::Quiz) => QUIZ_GRADER.to_string(),
                (None, _) => name.clone(),
            };
            exercises.push(Exercise {
                name: e.name.into_inner(),
                topic: e.topic.into_inner(),
                questions: e.questions.into_inner(),
                kind: e.kind,
                hint: e.hint.trim().to_string(),
                summary: e.summary.trim().to_string(),
                grader,
                files: e.files.into_iter().map(Spanned::into_inner).collect(),
                points: e.points.map(Spanned::into_inner),
                given: e.given,
            });
        }
        if exercises.is_empty() {
            return Err(at(
                0..0,
                "no [[exercise]] entries: the curriculum is empty".into(),
            ));
        }
        Ok(Catalog {
            topics,
            questions,
            exercises,
        })
    }

    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// Where a topic stands in the curriculum (topics are listed in this
    /// order, each with its exercises).
    pub fn topic_index(&self, id: &str) -> usize {
        self.topics
            .iter()
            .position(|t| t.id == id)
            .unwrap_or(self.topics.len())
    }

    /// Whether a topic has hands-on exercises yet, not only quizzes.
    pub fn has_programs(&self, topic: &str) -> bool {
        self.exercises
            .iter()
            .any(|e| e.topic == topic && !e.is_quiz())
    }

    /// Exercise indices grouped by topic, in the topics' order, each
    /// topic's exercises in learning order: how lists show them.
    pub fn by_topic(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.exercises.len()).collect();
        order.sort_by_key(|&i| (self.topic_index(&self.exercises[i].topic), i));
        order
    }

    /// Closest exercise names to a mistyped one, for "did you mean".
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        let mut scored: Vec<(usize, &str)> = self
            .exercises
            .iter()
            .map(|e| (edit_distance(name, &e.name), e.name.as_str()))
            .filter(|(d, n)| *d <= 3 || n.contains(name))
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn valid_question_id(id: &str) -> bool {
    id.len() == 3 && id.starts_with('q') && id[1..].chars().all(|c| c.is_ascii_digit())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const GOOD: &str = r#"
[[topic]]
id = "01_sockets"
title = "Sockets"

[[question]]
id = "q01"
topic = "01_sockets"
text = "TCP or UDP?"

[[exercise]]
name = "tcp_echo_server"
topic = "01_sockets"
questions = ["q01"]
kind = "server"
hint = "loop"
"#;

    pub(super) fn parse(text: &str) -> Result<Catalog, CatalogError> {
        Catalog::parse(Path::new("exercises.toml"), text)
    }

    #[test]
    fn parses_a_good_catalog() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.exercises[0].grader, "tcp_echo_server");
        assert_eq!(c.exercises[0].kind, ExerciseKind::Server);
    }

    #[test]
    fn syntax_error_has_its_line() {
        let bad = GOOD.replace("kind = \"server\"", "kind = server");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 15, "{e}");
    }

    #[test]
    fn unknown_topic_has_its_line() {
        let bad = GOOD.replace(
            "topic = \"01_sockets\"\nquestions",
            "topic = \"01_socket\"\nquestions",
        );
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 13, "{e}");
        assert!(e.message.contains("unknown topic `01_socket`"), "{e}");
    }

    #[test]
    fn unknown_kind_and_field_are_reported() {
        let bad = GOOD.replace("kind = \"server\"", "kind = \"daemon\"");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 15, "{e}");
        let bad = GOOD.replace("hint = \"loop\"", "hint = \"loop\"\nhnit = \"x\"");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 17, "{e}");
        assert!(e.message.contains("hnit"), "{e}");
    }

    #[test]
    fn duplicate_and_bad_names() {
        let dup = format!("{GOOD}{}", &GOOD[GOOD.find("[[exercise]]").unwrap()..]);
        let e = parse(&dup).unwrap_err();
        assert!(e.message.contains("defined twice"), "{e}");
        assert_eq!(e.line, 18, "{e}");
        let bad = GOOD.replace("name = \"tcp_echo_server\"", "name = \"Tcp-Echo\"");
        assert!(
            parse(&bad)
                .unwrap_err()
                .message
                .contains("lower_snake_case")
        );
    }

    #[test]
    fn unknown_question_is_reported() {
        let bad = GOOD.replace("questions = [\"q01\"]", "questions = [\"q02\"]");
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.line, 14);
        assert!(e.message.contains("q02"));
    }

    #[test]
    fn suggestions() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.suggest("tcp_echo_sever"), vec!["tcp_echo_server"]);
    }
}
