//! One invocation of netlings: the checkout, its curriculum and the
//! learner's progress - what every subcommand works on - and the exit codes
//! they end with.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use colored::Colorize;

use crate::catalog::{Catalog, Exercise, QUIZ_GRADER};
use crate::graders;
use crate::report::{ExerciseReport, Status};
use crate::state::State;
use crate::workspace::{Reset, Workspace};

/// Exit codes: 0 pass, 1 fail, 2 usage or configuration error, 3 nothing
/// failed but some exercises could not be graded here (no broker).
pub const EXIT_FAIL: u8 = 1;
pub const EXIT_CONFIG: u8 = 2;
pub const EXIT_NOT_GRADED: u8 = 3;

/// Held while the progress is written: a signal waits for the write to
/// end before netlings exits ([`end_on_signals`]), so no half-done save is
/// left behind (not even its temporary file).
static SAVING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// What every command but `--help` needs: the checkout and its curriculum
/// (the learner's progress is read when a command needs it).
pub struct App {
    pub ws: Workspace,
    pub catalog: Catalog,
}

impl App {
    /// The checkout and its curriculum, every exercise's grader known.
    pub fn load() -> Result<App> {
        App::load_with(true)
    }

    /// The checkout and its curriculum without asking whether netlings has
    /// every grader it names: for `dev sync`, which registers new ones.
    pub fn load_unchecked() -> Result<App> {
        App::load_with(false)
    }

    fn load_with(check_graders: bool) -> Result<App> {
        let ws = Workspace::discover()?;
        let path = ws.root.join(Catalog::FILE);
        let text = crate::catalog::read_text(&path, Path::new(Catalog::FILE))?;
        let catalog = Catalog::parse(Path::new(Catalog::FILE), &text)?;
        catalog.check_folders(Path::new(Catalog::FILE), &text, |rel| {
            ws.root.join(rel).exists()
        })?;
        if check_graders {
            catalog.check_graders(Path::new(Catalog::FILE), &text, |g| {
                g == QUIZ_GRADER || graders::lookup(g).is_some()
            })?;
        }
        Ok(App { ws, catalog })
    }

    pub fn state(&self) -> Result<State> {
        let mut state = State::load(&self.ws.root)?;
        state.retain_known(&self.catalog);
        Ok(state)
    }

    pub fn save_state(&self, state: &State) -> Result<()> {
        let _saving = SAVING.lock().unwrap_or_else(|p| p.into_inner());
        state.save(&self.ws.root).with_context(|| {
            format!(
                "saving progress to {}",
                State::path(&self.ws.root).display()
            )
        })
    }

    /// Marks exercises done and saves the progress, if that is news.
    /// Returns whether it was.
    pub fn mark_done<'n>(
        &self,
        state: &mut State,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<bool> {
        let before = state.done.len();
        state.done.extend(names.into_iter().map(str::to_string));
        let news = state.done.len() != before;
        if news {
            self.save_state(state)?;
        }
        Ok(news)
    }

    /// Keeps the done marks to what passes now: marks every exercise that
    /// passed, unmarks every one that failed (one that could not be graded
    /// here keeps its mark), and saves if that is news. `n`, `list` and the
    /// list view all read these marks, so they agree.
    pub fn record(&self, state: &mut State, reports: &[ExerciseReport]) -> Result<bool> {
        let before = state.done.clone();
        for r in reports {
            match r.status {
                Status::Pass => {
                    state.done.insert(r.name.clone());
                }
                Status::Unavailable | Status::Skipped => {}
                Status::Fail | Status::Error | Status::Timeout => {
                    state.done.remove(&r.name);
                }
            }
        }
        let news = state.done != before;
        if news {
            self.save_state(state)?;
        }
        Ok(news)
    }

    /// Puts an exercise's original stub back, with the other files the
    /// learner edits for it (grpc_codegen's notes.proto); the learner's
    /// versions are kept as backups. Says what happened.
    pub fn reset_stub(&self, exercise: &Exercise) -> Result<String> {
        let path = Workspace::exercise_rel(exercise);
        let also: String = exercise
            .files
            .iter()
            .map(|f| format!(" (with {f})"))
            .collect();
        Ok(match self.ws.reset(exercise)? {
            Reset::AlreadyOriginal => {
                format!("{}{also} is already the original stub.", path.display())
            }
            Reset::Restored { backups } if backups.is_empty() => {
                format!(
                    "{}{also} was missing; the original stub is back.",
                    path.display()
                )
            }
            Reset::Restored { backups } => format!(
                "{}{also} is the original stub again; your version is kept at {}",
                path.display(),
                backups
                    .iter()
                    .map(|b| b
                        .strip_prefix(&self.ws.root)
                        .unwrap_or(b)
                        .display()
                        .to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        })
    }

    /// Takes an exercise's done mark away (it was reset), and saves the
    /// progress if it had one.
    pub fn unmark(&self, state: &mut State, name: &str) -> Result<()> {
        if state.done.remove(name) {
            self.save_state(state)?;
        }
        Ok(())
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

    /// The exercise's name, topic, file and questions, as a heading.
    pub fn print_header(&self, exercise: &Exercise) {
        crate::outln!(
            "{} {} {}",
            exercise.name.bold(),
            format!("({})", exercise.topic).dimmed(),
            Workspace::exercise_rel(exercise)
                .display()
                .to_string()
                .underline()
        );
        for q in self.questions_of(exercise) {
            crate::outln!("{}", q.cyan());
        }
        crate::outln!();
    }
}

/// How many exercises are graded at once by default: one per core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
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

/// TERM (a cancelled CI job), HUP (a closed terminal or editor) and INT
/// (Ctrl-C, or `kill -INT`) end netlings the same way: no new program
/// starts, every program, cargo build and rustc of every grade in flight
/// gets TERM then KILL, the names grades made on a broker are deleted, the
/// terminal is restored, a save of the progress in progress ends first;
/// then netlings exits with 128 + the signal's number (130, 143, 129). A
/// second signal exits at once, after a KILL of everything.
pub async fn end_on_signals() {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::interrupt(), "SIGINT"),
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::hangup(), "SIGHUP"),
    ];
    let mut streams = Vec::new();
    for (kind, name) in kinds {
        match signal(kind) {
            Ok(stream) => streams.push((stream, kind.as_raw_value(), name)),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "netlings: cannot handle {name}: {e}");
            }
        }
    }
    let mut first = true;
    loop {
        let waits = streams.iter_mut().map(|(stream, number, name)| {
            Box::pin(async move {
                stream.recv().await;
                (*number, *name)
            })
        });
        let ((number, name), _, _) = futures_util::future::select_all(waits).await;
        let code = 128 + number;
        if !first {
            crate::harness::groups::kill_all();
            std::process::exit(code);
        }
        first = false;
        tokio::spawn(async move {
            crate::harness::groups::stop_starting();
            crate::terminal::restore();
            crate::harness::groups::terminate_all().await;
            crate::harness::cleanup::run_all().await;
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(3),
                crate::harness::cleanup::settle(),
            )
            .await;
            let _saving = SAVING.lock().unwrap_or_else(|p| p.into_inner());
            crate::harness::groups::kill_all();
            // Not eprintln!: after a hang-up stderr may be gone.
            let _ = writeln!(
                std::io::stderr(),
                "\nnetlings: stopped by {name}: every program it started has been stopped"
            );
            std::process::exit(code);
        });
    }
}
