//! For exercise authors: keeping the bin lists in sync with the curriculum,
//! and proving that graders tell good programs from bad ones.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cargo::Show;
use crate::catalog::{Catalog, Kind};
use crate::cli::{App, DevCommand, default_jobs};
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::Status;
use crate::workspace::Workspace;

const BEGIN: &str = "# BEGIN GENERATED BINS (netlings dev sync; do not edit by hand)";
const END: &str = "# END GENERATED BINS";

pub const EXERCISES_MANIFEST: &str = "exercises/Cargo.toml";
pub const MUTANTS_MANIFEST: &str = "tests/mutants/Cargo.toml";
/// The package whose bins are the known-bad programs graders must reject.
pub const MUTANTS_PACKAGE: &str = "netlings-mutants";

pub async fn run(app: &App, cmd: DevCommand) -> Result<ExitCode> {
    match cmd {
        DevCommand::Sync { check } => {
            let stale = sync(&app.ws.root, &app.catalog, !check)?;
            for file in &stale {
                crate::outln!("{} {file}", if check { "out of date:" } else { "updated" });
            }
            if check && !stale.is_empty() {
                bail!("generated files are out of date: run `cargo run -q -- dev sync`");
            }
            Ok(ExitCode::SUCCESS)
        }
        DevCommand::Check { jobs } => check(app, jobs.unwrap_or_else(default_jobs)).await,
    }
}

/// Every file generated from the curriculum, with its up-to-date content.
pub fn generated(root: &Path, catalog: &Catalog) -> Result<Vec<(PathBuf, String)>> {
    let mut files = Vec::new();
    for (manifest, bins) in [
        (EXERCISES_MANIFEST, exercise_bins(catalog)),
        (MUTANTS_MANIFEST, mutant_bins(root)?),
    ] {
        let path = root.join(manifest);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let new = with_bins(&text, &bins)
            .with_context(|| format!("{} lacks the generated-bins markers", path.display()))?;
        files.push((PathBuf::from(manifest), new));
    }
    for topic in &catalog.topics {
        files.push((
            Path::new("exercises").join(&topic.id).join("README.md"),
            topic_readme(catalog, &topic.id),
        ));
    }
    Ok(files)
}

/// Brings the generated files up to date (or only lists the stale ones).
pub fn sync(root: &Path, catalog: &Catalog, write: bool) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (rel, content) in generated(root, catalog)? {
        let path = root.join(&rel);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            if write {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, &content)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            stale.push(rel.display().to_string());
        }
    }
    Ok(stale)
}

/// A topic's README: its questions, and what each exercise teaches.
pub fn topic_readme(catalog: &Catalog, topic_id: &str) -> String {
    let topic = catalog.topic(topic_id).expect("a known topic");
    let mut out = format!(
        "<!-- generated from exercises.toml by `cargo run -q -- dev sync`; edit that file instead -->\n\
         # {} — {}\n\n",
        topic.id, topic.title
    );
    if !topic.crates.is_empty() {
        let _ = writeln!(out, "In Rust: {}.\n", topic.crates);
    }
    let questions: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| q.topic == topic.id)
        .collect();
    let others: Vec<&str> = catalog
        .exercises
        .iter()
        .filter(|e| e.topic == topic.id)
        .flat_map(|e| e.questions.iter().map(String::as_str))
        .filter(|q| !questions.iter().any(|mine| mine.id == *q))
        .collect();
    let mut shown: Vec<&crate::catalog::Question> = questions.clone();
    for q in others {
        if let Some(q) = catalog.question(q)
            && !shown.iter().any(|s| s.id == q.id)
        {
            shown.push(q);
        }
    }
    if shown.is_empty() {
        let _ = writeln!(out, "## The exercises\n");
        for e in catalog.exercises.iter().filter(|e| e.topic == topic.id) {
            let _ = writeln!(out, "- `{}` — {}", e.name, e.summary);
        }
    }
    for q in shown {
        let _ = writeln!(out, "## {}. {}\n", q.label(), q.text);
        for e in catalog
            .exercises
            .iter()
            .filter(|e| e.topic == topic.id && e.questions.contains(&q.id))
        {
            let _ = writeln!(out, "- `{}` — {}", e.name, e.summary);
        }
        let _ = writeln!(
            out,
            "\nThe model answer: `netlings answer {}`, once these pass.\n",
            q.id
        );
    }
    out.push_str(
        "## How to work\n\n\
         `netlings` (watch mode) grades the current exercise on every save; \
         `netlings run NAME` grades one, `netlings hint NAME` helps, and \
         `netlings quiz qNN` asks a card's quiz in the terminal (or answer in the \
         `quiz_qNN.toml` file here). Each stub says what to build, how it is graded \
         and which environment variables it gets.\n",
    );
    out
}

/// `[[bin]]` entries for every exercise and its solution, in curriculum order.
pub fn exercise_bins(catalog: &Catalog) -> String {
    let mut out = String::new();
    for e in catalog.exercises.iter().filter(|e| e.kind != Kind::Quiz) {
        let rel = Workspace::exercise_rel(e);
        let rel = rel.to_str().expect("UTF-8 paths");
        let _ = write!(
            out,
            "[[bin]]\nname = \"{}\"\npath = \"{}\"\n\n[[bin]]\nname = \"{}_sol\"\npath = \"../solutions/{}\"\n\n",
            e.name,
            rel.trim_start_matches("exercises/"),
            e.name,
            rel.trim_start_matches("exercises/")
        );
    }
    out
}

/// One known-bad program: what it is a mutant of and how it must fail.
#[derive(Debug, Clone)]
pub struct Mutant {
    pub bin: String,
    pub path: PathBuf,
    /// The exercise whose grader must reject it.
    pub of: String,
    /// The bug, in a sentence.
    pub bug: String,
    /// The name of the check that must be the first to fail.
    pub fails: String,
    /// Words the failure message must contain (the reason, not just a name).
    pub says: Vec<String>,
}

/// Reads the `.rs` files under `tests/mutants/` (topic folders, and
/// `hostile/` for programs that misbehave whatever the exercise); each starts
/// with `//! mutant of:`, `//! bug:`, `//! fails:` and optional `//! says:`.
pub fn mutants(root: &Path) -> Result<Vec<Mutant>> {
    Ok(known_programs(root)?.0)
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

/// The correct programs under `tests/mutants/variants/`, each starting with
/// `//! variant of:` and `//! how:`.
pub fn variants(root: &Path) -> Result<Vec<Variant>> {
    Ok(known_programs(root)?.1)
}

/// Every program of the mutants package: the known-bad and the known-good.
fn known_programs(root: &Path) -> Result<(Vec<Mutant>, Vec<Variant>)> {
    let mut files = Vec::new();
    let dir = root.join("tests/mutants");
    collect_rs(&dir, &mut files);
    files.retain(|f| !f.starts_with(dir.join("src")));
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
            path,
        });
    }
    Ok((mutants, variants))
}

fn mutant_bins(root: &Path) -> Result<String> {
    let (mutants, variants) = known_programs(root)?;
    let programs = mutants
        .iter()
        .map(|m| (&m.bin, &m.path))
        .chain(variants.iter().map(|v| (&v.bin, &v.path)));
    let mut out = String::new();
    for (bin, path) in programs {
        let rel = path
            .strip_prefix(root.join("tests/mutants"))
            .unwrap_or(path);
        let _ = write!(
            out,
            "[[bin]]\nname = \"{bin}\"\npath = \"{}\"\n\n",
            rel.display()
        );
    }
    Ok(out)
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

/// The manifest text with the generated block replaced by `bins`.
pub fn with_bins(manifest: &str, bins: &str) -> Option<String> {
    let start = manifest.find(BEGIN)? + BEGIN.len();
    let end = manifest.find(END)?;
    Some(format!(
        "{}\n{}{}",
        &manifest[..start],
        bins,
        &manifest[end..]
    ))
}

/// Every solution passes; every stub fails.
async fn check(app: &App, jobs: usize) -> Result<ExitCode> {
    let programs: Vec<_> = app
        .catalog
        .exercises
        .iter()
        .filter(|e| e.kind != Kind::Quiz)
        .cloned()
        .collect();
    let mut problems = Vec::new();
    let mut not_graded = std::collections::BTreeSet::new();
    for (which, want) in [(Which::Solution, true), (Which::Exercise, false)] {
        let options = Options::new(which, Rng::fresh_seed(), jobs, Show::Quiet);
        for r in grade::build_and_grade(&programs, &app.ws.root, &options).await? {
            let passed = r.status == Status::Pass;
            let label = if which == Which::Solution {
                "solution"
            } else {
                "stub"
            };
            if r.status == Status::Unavailable {
                crate::outln!(
                    "--  {label} {}: could not be graded here (no broker)",
                    r.name
                );
                not_graded.insert(r.name.clone());
                continue;
            }
            crate::outln!(
                "{} {label} {}: {}",
                if passed == want { "ok " } else { "BAD" },
                r.name,
                r.status.as_str()
            );
            if passed != want {
                problems.push(format!(
                    "{label} of {} {}",
                    r.name,
                    if want { "fails" } else { "passes" }
                ));
            }
        }
    }
    if problems.is_empty() && !not_graded.is_empty() {
        crate::outln!(
            "every solution graded here passes and every stub fails; not checked here: {}",
            not_graded.into_iter().collect::<Vec<_>>().join(", ")
        );
        Ok(ExitCode::from(crate::cli::EXIT_NOT_GRADED))
    } else if problems.is_empty() {
        crate::outln!("every solution passes and every stub fails");
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("{}", problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_only_the_generated_block() {
        let m = format!("[package]\n{}\nold\n{}\n", super::BEGIN, super::END);
        let new = super::with_bins(&m, "new\n").unwrap();
        assert_eq!(
            new,
            format!("[package]\n{}\nnew\n{}\n", super::BEGIN, super::END)
        );
    }
}
