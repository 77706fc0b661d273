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

const BEGIN: &str = "# BEGIN GENERATED BINS (netlings dev sync-bins; do not edit by hand)";
const END: &str = "# END GENERATED BINS";

pub const EXERCISES_MANIFEST: &str = "exercises/Cargo.toml";
pub const MUTANTS_MANIFEST: &str = "tests/mutants/Cargo.toml";
/// The package whose bins are the known-bad programs graders must reject.
pub const MUTANTS_PACKAGE: &str = "netlings-mutants";

pub async fn run(app: &App, cmd: DevCommand) -> Result<ExitCode> {
    match cmd {
        DevCommand::SyncBins => {
            for (manifest, bins) in [
                (EXERCISES_MANIFEST, exercise_bins(&app.catalog)),
                (MUTANTS_MANIFEST, mutant_bins(&app.ws.root)?),
            ] {
                let path = app.ws.root.join(manifest);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                let new = with_bins(&text, &bins).with_context(|| {
                    format!("{} lacks the generated-bins markers", path.display())
                })?;
                if new != text {
                    std::fs::write(&path, new)
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("updated {manifest}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DevCommand::Check { jobs } => check(app, jobs.unwrap_or_else(default_jobs)).await,
    }
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
    let mut files = Vec::new();
    let dir = root.join("tests/mutants");
    collect_rs(&dir, &mut files);
    files.retain(|f| !f.starts_with(dir.join("src")));
    files.sort();
    let mut out = Vec::new();
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
        let bin = if path.starts_with(dir.join("hostile")) {
            format!("hostile_{stem}")
        } else {
            stem.to_string()
        };
        out.push(Mutant {
            bin,
            of: one("mutant of:")?,
            bug: one("bug:")?,
            fails: one("fails:")?,
            says: field("says:"),
            path,
        });
    }
    Ok(out)
}

fn mutant_bins(root: &Path) -> Result<String> {
    let mut out = String::new();
    for m in mutants(root)? {
        let rel = m
            .path
            .strip_prefix(root.join("tests/mutants"))
            .unwrap_or(&m.path);
        let _ = write!(
            out,
            "[[bin]]\nname = \"{}\"\npath = \"{}\"\n\n",
            m.bin,
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
    for (which, want) in [(Which::Solution, true), (Which::Exercise, false)] {
        let options = Options::new(which, Rng::fresh_seed(), jobs, Show::Quiet);
        for r in grade::build_and_grade(&programs, &app.ws.root, &options).await? {
            let passed = r.status == Status::Pass;
            let label = if which == Which::Solution {
                "solution"
            } else {
                "stub"
            };
            println!(
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
    if problems.is_empty() {
        println!("every solution passes and every stub fails");
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
