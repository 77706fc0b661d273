//! The subcommands that grade and show exercises: `list`, `run`, `hint`,
//! `verify`, `reset`. (`quiz` and `answer` are in [`crate::cards`], `watch`
//! in [`crate::watch`], `dev` in [`crate::dev`].)

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use colored::Colorize;

use crate::app::{App, default_jobs, exit_for};
use crate::cargo::Show;
use crate::catalog::{Exercise, question_label};
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::human::Wire;
use crate::report::{self, Status, Summary};
use crate::watch::list::topic_heading;
use crate::workspace::Workspace;

/// How `verify` shows its reports.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    /// GitHub Classroom's autograding result, base64 on one line
    Classroom,
}

/// How a failed check shows what crossed the wire.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptForm {
    /// A sequence diagram fitted to the terminal
    Diagram,
    /// One line per message, prefixed by who sent it
    List,
}

/// How `run` and `verify` show the conversations of failed checks.
#[derive(Clone, clap::Args)]
pub struct Shown {
    /// How a failed check shows what crossed the wire
    #[arg(long, value_enum, default_value_t = TranscriptForm::Diagram)]
    pub transcript: TranscriptForm,
    /// Also write a self-contained HTML report to FILE: every check, its
    /// conversation as a sequence diagram, and the timing plots
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

impl Shown {
    pub fn wire(&self) -> Wire {
        match self.transcript {
            TranscriptForm::Diagram => Wire::from_env(),
            TranscriptForm::List => Wire::List,
        }
    }

    /// Writes the HTML report, if one was asked for.
    fn write_report(&self, reports: &[report::ExerciseReport], summary: &Summary) -> Result<()> {
        let Some(path) = &self.report else {
            return Ok(());
        };
        std::fs::write(path, report::html::render(reports, summary))
            .with_context(|| format!("writing the HTML report to {}", path.display()))
    }
}

pub fn list(app: &App) -> Result<ExitCode> {
    let state = app.state()?;
    let current = state.current_or_first_pending(&app.catalog).to_string();
    for topic in &app.catalog.topics {
        crate::outln!("\n{}", topic_heading(&app.catalog, &topic.id));
        for e in app.catalog.exercises.iter().filter(|e| e.topic == topic.id) {
            let mark = if e.name == current { "→" } else { " " };
            let status = if state.done.contains(&e.name) {
                "done".green().to_string()
            } else {
                "pending".yellow().to_string()
            };
            let questions: Vec<String> = e.questions.iter().map(|q| question_label(q)).collect();
            crate::outln!(
                "{mark} {:<26} {:<9} {:<8} {}",
                e.name,
                questions.join(","),
                status,
                e.summary.dimmed()
            );
        }
    }
    crate::outln!(
        "\n{}/{} done (passing now). The arrow marks the current exercise: `netlings run` grades it.",
        state.done.len(),
        app.catalog.exercises.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn which(solutions: bool) -> Which {
    if solutions {
        Which::Solution
    } else {
        Which::Exercise
    }
}

pub async fn run(
    app: &App,
    name: Option<&str>,
    seed: Option<u64>,
    solution: bool,
    shown: &Shown,
) -> Result<ExitCode> {
    let exercise = app.current_or(name)?.clone();
    app.print_header(&exercise);
    let color = std::io::stderr().is_terminal();
    let options = Options::new(
        which(solution),
        seed.unwrap_or_else(Rng::fresh_seed),
        1,
        Show::Live { color },
    );
    let started = Instant::now();
    let report = grade::build_and_grade(std::slice::from_ref(&exercise), &app.ws.root, &options)
        .await?
        .remove(0);
    crate::out!("{}", report::human::exercise_as(&report, shown.wire()));
    let reports = std::slice::from_ref(&report);
    shown.write_report(reports, &Summary::of(reports, started.elapsed()))?;
    if solution {
        return Ok(exit_for(&[report]));
    }
    let mut state = app.state()?;
    let passed = report.status == Status::Pass;
    let next = state
        .next_pending(&app.catalog, &exercise.name)
        .map(str::to_string);
    // `netlings run` without a name follows the learner: on to the next
    // exercise after a pass, or staying on this one.
    if name.is_none() {
        state.current = if passed {
            next.clone()
        } else {
            Some(exercise.name.clone())
        };
    }
    // Done marks follow what passes now: a pass marks, a failure unmarks.
    let saved = app.record(&mut state, std::slice::from_ref(&report))?;
    if name.is_none() && !saved {
        app.save_state(&state)?;
    }
    match (passed, next) {
        (true, Some(next)) => crate::outln!("\nWell done! Next: `netlings run {next}`"),
        (true, None) => crate::outln!("\nWell done! Every exercise passes."),
        (false, _) => crate::outln!(
            "\nEdit {} and run again; `netlings hint` helps.",
            Workspace::exercise_rel(&exercise).display()
        ),
    }
    Ok(exit_for(&[report]))
}

pub fn hint(app: &App, name: Option<&str>) -> Result<ExitCode> {
    let exercise = app.current_or(name)?;
    app.print_header(exercise);
    crate::outln!("{}", exercise.hint);
    Ok(ExitCode::SUCCESS)
}

/// What `verify` grades, and how it shows it.
pub struct Verify {
    /// Exercise names; all of them when empty.
    pub names: Vec<String>,
    /// The reference solutions instead of the stubs.
    pub solutions: bool,
    pub format: Format,
    pub jobs: Option<usize>,
    pub seed: Option<u64>,
    /// A student's checkout: its learner files are graded with this
    /// checkout's graders (see [`crate::classroom::learner`]).
    pub learner: Option<PathBuf>,
    /// Also write the JUnit report to this file.
    pub junit: Option<PathBuf>,
    /// How failed checks show what crossed the wire.
    pub shown: Shown,
}

pub async fn verify(app: &App, args: &Verify) -> Result<ExitCode> {
    let exercises: Vec<Exercise> = if args.names.is_empty() {
        app.catalog.exercises.clone()
    } else {
        args.names
            .iter()
            .map(|n| app.exercise(n).cloned())
            .collect::<Result<_>>()?
    };
    let started = Instant::now();
    let options = Options::new(
        which(args.solutions),
        args.seed.unwrap_or_else(Rng::fresh_seed),
        args.jobs.unwrap_or_else(default_jobs),
        Show::Quiet,
    );
    let root = match &args.learner {
        Some(dir) => crate::classroom::learner::stage(&app.ws.root, &app.catalog, dir)?,
        None => app.ws.root.clone(),
    };
    if args.format == Format::Human {
        eprintln!(
            "building and grading {} exercise{}{} ({} at a time, seed {})…",
            exercises.len(),
            if exercises.len() == 1 { "" } else { "s" },
            args.learner
                .as_ref()
                .map(|d| format!(" of {}", d.display()))
                .unwrap_or_default(),
            options.jobs,
            options.seed
        );
    }
    let reports = grade::build_and_grade(&exercises, &root, &options).await?;
    let summary = Summary::of(&reports, started.elapsed());
    if let Some(path) = &args.junit {
        std::fs::write(path, report::junit::render(&reports, &summary))
            .with_context(|| format!("writing the JUnit report to {}", path.display()))?;
    }
    args.shown.write_report(&reports, &summary)?;
    match args.format {
        Format::Human => {
            for r in reports.iter().filter(|r| r.status != Status::Pass) {
                crate::outln!("{}", format!("── {} ──", r.name).bold());
                crate::out!("{}", report::human::exercise_as(r, args.shown.wire()));
                crate::outln!();
            }
            crate::out!("{}", report::human::summary(&reports, &summary));
        }
        Format::Json => crate::outln!("{}", report::json::render(&reports, &summary)),
        Format::Junit => crate::out!("{}", report::junit::render(&reports, &summary)),
        Format::Classroom => crate::outln!("{}", report::classroom::render(&reports, &summary)),
    }
    // A student's grade is not this checkout's progress.
    if !args.solutions && args.learner.is_none() {
        app.record(&mut app.state()?, &reports)?;
    }
    Ok(exit_for(&reports))
}

pub fn reset(app: &App, name: &str) -> Result<ExitCode> {
    let exercise = app.exercise(name)?;
    crate::outln!("{}", app.reset_stub(exercise)?);
    app.unmark(&mut app.state()?, &exercise.name)?;
    Ok(ExitCode::SUCCESS)
}
