//! The command line: one function per subcommand.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use colored::Colorize;

use crate::cargo::Show;
use crate::catalog::{Catalog, Exercise, question_label};
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::{self, ExerciseReport, Status, Summary};
use crate::state::State;
use crate::workspace::{Reset, Workspace};
use crate::{dev, graders};

#[derive(Parser)]
#[command(
    name = "netlings",
    version,
    about = "Network programming exercises in Rust, graded on the wire",
    long_about = "Edit a stub in exercises/, and netlings builds it, starts it, and talks to it \
                  over real sockets to grade what crosses the wire."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Re-grade the current exercise on every save (the default command)
    Watch {
        /// Poll for changes instead of using file-system events
        #[arg(long)]
        poll: bool,
    },
    /// Every exercise with its topic, question and status
    List,
    /// Build and grade one exercise (the current one by default)
    Run {
        /// Exercise name (see `netlings list`)
        name: Option<String>,
        /// Replay a run's random choices
        #[arg(long)]
        seed: Option<u64>,
        /// Grade the reference solution instead of your program
        #[arg(long)]
        solution: bool,
    },
    /// Show the hint of an exercise (the current one by default)
    Hint { name: Option<String> },
    /// Grade many exercises in parallel, headless (for CI)
    Verify {
        /// Exercise names; all of them when none is given
        names: Vec<String>,
        /// Grade the reference solutions (`<name>_sol`) instead of the stubs
        #[arg(long)]
        solutions: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// How many exercises are graded at once (default: the number of CPUs)
        #[arg(long)]
        jobs: Option<usize>,
        /// Replay a run's random choices
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Answer a card's quiz in the terminal (the current card's by default)
    Quiz {
        /// The question: q01 … q15 (or 1 … 15)
        question: Option<String>,
    },
    /// Show a card's model answer, once its quiz and exercises pass
    Answer {
        /// The question: q01 … q15 (or 1 … 15)
        question: String,
        /// Show it even though the card is not done yet
        #[arg(long)]
        force: bool,
    },
    /// Restore an exercise's original stub; your version is kept as a backup
    Reset { name: String },
    /// For exercise authors
    #[command(subcommand)]
    Dev(DevCommand),
}

#[derive(Subcommand)]
pub enum DevCommand {
    /// Regenerate what follows from exercises.toml and tests/mutants/: the
    /// [[bin]] lists and the topic READMEs
    Sync {
        /// Only report what is out of date (exit 2 if anything is)
        #[arg(long)]
        check: bool,
    },
    /// Every stub fails, every solution passes
    Check {
        #[arg(long)]
        jobs: Option<usize>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
}

/// Exit codes: 0 pass, 1 fail, 2 usage or configuration error, 3 nothing
/// failed but some exercises could not be graded here (no broker).
pub const EXIT_FAIL: u8 = 1;
pub const EXIT_CONFIG: u8 = 2;
pub const EXIT_NOT_GRADED: u8 = 3;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !std::io::stdout().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        colored::control::set_override(false);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("netlings: cannot start its runtime: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let result = runtime.block_on(async {
        tokio::spawn(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                crate::watch::restore_terminal();
                crate::harness::process::kill_all();
                crate::harness::cleanup::run_all().await;
                eprintln!("\ninterrupted: every program netlings started has been stopped");
                std::process::exit(130);
            }
        });
        dispatch(cli).await
    });
    crate::harness::process::kill_all();
    // Every program is stopped; leftover tasks (the Ctrl-C listener, stdin
    // readers) need no orderly wind-down: do not wait for the workers.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{} {e:#}", "netlings:".red().bold());
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

/// What every command but `--help` needs: the checkout, its curriculum and
/// the learner's progress.
pub struct App {
    pub ws: Workspace,
    pub catalog: Catalog,
}

impl App {
    pub fn load() -> Result<App> {
        let ws = Workspace::discover()?;
        let path = ws.root.join(Catalog::FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let catalog = Catalog::parse(Path::new(Catalog::FILE), &text)?;
        catalog.check_graders(Path::new(Catalog::FILE), &text, |g| {
            g == crate::catalog::QUIZ_GRADER || graders::lookup(g).is_some()
        })?;
        Ok(App { ws, catalog })
    }

    pub fn state(&self) -> Result<State> {
        let mut state = State::load(&self.ws.root)?;
        state.retain_known(&self.catalog);
        Ok(state)
    }

    pub fn save_state(&self, state: &State) -> Result<()> {
        state.save(&self.ws.root).with_context(|| {
            format!(
                "saving progress to {}",
                State::path(&self.ws.root).display()
            )
        })
    }

    /// The named exercise, or a clear error with the closest names.
    pub fn exercise(&self, name: &str) -> Result<&Exercise> {
        if let Some(e) = self.catalog.exercise(name) {
            return Ok(e);
        }
        let close = self.catalog.suggest(name);
        if close.is_empty() {
            bail!("there is no exercise named `{name}`; `netlings list` shows them all");
        }
        bail!(
            "there is no exercise named `{name}`; did you mean {}?",
            close
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    }

    pub fn current_or(&self, name: Option<&str>) -> Result<&Exercise> {
        match name {
            Some(n) => self.exercise(n),
            None => {
                let state = self.state()?;
                self.exercise(state.current_or_first_pending(&self.catalog))
            }
        }
    }

    /// "Q2. How would you implement …" for each question of an exercise.
    pub fn questions_of(&self, exercise: &Exercise) -> Vec<String> {
        exercise
            .questions
            .iter()
            .filter_map(|q| self.catalog.question(q))
            .map(|q| format!("{}. {}", q.label(), q.text))
            .collect()
    }
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let Some(command) = cli.command else {
        return crate::watch::run(App::load()?, Default::default()).await;
    };
    let app = App::load()?;
    match command {
        Command::Watch { poll } => {
            crate::watch::run(app, crate::watch::WatchOptions { poll }).await
        }
        Command::List => list(&app),
        Command::Run {
            name,
            seed,
            solution,
        } => run(&app, name.as_deref(), seed, solution).await,
        Command::Hint { name } => hint(&app, name.as_deref()),
        Command::Verify {
            names,
            solutions,
            format,
            jobs,
            seed,
        } => verify(&app, &names, solutions, format, jobs, seed).await,
        Command::Reset { name } => reset(&app, &name),
        Command::Quiz { question } => crate::cards::quiz(&app, question.as_deref()).await,
        Command::Answer { question, force } => crate::cards::answer(&app, &question, force),
        Command::Dev(cmd) => dev::run(&app, cmd).await,
    }
}

fn list(app: &App) -> Result<ExitCode> {
    let state = app.state()?;
    let current = state.current_or_first_pending(&app.catalog).to_string();
    let mut topic = "";
    for e in &app.catalog.exercises {
        if e.topic != topic {
            topic = &e.topic;
            let title = app.catalog.topic(topic).map_or("", |t| t.title.as_str());
            crate::outln!("\n{} {}", topic.bold(), title.dimmed());
        }
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
    crate::outln!(
        "\n{}/{} done. The arrow marks the current exercise: `netlings run` grades it.",
        state.done.len(),
        app.catalog.exercises.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

async fn run(app: &App, name: Option<&str>, seed: Option<u64>, solution: bool) -> Result<ExitCode> {
    let exercise = app.current_or(name)?.clone();
    print_header(app, &exercise);
    let color = std::io::stderr().is_terminal();
    let options = Options::new(
        if solution {
            Which::Solution
        } else {
            Which::Exercise
        },
        seed.unwrap_or_else(Rng::fresh_seed),
        1,
        Show::Live { color },
    );
    let report = grade::build_and_grade(std::slice::from_ref(&exercise), &app.ws.root, &options)
        .await?
        .remove(0);
    crate::out!("{}", report::human::exercise(&report));
    if solution {
        return Ok(exit_for(&[report]));
    }
    let mut state = app.state()?;
    if report.status == Status::Pass {
        state.done.insert(exercise.name.clone());
        let next = state
            .next_pending(&app.catalog, &exercise.name)
            .map(str::to_string);
        if name.is_none() {
            state.current = next.clone();
        }
        app.save_state(&state)?;
        match next {
            Some(next) => crate::outln!("\nWell done! Next: `netlings run {next}`"),
            None => crate::outln!("\nWell done! Every exercise passes."),
        }
    } else {
        if name.is_none() {
            state.current = Some(exercise.name.clone());
            app.save_state(&state)?;
        }
        crate::outln!(
            "\nEdit {} and run again; `netlings hint` helps.",
            Workspace::exercise_rel(&exercise).display()
        );
    }
    Ok(exit_for(&[report]))
}

pub fn print_header(app: &App, exercise: &Exercise) {
    crate::outln!(
        "{} {} {}",
        exercise.name.bold(),
        format!("({})", exercise.topic).dimmed(),
        Workspace::exercise_rel(exercise)
            .display()
            .to_string()
            .underline()
    );
    for q in app.questions_of(exercise) {
        crate::outln!("{}", q.cyan());
    }
    crate::outln!();
}

fn hint(app: &App, name: Option<&str>) -> Result<ExitCode> {
    let exercise = app.current_or(name)?;
    print_header(app, exercise);
    crate::outln!("{}", exercise.hint);
    Ok(ExitCode::SUCCESS)
}

async fn verify(
    app: &App,
    names: &[String],
    solutions: bool,
    format: Format,
    jobs: Option<usize>,
    seed: Option<u64>,
) -> Result<ExitCode> {
    let exercises: Vec<Exercise> = if names.is_empty() {
        app.catalog.exercises.clone()
    } else {
        names
            .iter()
            .map(|n| app.exercise(n).cloned())
            .collect::<Result<_>>()?
    };
    let started = Instant::now();
    let options = Options::new(
        if solutions {
            Which::Solution
        } else {
            Which::Exercise
        },
        seed.unwrap_or_else(Rng::fresh_seed),
        jobs.unwrap_or_else(default_jobs),
        Show::Quiet,
    );
    if format == Format::Human {
        eprintln!(
            "building and grading {} exercise{} ({} at a time, seed {})…",
            exercises.len(),
            if exercises.len() == 1 { "" } else { "s" },
            options.jobs,
            options.seed
        );
    }
    let reports = grade::build_and_grade(&exercises, &app.ws.root, &options).await?;
    let summary = Summary::of(&reports, started.elapsed());
    match format {
        Format::Human => {
            for r in reports.iter().filter(|r| r.status != Status::Pass) {
                crate::outln!("{}", format!("── {} ──", r.name).bold());
                crate::out!("{}", report::human::exercise(r));
                crate::outln!();
            }
            crate::out!("{}", report::human::summary(&reports, &summary));
        }
        Format::Json => crate::outln!("{}", report::json::render(&reports, &summary)),
        Format::Junit => crate::out!("{}", report::junit::render(&reports, &summary)),
    }
    if !solutions {
        let mut state = app.state()?;
        let before = state.done.len();
        state.done.extend(
            reports
                .iter()
                .filter(|r| r.status == Status::Pass)
                .map(|r| r.name.clone()),
        );
        if state.done.len() != before {
            app.save_state(&state)?;
        }
    }
    Ok(exit_for(&reports))
}

/// 0 when everything passed; 1 when anything failed; 3 when nothing failed
/// but something could not be graded on this machine, so that CI tells
/// "could not be graded here" from both.
pub fn exit_for(reports: &[ExerciseReport]) -> ExitCode {
    if reports.iter().all(|r| r.status == Status::Pass) {
        ExitCode::SUCCESS
    } else if reports
        .iter()
        .all(|r| matches!(r.status, Status::Pass | Status::Unavailable))
    {
        ExitCode::from(EXIT_NOT_GRADED)
    } else {
        ExitCode::from(EXIT_FAIL)
    }
}

fn reset(app: &App, name: &str) -> Result<ExitCode> {
    let exercise = app.exercise(name)?;
    let path = Workspace::exercise_rel(exercise);
    match app.ws.reset(exercise)? {
        Reset::AlreadyOriginal => crate::outln!("{} is already the original stub.", path.display()),
        Reset::Restored { backup: Some(b) } => crate::outln!(
            "{} is the original stub again. Your version is kept at {}",
            path.display(),
            b.strip_prefix(&app.ws.root).unwrap_or(&b).display()
        ),
        Reset::Restored { backup: None } => {
            crate::outln!("{} was missing; the original stub is back.", path.display())
        }
    }
    let mut state = app.state()?;
    if state.done.remove(&exercise.name) {
        app.save_state(&state)?;
    }
    Ok(ExitCode::SUCCESS)
}
