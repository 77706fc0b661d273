//! Watch mode: the learner's loop from save to verdict.
//!
//! One task owns the screen and the state; everything else (key presses,
//! file changes, finished grades, build progress) arrives on channels. A
//! grade is a task of its own: a newer save aborts it (its build and
//! programs die with it) and starts a fresh one, and a verdict is shown only
//! if it belongs to the newest grade.
//!
//! This file holds the state and the loop; [`keys`] what each key does,
//! [`draw`] what the screen shows, [`cards`] the quiz, the model answer and
//! the editor opened from here.

mod cards;
mod draw;
mod files;
mod keys;
pub mod list;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::app::{App, default_jobs};
use crate::cargo::Show;
use crate::catalog::Exercise;
use crate::grade::{self, Options, Which};
use crate::harness::Rng;
use crate::report::ExerciseReport;
use crate::screen::Scroll;
use crate::state::State;
use crate::terminal::{self, Input};

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
    /// A model answer.
    Text(cards::TextView),
}

struct CheckAll {
    total: usize,
    reports: Vec<ExerciseReport>,
    scroll: Scroll,
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
    /// Failed checks show what crossed the wire as a list of lines (`t`),
    /// not as a sequence diagram.
    wire_as_list: bool,
    /// Where the exercise view's report is scrolled.
    scroll: Scroll,
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
    /// Ask the current card's quiz, here.
    Quiz,
    /// Open the current exercise in the learner's editor.
    Edit,
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
    let (input_tx, mut inputs) = unbounded_channel();
    let (change_tx, mut changes) = unbounded_channel();

    let guard = terminal::Guard::enter()?;
    terminal::read_input(input_tx);
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
        wire_as_list: false,
        scroll: Scroll::default(),
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
            Some(input) = inputs.recv() => match input {
                // The loop draws again at its top.
                Input::Resize => {}
                Input::Key(key) => match w.key(key) {
                    Next::Continue => {}
                    Next::Quit => break,
                    Next::Quiz => w.quiz(&mut inputs).await,
                    Next::Edit => w.edit(&guard).await,
                },
            },
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

    /// The stub and the other files the learner edits for it: a save of
    /// any of them is graded.
    fn current_paths(&self) -> Vec<PathBuf> {
        crate::workspace::Workspace::learner_files(self.exercise())
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
        self.scroll.anchor_at(None);
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
                self.record(std::slice::from_ref(&report));
                self.grade = Grade::Done(Box::new(report));
            }
            Err(e) => self.grade = Grade::Failed(e),
        }
        self.keep_in_view();
    }

    /// Scrolls the report to what matters now: its first failing check,
    /// or the hint just asked for.
    fn keep_in_view(&mut self) {
        let (_, anchor) = self.exercise_body();
        self.scroll.anchor_at(anchor);
    }

    fn save_state(&mut self) {
        self.state.current = Some(self.current.clone());
        if let Err(e) = self.app.save_state(&self.state) {
            self.note = Some(format!("could not save progress: {e:#}"));
        }
    }

    /// Marks what passed done, and saves the progress if that is news.
    fn record(&mut self, reports: &[ExerciseReport]) {
        if let Err(e) = self.app.record(&mut self.state, reports) {
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

    fn check_all(&mut self) {
        if self.check_all.is_some() {
            return;
        }
        let exercises = self.app.catalog.exercises.clone();
        self.view = View::CheckAll(CheckAll {
            total: exercises.len(),
            reports: Vec::new(),
            scroll: Scroll::default(),
        });
        let root = self.app.ws.root.clone();
        let mut options = Options::new(Which::Exercise, self.seed, default_jobs(), Show::Quiet);
        options.reports = Some(self.to_loop.all.clone());
        self.check_all = Some(tokio::spawn(async move {
            let _ = grade::build_and_grade(&exercises, &root, &options).await;
        }));
    }

    fn checked_one(&mut self, report: ExerciseReport) {
        self.record(std::slice::from_ref(&report));
        if let View::CheckAll(all) = &mut self.view {
            all.reports.push(report);
            if all.reports.len() == all.total {
                self.check_all = None;
            }
        }
    }
}
