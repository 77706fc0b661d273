//! `--format json`: the shape DESIGN.md fixes, for CI and instructors.
//! Every exercise lists all its checks; those not run after a failure are
//! `skipped`, so `max_points` is the same whatever the learner's progress.

use serde::Serialize;

use super::{ExerciseReport, Kind, Plot, Points, Status, Summary, escape, human};

#[derive(Serialize)]
struct Doc<'a> {
    exercises: Vec<Exercise<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Exercise<'a> {
    name: &'a str,
    topic: &'a str,
    questions: &'a [String],
    status: Status,
    duration_ms: u128,
    build_ms: u128,
    seed: u64,
    points: Points,
    max_points: Points,
    checks: Vec<Check<'a>>,
}

#[derive(Serialize)]
struct Check<'a> {
    name: &'a str,
    status: Status,
    message: String,
    /// What it earned, and what it is worth.
    points: Points,
    max_points: Points,
    /// Fractional: checks often take well under a millisecond.
    duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    transcript: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reproduce: Option<&'a str>,
    /// What a check judged on time measured, against its bounds.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    plots: &'a [Plot],
}

pub fn render(reports: &[ExerciseReport], summary: &Summary) -> String {
    let doc = Doc {
        exercises: reports
            .iter()
            .map(|r| Exercise {
                name: &r.name,
                topic: &r.topic,
                questions: &r.questions,
                status: r.status,
                duration_ms: r.duration.as_millis(),
                build_ms: r.build.as_millis(),
                seed: r.seed,
                points: r.points(),
                max_points: r.max_points(),
                checks: r
                    .checks
                    .iter()
                    .map(|c| Check {
                        name: &c.name,
                        status: c.status,
                        message: c.full_message(),
                        points: c.earned(),
                        max_points: c.worth,
                        duration_ms: (c.duration.as_secs_f64() * 1e6).round() / 1e3,
                        expected: c.mismatch.as_ref().map(|m| escape(&m.expected)),
                        actual: c.mismatch.as_ref().map(|m| escape(&m.actual)),
                        // A passed check's conversation is for `--report`.
                        transcript: c
                            .transcript
                            .iter()
                            .filter(|_| c.status != Status::Pass)
                            .filter(|l| l.kind != Kind::Verdict)
                            .map(|l| human::transcript_line(l, false))
                            .collect(),
                        reproduce: c.reproduce.as_deref(),
                        plots: &c.plots,
                    })
                    .collect(),
            })
            .collect(),
        summary,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialize")
}
