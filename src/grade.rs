//! Build, then grade: one exercise or many in parallel.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::{self, Build, Show};
use crate::catalog::{Exercise, ExerciseKind};
use crate::graders;
use crate::harness::{
    self, COMPILES, FINISHES_IN_TIME, Failure, Grading, HAS_A_GRADER, Limits, RUNNER_CHECKS,
};
use crate::quiz::{AnswerKey, Quiz, Verdict};
use crate::report::{Check, ExerciseReport, Points, Status};
use crate::workspace::Workspace;

/// Which program of an exercise is graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The learner's stub (bin `<name>`).
    Exercise,
    /// The reference solution (bin `<name>_sol`).
    Solution,
}

pub fn bin_name(exercise: &Exercise, which: Which) -> String {
    match which {
        Which::Exercise => exercise.name.clone(),
        Which::Solution => format!("{}_sol", exercise.name),
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub which: Which,
    pub seed: u64,
    pub limits: Limits,
    pub jobs: usize,
    pub show: Show,
    /// cargo's progress lines, for a screen that shows the build.
    pub build_progress: Option<cargo::Progress>,
    /// Each report as soon as it is ready (reports still come back in order).
    pub reports: Option<tokio::sync::mpsc::UnboundedSender<ExerciseReport>>,
}

impl Options {
    pub fn new(which: Which, seed: u64, jobs: usize, show: Show) -> Options {
        Options {
            which,
            seed,
            limits: Limits::default(),
            jobs,
            show,
            build_progress: None,
            reports: None,
        }
    }
}

/// Grades an already built program.
pub async fn grade_program(
    exercise: &Exercise,
    bin: &Path,
    root: &Path,
    seed: u64,
    limits: Limits,
) -> ExerciseReport {
    let mut g = Grading::new(&exercise.name, bin, root, seed, limits);
    if has_peer(exercise) {
        g.offer_peer();
    }
    grade_with(exercise, g).await
}

/// Whether `netlings peer` can play the exercise's other side: a server,
/// client or worker (a quiz, or a program that talks to no one, cannot).
pub fn has_peer(exercise: &Exercise) -> bool {
    matches!(
        exercise.kind,
        ExerciseKind::Server | ExerciseKind::Client | ExerciseKind::Worker
    )
}

/// Runs the exercise's grader with `g` (a grade, or `netlings peer`).
pub async fn grade_with(exercise: &Exercise, g: Grading) -> ExerciseReport {
    let started = Instant::now();
    let (seed, limits) = (g.seed, g.limits);
    match graders::lookup(&exercise.grader) {
        None => {
            g.record_failure(
                HAS_A_GRADER,
                Failure::error(format!(
                    "netlings has no grader named `{}`",
                    exercise.grader
                )),
                Duration::ZERO,
            )
            .await
        }
        Some(grader) => {
            if tokio::time::timeout(limits.exercise, (grader.grade)(&g))
                .await
                .is_err()
            {
                // The check under way is the one that did not finish, so
                // the list of checks stays the grader's.
                let name = g.running_check();
                g.record_failure(
                    name.as_deref().unwrap_or(FINISHES_IN_TIME),
                    Failure::timeout(format!(
                        "grading took longer than {} s in all, so netlings stopped it",
                        limits.exercise.as_secs()
                    )),
                    started.elapsed(),
                )
                .await;
            }
        }
    }
    g.finish().await;
    let checks = g.take_checks();
    report(exercise, checks, started.elapsed(), seed)
}

/// Why a check was not run.
pub const NOT_RUN: &str = "not run: an earlier check failed";
pub const NOT_RUN_UNBUILT: &str = "not run: the program does not compile";
pub const NOT_RUN_UNREAD: &str = "not run: the answer file does not read";

/// The gate of a quiz, as `compiles` is a program's: worth nothing.
pub const ANSWER_FILE_READS: &str = "the answer file reads";
const KEY_READS: &str = "the expected answers read";
const GRADING: &str = "grading";

/// Checks the runner adds, which earn nothing: gates and faults.
pub fn is_gate(name: &str) -> bool {
    RUNNER_CHECKS.contains(&name) || [ANSWER_FILE_READS, KEY_READS, GRADING].contains(&name)
}

/// Lists every check of a program's grader - those its grade did not reach
/// as skipped - and gives each check its worth: the exercise's points
/// spread over them (one each by default). Gates, and the checks the stub
/// passes as shipped (`given`), are worth nothing.
fn account(exercise: &Exercise, checks: &mut Vec<Check>) {
    if !exercise.is_quiz()
        && let Some(grader) = graders::lookup(&exercise.grader)
    {
        let ran = checks.iter().filter(|c| !is_gate(&c.name)).count();
        let why = if checks
            .iter()
            .any(|c| c.name == COMPILES && c.status != Status::Pass)
        {
            NOT_RUN_UNBUILT
        } else {
            NOT_RUN
        };
        checks.extend(
            grader
                .checks
                .iter()
                .skip(ran)
                .map(|name| Check::skipped(*name, why)),
        );
    }
    // The checks the stub passes as shipped earn nothing: the learner's
    // points are for the learner's work.
    let own: Vec<&mut Check> = checks
        .iter_mut()
        .filter(|c| !is_gate(&c.name))
        .skip(exercise.given)
        .collect();
    let total = Points::whole(
        exercise
            .points
            .unwrap_or(u32::try_from(own.len()).unwrap_or(u32::MAX)),
    );
    let shares = Points::spread(total, own.len());
    for (check, worth) in own.into_iter().zip(shares) {
        check.worth = worth;
    }
}

pub fn report(
    exercise: &Exercise,
    mut checks: Vec<Check>,
    duration: Duration,
    seed: u64,
) -> ExerciseReport {
    account(exercise, &mut checks);
    ExerciseReport {
        name: exercise.name.clone(),
        topic: exercise.topic.clone(),
        questions: exercise.questions.clone(),
        status: ExerciseReport::status_of(&checks),
        duration,
        build: Duration::ZERO,
        checks,
        seed,
        seeded: !exercise.is_quiz(),
    }
}

/// The "compiles" check of one bin, from a build of many.
fn compile_check(build: &Build, bin: &str, show: Show, took: Duration) -> Check {
    if build.bins.contains_key(bin) {
        return Check::passed(COMPILES, took);
    }
    let message = match (build.errors.get(bin), show) {
        (Some(_), Show::Live { .. }) => {
            format!(
                "your code does not compile: cargo's errors are above.\n{}",
                reset_hint(bin)
            )
        }
        (Some(errors), Show::Quiet) => format!(
            "your code does not compile:\n{}\n{}",
            strip_ansi(errors).trim_end(),
            reset_hint(bin)
        ),
        (None, _) => format!(
            "cargo could not build `{bin}`:\n{}",
            build
                .cargo_error
                .as_deref()
                .unwrap_or("(no message)")
                .trim_end()
        ),
    };
    Check {
        status: Status::Fail,
        message,
        ..Check::passed(COMPILES, took)
    }
}

/// The way back from a stub the learner cannot repair.
fn reset_hint(bin: &str) -> String {
    let name = bin.strip_suffix("_sol").unwrap_or(bin);
    format!(
        "(Lost in it? `netlings reset {name}` puts the original stub back; yours is kept as a backup.)"
    )
}

/// The report of an exercise whose file is gone: nothing to build.
fn missing_stub(exercise: &Exercise, seed: u64) -> ExerciseReport {
    let rel = Workspace::exercise_rel(exercise);
    let check = Check {
        status: Status::Fail,
        message: format!(
            "{} is missing (moved or deleted?). `netlings reset {}` puts the original stub back.",
            rel.display(),
            exercise.name
        ),
        ..Check::passed(COMPILES, Duration::ZERO)
    };
    report(exercise, vec![check], Duration::ZERO, seed)
}

/// Builds every exercise in one cargo call, then grades them `jobs` at a
/// time; reports come back in the order given.
pub async fn build_and_grade(
    exercises: &[Exercise],
    root: &Path,
    options: &Options,
) -> Result<Vec<ExerciseReport>> {
    let started = Instant::now();
    let bins: Vec<String> = exercises
        .iter()
        .map(|e| bin_name(e, options.which))
        .collect();
    // A learner's stub that is gone is reported as such, and left out of
    // the build (cargo would fail every bin for want of one file).
    let missing: Vec<bool> = exercises
        .iter()
        .map(|e| {
            options.which == Which::Exercise
                && !e.is_quiz()
                && !root.join(Workspace::exercise_rel(e)).exists()
        })
        .collect();
    let programs: Vec<String> = exercises
        .iter()
        .zip(&bins)
        .zip(&missing)
        .filter(|((e, _), gone)| !e.is_quiz() && !**gone)
        .map(|((_, b), _)| b.clone())
        .collect();
    // Quizzes need no build; a run of quizzes alone never calls cargo.
    let build = if programs.is_empty() {
        cargo::Build::default()
    } else if let [bin] = &programs[..] {
        // One program (run, watch): the fast path, when it applies.
        cargo::build_bin(root, bin, options.show, options.build_progress.clone()).await?
    } else {
        cargo::build_package(
            root,
            cargo::EXERCISES_PACKAGE,
            &programs,
            options.show,
            options.build_progress.clone(),
        )
        .await?
    };
    let build_time = started.elapsed();
    if harness::groups::closing() {
        // The signal stopped cargo: no verdict of this build.
        std::future::pending::<()>().await;
    }
    let build = Arc::new(build);
    let permits = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    // A JoinSet aborts its tasks when dropped: cancelling this future (watch
    // mode, a newer save) cancels every grade it started.
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (exercise, bin)) in exercises.iter().zip(bins).enumerate() {
        let gone = missing[index];
        let exercise = exercise.clone();
        let build = build.clone();
        let permits = permits.clone();
        let root = root.to_path_buf();
        let options = options.clone();
        tasks.spawn(async move {
            if gone {
                let graded = missing_stub(&exercise, options.seed);
                if let Some(tx) = &options.reports {
                    let _ = tx.send(graded.clone());
                }
                return (index, graded);
            }
            if exercise.is_quiz() {
                let graded = grade_quiz(&exercise, &root, options.which, options.seed);
                if let Some(tx) = &options.reports {
                    let _ = tx.send(graded.clone());
                }
                return (index, graded);
            }
            let compiled = compile_check(&build, &bin, options.show, build_time);
            let mut graded = match build.bins.get(&bin) {
                None => report(&exercise, vec![compiled], build_time, options.seed),
                Some(path) => {
                    let _permit = permits.acquire().await.expect("semaphore open");
                    let mut graded =
                        grade_program(&exercise, path, &root, options.seed, options.limits).await;
                    graded.checks.insert(0, compiled);
                    graded.duration += build_time;
                    graded
                }
            };
            graded.build = build_time;
            if let Some(tx) = &options.reports {
                let _ = tx.send(graded.clone());
            }
            (index, graded)
        });
    }
    let mut reports: Vec<Option<ExerciseReport>> = vec![None; exercises.len()];
    while let Some(joined) = tasks.join_next().await {
        if harness::groups::closing() {
            // netlings is ending on a signal, which stopped these grades:
            // their verdicts would be of the signal, not of the programs.
            std::future::pending::<()>().await;
        }
        match joined {
            Ok((index, graded)) => reports[index] = Some(graded),
            // A panic in netlings itself: that exercise gets an error below.
            Err(e) if e.is_panic() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(reports
        .into_iter()
        .zip(exercises)
        .map(|(graded, exercise)| {
            graded.unwrap_or_else(|| {
                let check = Check {
                    status: Status::Error,
                    message: "netlings failed while grading this exercise (a bug in netlings, please report it)".into(),
                    ..Check::passed(GRADING, Duration::ZERO)
                };
                report(exercise, vec![check], started.elapsed(), options.seed)
            })
        })
        .collect())
}

/// Grades a quiz from its answer file (or, for `Which::Solution`, the
/// expected answers themselves - which proves the key fits the quiz).
pub fn grade_quiz(exercise: &Exercise, root: &Path, which: Which, seed: u64) -> ExerciseReport {
    let started = Instant::now();
    let checks = quiz_checks(exercise, root, which);
    report(exercise, checks, started.elapsed(), seed)
}

/// The gate (the answer file reads), then one check per item of the
/// expected answers, named after the quiz as netlings shipped it: the same
/// checks whatever the learner wrote, or did not.
fn quiz_checks(exercise: &Exercise, root: &Path, which: Which) -> Vec<Check> {
    let ws = Workspace {
        root: root.to_path_buf(),
    };
    let rel = Workspace::exercise_rel(exercise);
    let failed = |name: &str, status: Status, message: String| Check {
        status,
        message,
        ..Check::passed(name, Duration::ZERO)
    };
    // The items and their kinds come from the quiz as shipped, never from
    // the learner's copy (which may have lost an item, or be unreadable).
    let shipped = match Workspace::original_stub(exercise)
        .map(str::to_string)
        .map_or_else(|| std::fs::read_to_string(ws.exercise_path(exercise)), Ok)
    {
        Ok(text) => Quiz::parse(&rel, &text).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read {}: {e}", rel.display())),
    };
    let key_path = ws.solution_path(exercise);
    let key_rel = key_path
        .strip_prefix(root)
        .unwrap_or(&key_path)
        .to_path_buf();
    let key = shipped.and_then(|quiz| {
        let text = std::fs::read_to_string(&key_path)
            .map_err(|e| format!("cannot read {}: {e}", key_rel.display()))?;
        let key = AnswerKey::parse(&key_rel, &text, &quiz).map_err(|e| e.to_string())?;
        Ok((quiz, key))
    });
    let (shipped, key) = match key {
        Ok(both) => both,
        Err(e) => {
            return vec![failed(
                KEY_READS,
                Status::Error,
                format!("netlings' expected answers do not fit this quiz: {e}"),
            )];
        }
    };
    // A missing or damaged answer file is the learner's to fix, and the
    // message says how: the line, what is wrong, and `netlings reset`.
    let answers = match which {
        Which::Solution => Ok(key.as_answers(&shipped)),
        Which::Exercise => match std::fs::read(ws.exercise_path(exercise)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(crate::quiz::missing_file(
                &rel.display().to_string(),
                &exercise.name,
            )),
            Err(e) => Err(format!("cannot read {}: {e}", rel.display())),
            Ok(bytes) => match crate::catalog::utf8_text(bytes) {
                Err((line, message)) => Err(crate::quiz::not_utf8_file(
                    &rel.display().to_string(),
                    line,
                    &message,
                    &exercise.name,
                )),
                Ok(text) => Quiz::parse(&rel, &text)
                    .map_err(|e| crate::quiz::damaged_file(&e, &exercise.name)),
            },
        },
    };
    let name_of = |n: usize, id: &str| {
        let kind = shipped.item(id).map_or("item", |i| i.kind.describe());
        format!("{}. {id} ({kind})", n + 1)
    };
    let quiz = match answers {
        Ok(quiz) => quiz,
        Err(message) => {
            let mut checks = vec![failed(ANSWER_FILE_READS, Status::Fail, message)];
            checks.extend(
                key.items
                    .iter()
                    .enumerate()
                    .map(|(n, k)| Check::skipped(name_of(n, &k.id), NOT_RUN_UNREAD)),
            );
            return checks;
        }
    };
    let mut checks = vec![Check::passed(ANSWER_FILE_READS, Duration::ZERO)];
    checks.extend(key.items.iter().enumerate().map(|(n, k)| {
        let item = quiz.item(&k.id);
        let changed = item.zip(shipped.item(&k.id)).is_some_and(|(mine, asked)| {
            mine.kind != asked.kind || mine.options.len() != asked.options.len()
        });
        let (status, message) = match item {
            None => (
                Status::Fail,
                format!(
                    "the item is not in {} any more (renamed or deleted?): put it back, or `netlings reset {}` for a fresh answer file (yours is kept as a backup)",
                    rel.display(),
                    exercise.name
                ),
            ),
            Some(item) if changed => (
                Status::Fail,
                format!(
                    "this item (line {} of {}) is not the one netlings asks any more: its kind or options were changed; put it back, or `netlings reset {}` for a fresh answer file (yours is kept as a backup)",
                    item.answer_line,
                    rel.display(),
                    exercise.name
                ),
            ),
            Some(item) => match crate::quiz::judge(&item.answer, k) {
                Verdict::Correct => (Status::Pass, String::new()),
                Verdict::Unanswered => (
                    Status::Fail,
                    format!("unanswered (line {} of {})", item.answer_line, rel.display()),
                ),
                Verdict::Wrong => (
                    Status::Fail,
                    format!(
                        "not right: you answered {} (line {} of {}); `netlings quiz {}` explains each item",
                        item.answer,
                        item.answer_line,
                        rel.display(),
                        quiz.question
                    ),
                ),
            },
        };
        failed(&name_of(n, &k.id), status, message)
    }));
    checks
}

/// Removes terminal color codes (cargo's rendered diagnostics) for files.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_ansi() {
        assert_eq!(
            super::strip_ansi("\u{1b}[1m\u{1b}[31merror\u{1b}[0m: x"),
            "error: x"
        );
    }
}
