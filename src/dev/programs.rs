//! The known programs of the mutants package (`tests/mutants/`): mutants,
//! realistic buggy programs each grader must reject with the check their
//! header names, and variants, correct programs written differently from
//! the solution, which it must accept.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::graders::Grader;
use crate::report::{ExerciseReport, Kind, Status};

/// One known-bad program: what it is a mutant of and how it must fail.
#[derive(Debug, Clone)]
pub struct Mutant {
    pub bin: String,
    pub path: PathBuf,
    /// The exercise whose grader must reject it.
    pub of: String,
    /// The bug, in a sentence.
    pub bug: String,
    /// The name (or the start of the name) of the check that must be the
    /// first to fail; alternatives separated by ` | `.
    pub fails: String,
    /// Words the failure message must contain (the reason, not just a name).
    pub says: Vec<String>,
    /// Words it must not contain: advice that does not fit this bug.
    pub says_not: Vec<String>,
}

impl Mutant {
    /// The checks `fails:` names, each the start of a check's name.
    pub fn failing_checks(&self) -> Vec<&str> {
        self.fails.split(" | ").map(str::trim).collect()
    }
}

/// A correct program written differently from the solution (threads for
/// tokio, std for a crate, blocking for async): its grader must pass it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub bin: String,
    pub path: PathBuf,
    /// The exercise whose grader must accept it.
    pub of: String,
    /// How it differs from the solution.
    pub how: String,
}

/// Reads the `.rs` files under `tests/mutants/` (topic folders, and
/// `hostile/` for programs that misbehave whatever the exercise); each starts
/// with `//! mutant of:`, `//! bug:`, `//! fails:` and optional `//! says:`
/// and `//! says not:`.
pub fn mutants(root: &Path) -> Result<Vec<Mutant>> {
    Ok(known_programs(root)?.0)
}

/// The correct programs under `tests/mutants/variants/`, each starting with
/// `//! variant of:` and `//! how:`.
pub fn variants(root: &Path) -> Result<Vec<Variant>> {
    Ok(known_programs(root)?.1)
}

/// Every program of the mutants package: the known-bad and the known-good.
pub fn known_programs(root: &Path) -> Result<(Vec<Mutant>, Vec<Variant>)> {
    let mut files = Vec::new();
    let dir = root.join("tests/mutants");
    collect_rs(&dir, &mut files);
    // The package's own code: its library and its build script (which
    // generates the code of the mutants' protos).
    files.retain(|f| !f.starts_with(dir.join("src")) && *f != dir.join("build.rs"));
    files.sort();
    let (mut mutants, mut variants) = (Vec::new(), Vec::new());
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let field = |key: &str| -> Vec<String> {
            text.lines()
                .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
                .filter_map(|l| l.strip_prefix("//!").map(str::trim))
                .filter_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                .collect()
        };
        let one = |key: &str| -> Result<String> {
            field(key)
                .into_iter()
                .next()
                .with_context(|| format!("{} has no `//! {key}` line", path.display()))
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if path.starts_with(dir.join("variants")) {
            variants.push(Variant {
                bin: format!("variant_{stem}"),
                of: one("variant of:")?,
                how: one("how:")?,
                path,
            });
            continue;
        }
        let bin = if path.starts_with(dir.join("hostile")) {
            format!("hostile_{stem}")
        } else {
            stem.to_string()
        };
        mutants.push(Mutant {
            bin,
            of: one("mutant of:")?,
            bug: one("bug:")?,
            fails: one("fails:")?,
            says: field("says:"),
            says_not: field("says not:"),
            path,
        });
    }
    Ok((mutants, variants))
}

fn collect_rs(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Whether a mutant's grade shows the bug its header names: some check
/// failed, the first to fail is the one `fails:` names, its message says
/// every `says:` word and none of the `says not:` ones, and the checks ran
/// in the grader's order. The problems, when it does not.
pub fn judge_mutant(m: &Mutant, grader: &Grader, report: &ExerciseReport) -> Result<(), String> {
    let Some(failed) = report.checks.iter().find(|c| c.status != Status::Pass) else {
        return Err(format!("{} ({}) PASSED {}'s grader", m.bin, m.bug, m.of));
    };
    let mut problems = Vec::new();
    if let Err(e) = grader.ran_in_order(&report.checks) {
        problems.push(e);
    }
    if !m
        .failing_checks()
        .iter()
        .any(|e| failed.name.starts_with(e))
    {
        problems.push(format!(
            "failed at `{}` instead of `{}`",
            failed.name, m.fails
        ));
    }
    // What crossed the wire is drawn for the learner: a failed check
    // whose transcript holds nothing but its verdict shows nothing.
    if matches!(failed.status, Status::Fail | Status::Timeout)
        && !failed.transcript.iter().any(|l| l.kind != Kind::Verdict)
    {
        problems.push("its failed check recorded nothing of the conversation".to_string());
    }
    let message = failed.full_message();
    for word in &m.says {
        if !message.contains(word.as_str()) {
            problems.push(format!("its verdict does not say `{word}`"));
        }
    }
    for word in &m.says_not {
        if message.contains(word.as_str()) {
            problems.push(format!(
                "its verdict says `{word}`, which does not fit its bug"
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} ({}): {}\n--- its verdict ---\n{}: {}\n{message}",
        m.bin,
        m.bug,
        problems.join("; "),
        failed.status.as_str(),
        failed.name
    ))
}
