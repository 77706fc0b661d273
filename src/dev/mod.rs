//! For exercise authors: `dev sync` writes what follows from the curriculum
//! and the files; `dev check` proves what an author must prove before
//! shipping: the tree is whole (every exercise has its stub, solution,
//! grader, mutants and variants, every mutant names a check its grader has,
//! every exercise a card names exists), every sentence of every stub maps
//! to a check and a mutant (the tables of `trace`), the curriculum and the
//! generated `[[bin]]` lists agree, and the graders tell good programs from
//! bad ones: every solution and quiz key passes, every stub compiles and
//! fails a check of its grader, every mutant fails with the check its
//! header names, every variant passes. All graded in parallel, with a line
//! per exercise.

mod audit;
mod mentions;
mod programs;
mod sync;
mod trace;

use std::process::ExitCode;

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use clap::Subcommand;
use futures_util::StreamExt;

use crate::app::{App, default_jobs};
use crate::cargo::{Show, build_package};
use crate::grade::{self, Options, Which, grade_program};
use crate::harness::{Limits, Rng};
use crate::report::Status;
pub use audit::{Tree, audit};
pub use mentions::{Mention, mentions};
pub use programs::{Mutant, Variant, judge_mutant, known_programs, mutants, variants};
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
    /// Everything an author must prove: the tree is whole, the tables and
    /// generated files agree, every solution passes, every stub fails,
    /// every mutant fails where it should and every variant passes
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

    let stale = sync(root, &app.catalog, false)?;
    if !stale.is_empty() {
        for file in &stale {
            crate::outln!("BAD out of date: {file}");
        }
        bail!("the curriculum and the generated files disagree: run `cargo run -q -- dev sync`");
    }
    crate::outln!("ok  the curriculum, the [[bin]] lists and the grader registry agree");

    let tally = grade_all(app, jobs, &mutants, &variants).await?;
    crate::outln!();
    for line in tally_table(&tally) {
        crate::outln!("{line}");
    }
    let problems: Vec<&String> = tally.values().flat_map(|t| &t.problems).collect();
    let not_graded: Vec<&str> = tally
        .iter()
        .filter(|(_, t)| t.not_graded)
        .map(|(name, _)| name.as_str())
        .collect();
    if !problems.is_empty() {
        crate::outln!();
        for p in &problems {
            crate::outln!("BAD {p}");
        }
        bail!("{} problem(s) with the graders; see above", problems.len());
    }
    if !not_graded.is_empty() {
        crate::outln!(
            "every program graded here is judged right; not checked here (no broker): {}",
            not_graded.join(", ")
        );
        return Ok(ExitCode::from(crate::app::EXIT_NOT_GRADED));
    }
    crate::outln!(
        "every solution and quiz key passes, every stub fails past its gate, every mutant fails where it should and every variant passes"
    );
    Ok(ExitCode::SUCCESS)
}

/// One mutant or variant, judged.
struct Judged {
    of: String,
    is_mutant: bool,
    ok: Option<bool>,
    problem: Option<String>,
}

/// What `dev check` found of one exercise's programs.
#[derive(Default)]
struct Tally {
    solution: Option<bool>,
    stub: Option<bool>,
    mutants: (usize, usize),
    variants: (usize, usize),
    /// Some program of it could not be graded here (no broker).
    not_graded: bool,
    problems: Vec<String>,
}

/// Grades every solution (and quiz key), every stub, every mutant and every
/// variant, `jobs` at a time, and judges each as `dev check` must: the
/// solution passes; the stub compiles and fails; each mutant fails with the
/// check its header names; each variant passes.
async fn grade_all(
    app: &App,
    jobs: usize,
    mutants: &[Mutant],
    variants: &[Variant],
) -> Result<BTreeMap<String, Tally>> {
    let root = &app.ws.root;
    let seed = Rng::fresh_seed();
    let exercises = &app.catalog.exercises;
    let mut tally: BTreeMap<String, Tally> = exercises
        .iter()
        .map(|e| (e.name.clone(), Tally::default()))
        .collect();
    for which in [Which::Solution, Which::Exercise] {
        crate::outln!(
            "..  grading every {} ({} at a time)",
            if which == Which::Solution {
                "solution and quiz key"
            } else {
                "stub and untouched answer file"
            },
            jobs
        );
        let options = Options::new(which, seed, jobs, Show::Quiet);
        for r in grade::build_and_grade(exercises, root, &options).await? {
            let t = tally.entry(r.name.clone()).or_default();
            if r.status == Status::Unavailable {
                t.not_graded = true;
                continue;
            }
            let first_failed = r.checks.iter().find(|c| c.status != Status::Pass);
            let (ok, problem) = match (which, first_failed) {
                (Which::Solution, None) => (true, None),
                (Which::Solution, Some(c)) => (
                    false,
                    Some(format!(
                        "the solution of {} fails `{}`: {}",
                        r.name,
                        c.name,
                        c.headline()
                    )),
                ),
                (Which::Exercise, None) => (false, Some(format!("the stub of {} passes", r.name))),
                (Which::Exercise, Some(c)) if grade::is_gate(&c.name) => (
                    false,
                    Some(format!(
                        "the stub of {} fails its gate `{}` (it must compile and read, and fail a check of its grader): {}",
                        r.name,
                        c.name,
                        c.headline()
                    )),
                ),
                (Which::Exercise, Some(_)) => (true, None),
            };
            match which {
                Which::Solution => t.solution = Some(ok),
                Which::Exercise => t.stub = Some(ok),
            }
            t.problems.extend(problem);
        }
    }

    crate::outln!(
        "..  grading {} mutants and {} variants ({jobs} at a time)",
        mutants.len(),
        variants.len()
    );
    let build = build_package(root, MUTANTS_PACKAGE, &[], Show::Quiet, None).await?;
    if let Some(e) = &build.cargo_error {
        bail!("the mutants package does not build: {e}");
    }
    enum Known<'a> {
        Mutant(&'a Mutant),
        Variant(&'a Variant),
    }
    let programs = mutants
        .iter()
        .map(Known::Mutant)
        .chain(variants.iter().map(Known::Variant));
    // Per program: its exercise, whether it is a mutant, and its verdict
    // (None: not graded here), with the problem when it is wrong.
    let judged: Vec<Judged> = futures_util::stream::iter(programs)
        .map(|p| {
            let build = &build;
            async move {
                let (bin, of, is_mutant) = match p {
                    Known::Mutant(m) => (&m.bin, &m.of, true),
                    Known::Variant(v) => (&v.bin, &v.of, false),
                };
                let judged = |verdict: Option<Result<(), String>>| Judged {
                    of: of.clone(),
                    is_mutant,
                    ok: verdict.as_ref().map(Result::is_ok),
                    problem: verdict.and_then(Result::err),
                };
                let Some(exercise) = app.catalog.exercise(of) else {
                    return judged(Some(Err(format!("{bin}: no exercise `{of}`"))));
                };
                let Some(grader) = crate::graders::lookup(&exercise.grader) else {
                    return judged(Some(Err(format!("{bin}: {of} has no grader"))));
                };
                let Some(exe) = build.bins.get(bin) else {
                    let why = build.errors.get(bin).map_or("not built", String::as_str);
                    return judged(Some(Err(format!("{bin} does not build: {why}"))));
                };
                let report = grade_program(exercise, exe, root, seed, Limits::default()).await;
                if report.status == Status::Unavailable {
                    return judged(None);
                }
                judged(Some(match p {
                    Known::Mutant(m) => judge_mutant(m, grader, &report),
                    Known::Variant(v) if report.status != Status::Pass => Err(format!(
                        "{bin} ({}) is correct but FAILED:\n{}",
                        v.how,
                        crate::report::human::exercise(&report)
                    )),
                    Known::Variant(v) => grader
                        .ran_all(&report.checks)
                        .map_err(|e| format!("{bin} ({}): {e}", v.how)),
                }))
            }
        })
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    for j in judged {
        let t = tally.entry(j.of).or_default();
        let count = if j.is_mutant {
            &mut t.mutants
        } else {
            &mut t.variants
        };
        match j.ok {
            None => t.not_graded = true,
            Some(ok) => {
                count.0 += usize::from(ok);
                count.1 += 1;
            }
        }
        t.problems.extend(j.problem);
    }
    Ok(tally)
}

/// One line per exercise: its solution, its stub, its mutants and variants
/// judged right of those graded.
fn tally_table(tally: &BTreeMap<String, Tally>) -> Vec<String> {
    let width = tally.keys().map(String::len).max().unwrap_or(8).max(8);
    let mark = |v: Option<bool>| match v {
        Some(true) => "ok",
        Some(false) => "BAD",
        None => "--",
    };
    let count = |(ok, of): (usize, usize)| {
        if of == 0 {
            "-".to_string()
        } else {
            format!("{ok}/{of}")
        }
    };
    let mut lines = vec![format!(
        "{:width$}  {:8}  {:4}  {:7}  {:8}",
        "exercise", "solution", "stub", "mutants", "variants"
    )];
    for (name, t) in tally {
        lines.push(format!(
            "{name:width$}  {:8}  {:4}  {:7}  {:8}{}",
            mark(t.solution),
            mark(t.stub),
            count(t.mutants),
            count(t.variants),
            if t.not_graded {
                "  (not all graded here: no broker)"
            } else {
                ""
            }
        ));
    }
    lines
}
