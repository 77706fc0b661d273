//! Watch mode: the learner's loop from save to verdict.
//!
//! One task owns the screen and the state; everything else (key presses,
//! file changes, finished grades, build progress) arrives on channels. A
//! grade is a task of its own: a newer save aborts it (its build and
//! programs die with it) and starts a fresh one, and a verdict is shown only
//! if it belongs to the newest grade.

mod files;
mod list;
pub mod terminal;

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use colored::Colorize;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::cargo::Show;
use crate::catalog::Exercise;
use crate::cli::{App, default_jobs};
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::{self, ExerciseReport, Status};
use crate::state::State;
use crate::workspace::{Reset, Workspace};

pub use terminal::restore as restore_terminal;

pub const NO_TTY: &str = "watch mode needs a terminal (stdin and stdout are not one here). \
In scripts and CI, use `netlings verify` (all exercises) or `netlings run NAME` (one).";

/// Saves closer together than this are one save (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(200);

#[derive(Debug, Default, Clone)]
pub struct WatchOptions {
    /// Poll for changes instead of using file-system events.
    pub poll: bool,
}

/// What the screen shows.
enum View {
    Exercise,
    /// Asking whether to reset the current exercise.
    ConfirmReset,
    List(list::List),
    CheckAll(CheckAll),
}

struct CheckAll {
    total: usize,
    reports: Vec<ExerciseReport>,
}

/// Where the current exercise's grade stands.
enum Grade {
    Running { build_line: String },
    Done(Box<ExerciseReport>),
    Failed(String),
}

struct Watch {
    app: App,
    state: State,
    current: String,
    view: View,
    grade: Grade,
    /// Bumped by every grade started; older verdicts are dropped.
    generation: u64,
    task: Option<JoinHandle<()>>,
    check_all: Option<JoinHandle<()>>,
    show_hint: bool,
    /// A line for the learner: what just happened.
    note: Option<String>,
    /// How saves are noticed, for the footer.
    watching: String,
    /// When the last save of the current exercise becomes a grade.
    pending: Option<Instant>,
    seed: u64,
    to_loop: Senders,
}

#[derive(Clone)]
struct Senders {
    graded: UnboundedSender<(u64, Result<ExerciseReport, String>)>,
    build: UnboundedSender<(u64, String)>,
    all: UnboundedSender<ExerciseReport>,
}

enum Next {
    Continue,
    Quit,
}

pub async fn run(app: App, options: WatchOptions) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(NO_TTY);
    }
    let mut state = app.state()?;
    let current = state.current_or_first_pending(&app.catalog).to_string();
    if state.current.as_deref() != Some(current.as_str()) {
        state.current = Some(current.clone());
        app.save_state(&state)?;
    }
    let exercises_dir = app.ws.root.join("exercises");

    let (graded_tx, mut graded) = unbounded_channel();
    let (build_tx, mut build_lines) = unbounded_channel();
    let (all_tx, mut all_reports) = unbounded_channel();
    let (key_tx, mut keys) = unbounded_channel();
    let (change_tx, mut changes) = unbounded_channel();

    let guard = terminal::Guard::enter()?;
    terminal::read_keys(key_tx);
    let (mut source, poll_reason) = files::start(&exercises_dir, options.poll, change_tx.clone());
    let mut w = Watch {
        app,
        state,
        current,
        view: View::Exercise,
        grade: Grade::Failed(String::new()),
        generation: 0,
        task: None,
        check_all: None,
        show_hint: false,
        note: poll_reason.map(|r| format!("polling for changes: {r}")),
        watching: source.describe().to_string(),
        pending: None,
        seed: Rng::fresh_seed(),
        to_loop: Senders {
            graded: graded_tx,
            build: build_tx,
            all: all_tx,
        },
    };
    w.start_grade();

    loop {
        w.render();
        let pending = w.pending;
        tokio::select! {
            Some(key) = keys.recv() => {
                if let Next::Quit = w.key(key) {
                    break;
                }
            }
            Some(change) = changes.recv() => match change {
                files::Change::Saved(path) => {
                    if w.current_paths().contains(&path) {
                        w.pending = Some(Instant::now() + DEBOUNCE);
                    }
                }
                files::Change::WatcherFailed(why) => {
                    source = files::poll(&exercises_dir, change_tx.clone());
                    w.watching = source.describe().to_string();
                    w.note = Some(format!("file events failed ({why}): polling for changes instead"));
                }
            },
            () = sleep_until(pending), if pending.is_some() => {
                w.pending = None;
                w.start_grade();
            }
            Some((generation, result)) = graded.recv() => w.graded(generation, result),
            Some((generation, line)) = build_lines.recv() => {
                if generation == w.generation && let Grade::Running { build_line } = &mut w.grade {
                    *build_line = line;
                }
            }
            Some(report) = all_reports.recv() => w.checked_one(report),
        }
    }
    w.stop_tasks();
    drop(source);
    drop(guard);
    crate::outln!(
        "netlings: {}/{} done. `netlings` picks up where you left off.",
        w.state.done.len(),
        w.app.catalog.exercises.len()
    );
    Ok(ExitCode::SUCCESS)
}

async fn sleep_until(when: Option<Instant>) {
    match when {
        Some(when) => tokio::time::sleep_until(when).await,
        None => std::future::pending().await,
    }
}

impl Watch {
    fn exercise(&self) -> &Exercise {
        self.app
            .catalog
            .exercise(&self.current)
            .expect("the current exercise is in the catalog")
    }

    /// The stub and the other files the learner edits for it.
    fn current_paths(&self) -> Vec<PathBuf> {
        Workspace::learner_files(self.exercise())
            .into_iter()
            .map(|rel| self.app.ws.root.join(rel))
            .collect()
    }

    fn stop_tasks(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Some(task) = self.check_all.take() {
            task.abort();
        }
    }

    /// Grades the current exercise, cancelling a grade still running.
    fn start_grade(&mut self) {
        if let Some(task) = self.task.take() {
            // Dropping the grade kills its cargo build and its programs.
            task.abort();
        }
        self.generation += 1;
        self.grade = Grade::Running {
            build_line: String::new(),
        };
        let generation = self.generation;
        let exercise = self.exercise().clone();
        let root = self.app.ws.root.clone();
        let senders = self.to_loop.clone();
        let (progress_tx, mut progress_rx) = unbounded_channel::<String>();
        let mut options = Options::new(Which::Exercise, self.seed, 1, Show::Quiet);
        options.build_progress = Some(progress_tx);
        self.task = Some(tokio::spawn(async move {
            let forward = senders.build.clone();
            let relay = tokio::spawn(async move {
                while let Some(line) = progress_rx.recv().await {
                    let _ = forward.send((generation, line));
                }
            });
            let result = grade::build_and_grade(std::slice::from_ref(&exercise), &root, &options)
                .await
                .map(|mut reports| reports.remove(0))
                .map_err(|e| format!("{e:#}"));
            relay.abort();
            let _ = senders.graded.send((generation, result));
        }));
    }

    fn graded(&mut self, generation: u64, result: Result<ExerciseReport, String>) {
        if generation != self.generation {
            return; // a verdict on an older save: never shown
        }
        self.task = None;
        match result {
            Ok(report) => {
                if report.status == Status::Pass && self.state.done.insert(report.name.clone()) {
                    self.save_state();
                }
                self.grade = Grade::Done(Box::new(report));
            }
            Err(e) => self.grade = Grade::Failed(e),
        }
    }

    fn save_state(&mut self) {
        self.state.current = Some(self.current.clone());
        if let Err(e) = self.app.save_state(&self.state) {
            self.note = Some(format!("could not save progress: {e:#}"));
        }
    }

    fn go_to(&mut self, name: &str) {
        self.current = name.to_string();
        self.show_hint = false;
        self.pending = None;
        self.save_state();
        self.start_grade();
    }

    fn key(&mut self, key: KeyEvent) -> Next {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Next::Quit;
        }
        match &mut self.view {
            View::List(list) => {
                let action = list.key(key, &self.app.catalog, &self.state);
                match action {
                    list::Action::Stay => {}
                    list::Action::Back => self.view = View::Exercise,
                    list::Action::Quit => return Next::Quit,
                    list::Action::Continue(name) => {
                        self.view = View::Exercise;
                        self.note = None;
                        self.go_to(&name);
                    }
                    list::Action::Reset(name) => {
                        self.reset(&name);
                        if name == self.current {
                            self.start_grade();
                        }
                    }
                }
                return Next::Continue;
            }
            View::CheckAll(_) => {
                if self.check_all.is_none() {
                    self.view = View::Exercise;
                } else if key.code == KeyCode::Char('q') {
                    return Next::Quit;
                }
                return Next::Continue;
            }
            View::ConfirmReset => {
                self.view = View::Exercise;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    let name = self.current.clone();
                    self.reset(&name);
                    self.start_grade();
                } else {
                    self.note = Some("reset cancelled".into());
                }
                return Next::Continue;
            }
            View::Exercise => {}
        }
        self.note = None;
        match key.code {
            KeyCode::Char('q') => return Next::Quit,
            KeyCode::Char('n') => self.next(),
            KeyCode::Char('p') => {
                match self.app.catalog.position(&self.current).filter(|&i| i > 0) {
                    Some(i) => {
                        let name = self.app.catalog.exercises[i - 1].name.clone();
                        self.go_to(&name);
                    }
                    None => self.note = Some("this is the first exercise".into()),
                }
            }
            KeyCode::Char('h') => self.show_hint = !self.show_hint,
            KeyCode::Char('l') => {
                self.view = View::List(list::List::new(&self.app.catalog, &self.current));
            }
            KeyCode::Char('r') => self.start_grade(),
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('x') => self.view = View::ConfirmReset,
            _ => {}
        }
        Next::Continue
    }

    fn next(&mut self) {
        if !self.state.done.contains(&self.current) {
            self.note = Some(format!(
                "{} has not passed yet: make it pass first (or `l` to pick another exercise)",
                self.current
            ));
            return;
        }
        match self
            .state
            .next_pending(&self.app.catalog, &self.current)
            .map(str::to_string)
        {
            Some(next) => self.go_to(&next),
            None => self.note = Some(ALL_DONE.to_string()),
        }
    }

    fn reset(&mut self, name: &str) {
        let Some(exercise) = self.app.catalog.exercise(name).cloned() else {
            return;
        };
        self.note = Some(match self.app.ws.reset(&exercise) {
            Ok(Reset::AlreadyOriginal) => format!("{name} is already the original stub"),
            Ok(Reset::Restored { backups }) if backups.is_empty() => {
                format!("{name} was missing; the stub is back")
            }
            Ok(Reset::Restored { backups }) => format!(
                "{name} is the original stub again; your version is kept at {}",
                backups
                    .iter()
                    .map(|b| b
                        .strip_prefix(&self.app.ws.root)
                        .unwrap_or(b)
                        .display()
                        .to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Err(e) => format!("could not reset {name}: {e:#}"),
        });
        if self.state.done.remove(name) {
            self.save_state();
        }
    }

    fn check_all(&mut self) {
        if self.check_all.is_some() {
            return;
        }
        let exercises = self.app.catalog.exercises.clone();
        self.view = View::CheckAll(CheckAll {
            total: exercises.len(),
            reports: Vec::new(),
        });
        let root = self.app.ws.root.clone();
        let mut options = Options::new(Which::Exercise, self.seed, default_jobs(), Show::Quiet);
        options.reports = Some(self.to_loop.all.clone());
        self.check_all = Some(tokio::spawn(async move {
            let _ = grade::build_and_grade(&exercises, &root, &options).await;
        }));
    }

    fn checked_one(&mut self, report: ExerciseReport) {
        if report.status == Status::Pass && self.state.done.insert(report.name.clone()) {
            self.save_state();
        }
        if let View::CheckAll(all) = &mut self.view {
            all.reports.push(report);
            if all.reports.len() == all.total {
                self.check_all = None;
            }
        }
    }

    fn render(&self) {
        let text = match &self.view {
            View::List(list) => list.render(&self.app.catalog, &self.state, &self.current),
            View::CheckAll(all) => self.render_check_all(all),
            View::Exercise | View::ConfirmReset => self.render_exercise(),
        };
        terminal::draw(&text);
    }

    fn render_exercise(&self) -> String {
        let exercise = self.exercise();
        let catalog = &self.app.catalog;
        let mut out = String::new();
        let position = catalog.position(&exercise.name).map_or(0, |i| i + 1);
        let _ = writeln!(
            out,
            "{} {}  {}",
            "netlings ·".bold(),
            exercise.name.bold(),
            format!(
                "({}, exercise {position} of {})",
                exercise.topic,
                catalog.exercises.len()
            )
            .dimmed()
        );
        for q in self.app.questions_of(exercise) {
            let _ = writeln!(out, "{}", q.cyan());
        }
        let files: Vec<String> = Workspace::learner_files(exercise)
            .iter()
            .map(|rel| {
                terminal::link(&self.app.ws.root.join(rel), &rel.display().to_string())
                    .underline()
                    .to_string()
            })
            .collect();
        let _ = writeln!(out, "edit {}\n", files.join(" and "));

        let mut body = String::new();
        match &self.grade {
            Grade::Running { build_line } => {
                let _ = writeln!(body, "{}", "Checking…".yellow().bold());
                if !build_line.is_empty() {
                    let _ = writeln!(body, "{}", build_line.dimmed());
                }
            }
            Grade::Failed(e) => {
                let _ = writeln!(body, "{} {e}", "netlings could not grade:".red().bold());
            }
            Grade::Done(report) => {
                body.push_str(&report::human::exercise(report));
                if report.status == Status::Pass {
                    if self.state.next_pending(catalog, &self.current).is_none() {
                        let _ = writeln!(body, "\n{}", ALL_DONE.green().bold());
                    } else {
                        let _ = writeln!(
                            body,
                            "\n{}",
                            "Passed! Press n for the next exercise.".green().bold()
                        );
                    }
                }
            }
        }
        if self.show_hint {
            let _ = writeln!(body, "\n{}\n{}", "hint:".bold(), exercise.hint);
        }
        out.push_str(&fit(&body, terminal::rows().map(|r| r.saturating_sub(12))));

        out.push('\n');
        if let View::ConfirmReset = self.view {
            let _ = writeln!(
                out,
                "{}",
                format!(
                    "Reset {} to its original stub? Your version is kept as a backup. (y/n)",
                    exercise.name
                )
                .yellow()
                .bold()
            );
        } else if let Some(note) = &self.note {
            let _ = writeln!(out, "{}", note.yellow());
        }
        let _ = writeln!(
            out,
            "{}",
            progress_bar(self.state.done.len(), catalog.exercises.len())
        );
        let _ = writeln!(
            out,
            "{}",
            format!(
                "n next · p previous · h hint · l list · r re-run · c check all · x reset · q quit   (saves noticed by {})",
                self.watching
            )
            .dimmed()
        );
        out
    }

    fn render_check_all(&self, all: &CheckAll) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {}/{} graded\n",
            "netlings · checking every exercise".bold(),
            all.reports.len(),
            all.total
        );
        for e in &self.app.catalog.exercises {
            match all.reports.iter().find(|r| r.name == e.name) {
                Some(r) => {
                    let failed = r.checks.iter().find(|c| c.status != Status::Pass);
                    let _ = writeln!(
                        out,
                        "{} {:<26} {}",
                        report::human::status_mark(r.status),
                        e.name,
                        failed.map_or(String::new(), |c| c.name.dimmed().to_string())
                    );
                }
                None => {
                    let _ = writeln!(out, "{} {:<26}", "…".dimmed(), e.name);
                }
            }
        }
        let passed = all
            .reports
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count();
        if self.check_all.is_some() {
            let _ = writeln!(out, "\n{}", "grading in parallel… (q quits)".dimmed());
        } else {
            let _ = writeln!(
                out,
                "\n{passed}/{} pass. {}",
                all.total,
                "Press any key to go back.".dimmed()
            );
        }
        out
    }
}

const ALL_DONE: &str =
    "Every exercise passes. Well done! `netlings answer qNN` shows the model answers.";

fn progress_bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    format!(
        "{}{} {done}/{total} done",
        "█".repeat(filled).green(),
        "░".repeat(WIDTH - filled).dimmed()
    )
}

/// At most `rows` lines of `text`, saying how many were left out.
fn fit(text: &str, rows: Option<usize>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match rows {
        Some(rows) if rows > 4 && lines.len() > rows => {
            let mut out = lines[..rows - 1].join("\n");
            let _ = write!(
                out,
                "\n{}\n",
                format!(
                    "… {} more lines (a bigger window, or `netlings run`, shows them all)",
                    lines.len() - rows + 1
                )
                .dimmed()
            );
            out
        }
        _ => format!("{text}\n"),
    }
}
