//! `--format classroom`: what GitHub Classroom's autograding reporter
//! reads from a grader step - `{version: 1, status, max_score, tests:
//! [{name, status, score, message, …}]}`, base64-encoded on one line, as
//! its command graders write it - with one test per check, so one failed
//! check costs its own points, not a whole exercise's.
//!
//! The reporter adds up `score` and `max_score` for the grade it hands to
//! GitHub Classroom; it counts a test as passed only when its status is
//! `pass`. A run is `fail` when a check failed, `error` when netlings could
//! not grade something (a fault, no broker), else `pass`.

use base64::Engine as _;
use serde::Serialize;

use super::{ExerciseReport, Points, Status, Summary};

/// A test's message is cut past this many characters: the reporter prints
/// every message, and a step output has a size limit.
const MESSAGE_CHARS: usize = 1000;

#[derive(Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    max_score: Points,
    tests: Vec<Test>,
}

#[derive(Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: Points,
    /// Not in the reporter's sum, for people reading the result.
    max_score: Points,
    message: String,
    /// The reporter's field for what was run: how to run it by hand.
    test_code: String,
}

/// The result, as JSON (what the base64 holds).
pub fn results_json(reports: &[ExerciseReport], summary: &Summary) -> String {
    let mut tests = Vec::new();
    for r in reports {
        for c in &r.checks {
            tests.push(Test {
                name: format!("{}: {}", r.name, c.name),
                status: match c.status {
                    Status::Pass => "pass",
                    Status::Fail | Status::Timeout | Status::Skipped => "fail",
                    Status::Error | Status::Unavailable => "error",
                },
                score: c.earned(),
                max_score: c.worth,
                message: abridged(&c.full_message()),
                test_code: format!("netlings run {}", r.name),
            });
        }
    }
    let status = if reports.iter().all(|r| r.status == Status::Pass) {
        "pass"
    } else if reports
        .iter()
        .any(|r| matches!(r.status, Status::Fail | Status::Timeout))
    {
        "fail"
    } else {
        "error"
    };
    let results = Results {
        version: 1,
        status,
        max_score: summary.max_points,
        tests,
    };
    serde_json::to_string(&results).expect("results serialize")
}

/// The result, base64-encoded on one line: a step's `result` output.
pub fn render(reports: &[ExerciseReport], summary: &Summary) -> String {
    base64::engine::general_purpose::STANDARD.encode(results_json(reports, summary))
}

fn abridged(text: &str) -> String {
    match text.char_indices().nth(MESSAGE_CHARS) {
        None => text.to_string(),
        Some((at, _)) => format!("{}… (cut; `--format json` has it all)", &text[..at]),
    }
}
