//! For exercise authors: `dev sync` writes what follows from the curriculum
//! and the files; `dev check` proves the tree is whole (every exercise has
//! its stub, solution, grader, mutants and variants, and every mutant names
//! a check its grader has), that every sentence of every stub maps to a
//! check and a mutant (the tables of `trace`), and that graders tell good
//! programs from bad ones (every solution passes, every stub fails). It also
//! shows which exercises each card names, and fails when a card names none
//! that exists.

mod audit;
mod mentions;
mod programs;
mod sync;
mod trace;

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;

use crate::app::{App, default_jobs};
use crate::cargo::Show;
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::Status;
pub use audit::{Tree, audit};
pub use mentions::{Mention, mentions};
pub use programs::{Mutant, Variant, known_programs, mutants, variants};
pub use sync::{
    EXERCISES_MANIFEST, MUTANTS_MANIFEST, exercise_bins, exercise_crates, generated, grader_files,
    sync, topic_readme,
};
pub use trace::{NOT_YET_TRACED, TABLE_HEADER, stub_sentences, trace, trace_all};

/// The package whose bins are the known-bad programs graders must reject.
pub const MUTANTS_PACKAGE: &str = "netlings-mutants";

#[derive(Subcommand)]
pub enum DevCommand {
    /// Regenerate what follows from exercises.toml, src/graders/ and
    /// tests/mutants/: the [[bin]] lists, the exercise crates, the grader
    /// registry and the topic READMEs
    Sync {
        /// Only report what is out of date (exit 2 if anything is)
        #[arg(long)]
        check: bool,
    },
    /// The tree is whole, every stub fails and every solution passes
    Check {
        #[arg(long)]
        jobs: Option<usize>,
    },
}

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

/// The tree is whole; then every solution passes and every stub fails.
async fn check(app: &App, jobs: usize) -> Result<ExitCode> {
    let root = &app.ws.root;
    let (mutants, variants) = known_programs(root)?;
    let missing = audit(&Tree {
        catalog: &app.catalog,
        mutants: &mutants,
        variants: &variants,
        graders: crate::graders::ALL,
        exists: &|rel| root.join(rel).is_file(),
    });
    let named = mentions(&app.catalog, &|rel| {
        std::fs::read_to_string(root.join(rel)).ok()
    });
    for line in mentions::summary(&named) {
        crate::outln!("    {line}");
    }
    let missing: Vec<String> = missing
        .into_iter()
        .chain(named.iter().filter(|m| !m.exists).map(|m| {
            format!(
                "{}:{}: card {} names `{}`, which is no exercise in exercises.toml",
                m.file.display(),
                m.line,
                m.card,
                m.name
            )
        }))
        .collect();
    for problem in &missing {
        crate::outln!("BAD {problem}");
    }
    if !missing.is_empty() {
        bail!("{} problem(s) in the tree; see above", missing.len());
    }
    crate::outln!(
        "ok  every exercise has its files, mutants and variants, and every exercise a card names exists"
    );
    let (untrue, untraced) = trace_all(root, &app.catalog, crate::graders::ALL, &mutants);
    for problem in &untrue {
        crate::outln!("BAD {problem}");
    }
    if !untrue.is_empty() {
        bail!(
            "{} problem(s) in the tables that map stubs to checks; see above",
            untrue.len()
        );
    }
    crate::outln!("ok  every sentence of every stub maps to a check and a mutant");
    if !untraced.is_empty() {
        crate::outln!(
            "--  no table yet (topics in NOT_YET_TRACED): {}",
            untraced.join(", ")
        );
    }

    let programs: Vec<_> = app
        .catalog
        .exercises
        .iter()
        .filter(|e| !e.is_quiz())
        .cloned()
        .collect();
    let mut problems = Vec::new();
    let mut not_graded = std::collections::BTreeSet::new();
    for (which, want) in [(Which::Solution, true), (Which::Exercise, false)] {
        let options = Options::new(which, Rng::fresh_seed(), jobs, Show::Quiet);
        for r in grade::build_and_grade(&programs, root, &options).await? {
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
        Ok(ExitCode::from(crate::app::EXIT_NOT_GRADED))
    } else if problems.is_empty() {
        crate::outln!("every solution passes and every stub fails");
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("{}", problems.join("; "))
    }
}
