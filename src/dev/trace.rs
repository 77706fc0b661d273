//! Every sentence of a stub is a check. Each grader's `//!` doc holds a
//! table that maps every sentence its stub states to the checks that judge
//! it and the mutants that prove those checks:
//!
//! ```text
//! | the stub says | checks | mutants |
//! | --- | --- | --- |
//! | Echo exactly the bytes you read: any bytes, not just text. | `echoes 1 MiB` | `tcp_echo_server__text_lines` |
//! | std::net (as below) or tokio::net: your choice. | — | a freedom: the variants use both |
//! ```
//!
//! A row quotes one or more whole sentences of the stub, names checks as a
//! mutant's `fails:` does (the start of a name, in backticks) and mutants
//! by their bin (in backticks). A sentence that requires nothing (context,
//! a freedom) gets `—` and, in the last column, why. The audit here proves
//! the table true: every sentence of the stub is in a row, every row quotes
//! the stub as it is, every check it names exists, every requirement names
//! a mutant whose `fails:` is that check, a sentence with "must", "only",
//! a bound or a status code is never waved off with `—`, and every check
//! of the grader is some sentence's (the grader judges nothing the stub
//! does not say).
//!
//! Which sentences a stub states: its `//!` header, but for its title, its
//! question (a paragraph that starts `Q<n>.`) and the paragraph that starts
//! `How it is graded` (what netlings does, not what the program must).

use std::path::Path;

use super::programs::Mutant;
use crate::catalog::Catalog;
use crate::graders::Grader;
use crate::workspace::Workspace;

/// The header row that starts a grader's table.
pub const TABLE_HEADER: &str = "| the stub says | checks | mutants |";

/// Topics whose graders have no table yet: the audit passes them by (and
/// `dev check` says so). Add a topic here only while its tables are being
/// written.
pub const NOT_YET_TRACED: &[&str] = &[];

/// Checks that judge netlings' surroundings, not the program (no program
/// can fail them, so no sentence of a stub maps to them).
pub const ENVIRONMENT_CHECKS: &[&str] = &["a RabbitMQ broker is reachable"];

/// Words that make a sentence a requirement: it cannot be waved off.
const REQUIREMENT_WORDS: &[&str] = &[
    "must",
    "do not",
    "don't",
    "only",
    "at most",
    "at least",
    "exactly",
    "within",
    "no more than",
];

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What it quotes of the stub, whitespace normalised: one or more
    /// whole sentences, one after the other.
    pub says: String,
    /// The checks named (starts of names); empty for a `—` row.
    pub checks: Vec<String>,
    /// The mutants' bins.
    pub mutants: Vec<String>,
    /// Why a `—` row requires nothing.
    pub why: Option<String>,
}

/// The sentences a stub states (see the module doc), whitespace normalised.
pub fn stub_sentences(stub: &str) -> Vec<String> {
    let header: Vec<&str> = stub
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            let l = l.trim_start_matches("//!");
            l.strip_prefix(' ').unwrap_or(l)
        })
        .collect();
    let mut sentences = Vec::new();
    for paragraph in header.split(|l| l.trim().is_empty()) {
        let Some(first) = paragraph.first().map(|l| l.trim_start()) else {
            continue;
        };
        if first.starts_with('#') || is_question(first) || first.starts_with("How it is graded") {
            continue;
        }
        for item in items(paragraph) {
            sentences.extend(sentences_of(&item));
        }
    }
    sentences
}

/// `Q2. How would …`: a paragraph that states the card's question.
fn is_question(line: &str) -> bool {
    line.strip_prefix('Q').is_some_and(|rest| {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with('.')
    })
}

/// The list items of a paragraph (`- …`, `* …`, `1. …`), each joined into
/// one line; text outside a list is one item. A fenced code block shows
/// what the sentence before it says: it is left out, and ends that item.
fn items(paragraph: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut fenced = false;
    let mut after_fence = false;
    for line in paragraph {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            after_fence = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if std::mem::take(&mut after_fence) && list_marker(trimmed).is_none() {
            items.push(trimmed.to_string());
            continue;
        }
        match list_marker(trimmed) {
            Some(rest) => items.push(rest.to_string()),
            None => match items.last_mut() {
                Some(last) => {
                    last.push(' ');
                    last.push_str(trimmed);
                }
                None => items.push(trimmed.to_string()),
            },
        }
    }
    items
}

fn list_marker(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(rest);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return line[digits..].strip_prefix(". ");
    }
    None
}

/// Splits text into sentences: at `.`, `?` or `!` before a space, outside
/// backticks, not after an abbreviation (`e.g.`).
pub fn sentences_of(text: &str) -> Vec<String> {
    let text = normalise(text);
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'`' => in_code = !in_code,
            b'.' | b'?' | b'!' if !in_code && bytes.get(i + 1).is_none_or(|&n| n == b' ') => {
                let sentence = text[start..=i].trim();
                if b == b'.' && is_abbreviation(sentence) {
                    continue;
                }
                if !sentence.is_empty() {
                    sentences.push(sentence.to_string());
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        sentences.push(rest.to_string());
    }
    sentences
}

fn is_abbreviation(sentence: &str) -> bool {
    let last = sentence.rsplit(' ').next().unwrap_or(sentence);
    ["e.g.", "i.e.", "(e.g.", "(i.e.", "vs."].contains(&last)
}

fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The table in a grader's source (see the module doc): its rows, or why
/// it cannot be read. `None` when the source has no table.
pub fn table(grader_source: &str) -> Option<Result<Vec<Row>, String>> {
    let doc: Vec<&str> = grader_source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect();
    let at = doc.iter().position(|l| normalise(l) == TABLE_HEADER)?;
    let mut rows = Vec::new();
    for (n, line) in doc[at + 1..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .enumerate()
    {
        let cells = cells(line);
        if cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))) {
            continue;
        }
        let [says, checks, last] = cells.as_slice() else {
            return Some(Err(format!(
                "row {n} of the table has {} cells, not 3: {line}",
                cells.len()
            )));
        };
        let waved = matches!(checks.as_str(), "—" | "-");
        rows.push(Row {
            says: normalise(says),
            checks: if waved { Vec::new() } else { ticked(checks) },
            mutants: if waved { Vec::new() } else { ticked(last) },
            why: waved.then(|| last.clone()),
        });
    }
    Some(Ok(rows))
}

/// The cells of a table line: split at `|` (not `\|`), trimmed.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().expect("a cell").push('|');
                chars.next();
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The names in a cell: its code spans, `` `name` `` or, for a name that
/// holds backticks, ``` `` name `` ``` (as in Markdown).
fn ticked(cell: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = cell;
    while let Some(open) = rest.find('`') {
        let run = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let body = &rest[open + run..];
        let fence = "`".repeat(run);
        let Some(close) = find_fence(body, &fence) else {
            break;
        };
        let name = body[..close].trim();
        if !name.is_empty() {
            names.push(name.to_string());
        }
        rest = &body[close + run..];
    }
    names
}

/// Where a run of exactly `fence` backticks starts in `text`.
fn find_fence(text: &str, fence: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(fence).map(|i| i + from) {
        let after = &text[at + fence.len()..];
        let before_tick = at > 0 && text.as_bytes()[at - 1] == b'`';
        if !after.starts_with('`') && !before_tick {
            return Some(at);
        }
        from = at + fence.len() + after.len() - after.trim_start_matches('`').len();
    }
    None
}

/// The checks of `grader` that `named` names (the start of their names).
fn resolve<'g>(grader: &'g Grader, named: &str) -> Vec<&'g str> {
    grader
        .checks
        .iter()
        .copied()
        .filter(|c| !named.is_empty() && c.starts_with(named))
        .collect()
}

/// The problems of one exercise's table; none when it is whole and true.
pub fn trace(
    exercise: &str,
    stub: &str,
    grader_source: &str,
    grader: &Grader,
    mutants: &[Mutant],
) -> Vec<String> {
    let file = format!("src/graders/{}.rs", grader.name);
    let rows = match table(grader_source) {
        None => {
            return vec![format!(
                "{exercise}: {file} has no table `{TABLE_HEADER}` in its //! doc mapping the stub's \
                 sentences to checks and mutants"
            )];
        }
        Some(Err(e)) => return vec![format!("{exercise}: {file}: {e}")],
        Some(Ok(rows)) => rows,
    };
    let sentences = stub_sentences(stub);
    let mut problems = Vec::new();
    let mut bad = |p: String| problems.push(format!("{exercise}: {p}"));
    let mut covered = vec![false; sentences.len()];
    for row in &rows {
        match quoted_run(&sentences, &row.says) {
            Some(run) => covered[run].iter_mut().for_each(|c| *c = true),
            None => bad(format!(
                "{file} quotes «{}», which is not one or more whole sentences of the stub (was the \
                 stub changed?)",
                row.says
            )),
        }
    }
    for (s, _) in sentences.iter().zip(&covered).filter(|(_, c)| !**c) {
        bad(format!(
            "the stub says «{s}», which no row of the table in {file} maps to a check \
             (a requirement without a check; if it requires nothing, a row with `—` and why)"
        ));
    }
    let mut named_checks: Vec<&str> = Vec::new();
    for row in &rows {
        let quoted = &row.says;
        if let Some(why) = &row.why {
            let lower = quoted.to_lowercase();
            if let Some(word) = requirement_word(&lower) {
                bad(format!(
                    "«{quoted}» states a requirement ({word}), but {file} maps it to no check"
                ));
            }
            if why.is_empty() {
                bad(format!(
                    "«{quoted}» maps to no check in {file}, without saying why"
                ));
            }
            continue;
        }
        if row.checks.is_empty() {
            bad(format!(
                "«{quoted}»: its row in {file} names no check (`name` in backticks, or `—`)"
            ));
        }
        if row.mutants.is_empty() {
            bad(format!(
                "«{quoted}»: its row in {file} names no mutant that proves its check"
            ));
        }
        let mut row_mutants = Vec::new();
        for bin in &row.mutants {
            match mutants.iter().find(|m| &m.bin == bin) {
                None => bad(format!("{file} names mutant `{bin}`, which does not exist")),
                Some(m) if m.of != exercise => bad(format!(
                    "{file} names mutant `{bin}`, which is a mutant of `{}`",
                    m.of
                )),
                Some(m) => row_mutants.push(m),
            }
        }
        for named in &row.checks {
            let checks = resolve(grader, named);
            if checks.is_empty() {
                bad(format!(
                    "{file} names check `{named}`, which is no check of the grader"
                ));
                continue;
            }
            named_checks.extend(&checks);
            let proven = row_mutants.iter().any(|m| {
                m.failing_checks()
                    .iter()
                    .any(|f| resolve(grader, f).iter().any(|c| checks.contains(c)))
            });
            if !proven && row_mutants.len() == row.mutants.len() && !row.mutants.is_empty() {
                bad(format!(
                    "«{quoted}»: none of its mutants in {file} fails `{named}` (their `fails:` \
                     name other checks)"
                ));
            }
        }
    }
    for check in grader.checks {
        if !named_checks.contains(check) && !ENVIRONMENT_CHECKS.contains(check) {
            bad(format!(
                "check `{check}` judges what no sentence of the stub says (no row of the table \
                 in {file} names it)"
            ));
        }
    }
    problems
}

/// Which sentences `quoted` is: a run of consecutive ones, joined by
/// spaces.
fn quoted_run(sentences: &[String], quoted: &str) -> Option<std::ops::Range<usize>> {
    (0..sentences.len()).find_map(|start| {
        let mut joined = String::new();
        for (end, s) in sentences.iter().enumerate().skip(start) {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(s);
            if joined == quoted {
                return Some(start..end + 1);
            }
            if !quoted.starts_with(&joined) {
                return None;
            }
        }
        None
    })
}

fn requirement_word(lower: &str) -> Option<String> {
    // An address or a decimal (`127.0.0.1`, `21.4`) holds no status code.
    let dotted = |t: &&str| {
        t.as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
    };
    let kept: Vec<&str> = lower.split_whitespace().filter(|t| !dotted(t)).collect();
    let kept = kept.join(" ");
    let words: Vec<&str> = kept
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let joined = format!(" {} ", words.join(" "));
    if let Some(w) = REQUIREMENT_WORDS
        .iter()
        .find(|w| joined.contains(&format!(" {w} ")))
    {
        return Some(format!("“{w}”"));
    }
    // A number with a unit after it (`300 ms`) is a quantity, not a status.
    const UNITS: &[&str] = &["ms", "s", "milliseconds", "seconds", "bytes", "kib", "mib"];
    words
        .iter()
        .enumerate()
        .find(|(i, w)| {
            w.len() == 3
                && (b'1'..=b'5').contains(&w.as_bytes()[0])
                && w.parse::<u16>().is_ok()
                && !words.get(i + 1).is_some_and(|unit| UNITS.contains(unit))
        })
        .map(|(_, w)| format!("the status code {w}"))
}

/// Every exercise's table, audited: the problems, and the exercises passed
/// by because their topic is in [`NOT_YET_TRACED`].
pub fn trace_all(
    root: &Path,
    catalog: &Catalog,
    graders: &[Grader],
    mutants: &[Mutant],
) -> (Vec<String>, Vec<String>) {
    let (mut problems, mut untraced) = (Vec::new(), Vec::new());
    for e in catalog.exercises.iter().filter(|e| !e.is_quiz()) {
        if NOT_YET_TRACED.contains(&e.topic.as_str()) {
            untraced.push(e.name.clone());
            continue;
        }
        let Some(grader) = graders.iter().find(|g| g.name == e.grader) else {
            continue; // the audit reports a missing grader
        };
        let read = |rel: &Path| std::fs::read_to_string(root.join(rel));
        let (Ok(stub), Ok(source)) = (
            read(&Workspace::exercise_rel(e)),
            read(&Path::new("src/graders").join(format!("{}.rs", grader.name))),
        ) else {
            continue; // the audit reports a missing stub
        };
        problems.extend(trace(&e.name, &stub, &source, grader, mutants));
    }
    (problems, untraced)
}

#[cfg(test)]
mod tests;
