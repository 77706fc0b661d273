//! Build, then grade: one exercise or many in parallel.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::{self, Build, Show};
use crate::catalog::Exercise;
use crate::graders;
use crate::harness::{Failure, Grading, Limits};
use crate::report::{Check, ExerciseReport, Status};

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
                "grader",
                Failure::error(format!(
                    "netlings has no grader named `{}`",
                    exercise.grader
                )),
                Duration::ZERO,
            )
            .await
        }
        Some(grader) => {
            if tokio::time::timeout(limits.exercise, grader(&g))
                .await
                .is_err()
            {
                g.record_failure(
                    "finishes within the exercise's deadline",
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
        checks,
        seed,
    }
}

/// The "compiles" check of one bin, from a build of many.
fn compile_check(build: &Build, bin: &str, show: Show, took: Duration) -> Check {
    if build.bins.contains_key(bin) {
        return Check::passed("compiles", took);
    }
    let message = match (build.errors.get(bin), show) {
        (Some(_), Show::Live { .. }) => {
            "your code does not compile: cargo's errors are above".to_string()
        }
        (Some(errors), Show::Quiet) => format!(
            "your code does not compile:\n{}",
            strip_ansi(errors).trim_end()
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
        ..Check::passed("compiles", took)
    }
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
    let build = cargo::build_package(
        root,
        cargo::EXERCISES_PACKAGE,
        &bins,
        options.show,
        options.build_progress.clone(),
    )
    .await?;
    let build_time = started.elapsed();
    let build = Arc::new(build);
    let permits = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    // A JoinSet aborts its tasks when dropped: cancelling this future (watch
    // mode, a newer save) cancels every grade it started.
    let mut tasks = tokio::task::JoinSet::new();
    for (index, (exercise, bin)) in exercises.iter().zip(bins).enumerate() {
        let exercise = exercise.clone();
        let build = build.clone();
        let permits = permits.clone();
        let root = root.to_path_buf();
        let options = options.clone();
        tasks.spawn(async move {
            let compiled = compile_check(&build, &bin, options.show, build_time);
            let graded = match build.bins.get(&bin) {
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
