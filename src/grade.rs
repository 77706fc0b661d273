//! Build, then grade: one exercise or many in parallel.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::{self, Build, Show};
use crate::catalog::Exercise;
use crate::graders;
use crate::harness::{COMPILES, FINISHES_IN_TIME, Failure, Grading, HAS_A_GRADER, Limits};
use crate::quiz::{AnswerKey, Quiz, Verdict};
use crate::report::{Check, ExerciseReport, Status};
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
    let started = Instant::now();
    let g = Grading::new(&exercise.name, bin, root, seed, limits);
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
                g.record_failure(
                    FINISHES_IN_TIME,
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

pub fn report(
    exercise: &Exercise,
    checks: Vec<Check>,
    duration: Duration,
    seed: u64,
) -> ExerciseReport {
    ExerciseReport {
        name: exercise.name.clone(),
        topic: exercise.topic.clone(),
        questions: exercise.questions.clone(),
        status: ExerciseReport::status_of(&checks),
        duration,
        build: Duration::ZERO,
        checks,
        seed,
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
                    ..Check::passed("grading", Duration::ZERO)
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
    let checks = match quiz_checks(exercise, root, which) {
        Ok(checks) => checks,
        Err(check) => vec![*check],
    };
    report(exercise, checks, started.elapsed(), seed)
}

fn quiz_checks(exercise: &Exercise, root: &Path, which: Which) -> Result<Vec<Check>, Box<Check>> {
    let ws = Workspace {
        root: root.to_path_buf(),
    };
    let rel = Workspace::exercise_rel(exercise);
    let unreadable = |message: String| {
        Box::new(Check {
            status: Status::Fail,
            message,
            ..Check::passed("the answer file reads", Duration::ZERO)
        })
    };
    let text = match std::fs::read_to_string(ws.exercise_path(exercise)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let rel = rel.display().to_string();
            return Err(unreadable(crate::quiz::missing_file(&rel, &exercise.name)));
        }
        Err(e) => return Err(unreadable(format!("cannot read {}: {e}", rel.display()))),
    };
    let quiz = Quiz::parse(&rel, &text)
        .map_err(|e| unreadable(crate::quiz::damaged_file(&e, &exercise.name)))?;
    // The expected answers fit the quiz as netlings shipped it; where the
    // learner's file has lost one of its items, that is the learner's to
    // put back (or reset), not a fault of netlings.
    let shipped = crate::quiz::as_shipped(exercise);
    let key_path = ws.solution_path(exercise);
    let key_rel = key_path
        .strip_prefix(root)
        .unwrap_or(&key_path)
        .to_path_buf();
    let key_text = std::fs::read_to_string(&key_path).map_err(|e| {
        Box::new(Check {
            status: Status::Error,
            message: format!(
                "cannot read netlings' expected answers {}: {e}",
                key_rel.display()
            ),
            ..Check::passed("the expected answers read", Duration::ZERO)
        })
    })?;
    let key =
        AnswerKey::parse(&key_rel, &key_text, shipped.as_ref().unwrap_or(&quiz)).map_err(|e| {
            Box::new(Check {
                status: Status::Error,
                message: format!("netlings' expected answers do not fit this quiz: {e}"),
                ..Check::passed("the expected answers read", Duration::ZERO)
            })
        })?;
    let quiz = match which {
        Which::Exercise => quiz,
        Which::Solution => key.as_answers(&quiz),
    };
    Ok(key
        .items
        .iter()
        .enumerate()
        .map(|(n, k)| {
            let item = quiz.item(&k.id);
            let name = format!(
                "{}. {} ({})",
                n + 1,
                k.id,
                item.map_or("missing", |i| i.kind.describe())
            );
            let changed = item.zip(shipped.as_ref().and_then(|q| q.item(&k.id))).is_some_and(
                |(mine, asked)| mine.kind != asked.kind || mine.options.len() != asked.options.len(),
            );
            let (status, message) = match item {
                Some(item) if changed => (
                    Status::Fail,
                    format!(
                        "this item (line {} of {}) is not the one netlings asks any more: its kind or options were changed; put it back, or `netlings reset {}` for a fresh answer file (yours is kept as a backup)",
                        item.answer_line,
                        rel.display(),
                        exercise.name
                    ),
                ),
                None => (
                    Status::Fail,
                    format!(
                        "the item is not in {} any more (renamed or deleted?): put it back, or `netlings reset {}` for a fresh answer file (yours is kept as a backup)",
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
            Check {
                status,
                message,
                ..Check::passed(name, Duration::ZERO)
            }
        })
        .collect())
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
