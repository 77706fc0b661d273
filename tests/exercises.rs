//! Every solution passes its grader, running every check its CHECKS list;
//! every untouched stub fails it, with the message its TODO is about.
//! Quizzes too: the expected answers pass, the untouched (empty) answer
//! file fails as unanswered.

mod common;

use netlings::cargo::Show;
use netlings::catalog::{Catalog, Exercise};
use netlings::grade::{ANSWER_FILE_READS, Options, Which, build_and_grade};
use netlings::graders::lookup;
use netlings::report::Status;
use netlings::workspace::Workspace;

/// Stubs that are buggy programs rather than `todo!()`s, and the words
/// their failure must use.
const BUG_STUBS: &[(&str, &str)] = &[
    ("send_all", "write_all() loops until every byte is sent"),
    ("concurrent_server", "serves one connection at a time"),
    ("client_timeouts", "without a read timeout"),
    ("http_timeouts", "your client hung"),
];

fn all(catalog: &Catalog) -> Vec<Exercise> {
    catalog.exercises.clone()
}

fn options(which: Which) -> Options {
    Options::new(which, common::seed(), 2, Show::Quiet)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_solution_passes() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let reports = build_and_grade(&all(&catalog), &root, &options(Which::Solution))
        .await
        .unwrap();
    // Without a broker the RabbitMQ exercises cannot be graded (said loudly).
    let broker = common::broker_up();
    let mut failed: Vec<String> = reports
        .iter()
        .filter(|r| r.status != Status::Pass && (broker || r.status != Status::Unavailable))
        .map(netlings::report::human::exercise)
        .collect();
    // A grade that passes runs every check its grader's CHECKS list, in order.
    for (exercise, report) in catalog.exercises.iter().zip(&reports) {
        if let Some(grader) = lookup(&exercise.grader)
            && report.status == Status::Pass
            && let Err(e) = grader.ran_all(&report.checks)
        {
            failed.push(e);
        }
    }
    assert!(
        failed.is_empty(),
        "solutions failing:\n{}",
        failed.join("\n")
    );
}

/// The text of the stub's first `todo!("…")`.
fn todo_message(source: &str) -> Option<String> {
    let start = source.find("todo!(\"")? + "todo!(\"".len();
    let end = source[start..].find('"')?;
    Some(source[start..start + end].to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stub_fails_with_the_message_of_its_todo() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let exercises = all(&catalog);
    let reports = build_and_grade(&exercises, &root, &options(Which::Exercise))
        .await
        .unwrap();
    let mut problems = Vec::new();
    let broker = common::broker_up();
    for (exercise, report) in exercises.iter().zip(&reports) {
        if !broker && report.status == Status::Unavailable {
            continue;
        }
        let source = std::fs::read_to_string(root.join(Workspace::exercise_rel(exercise))).unwrap();
        if exercise.is_quiz() {
            let items: Vec<_> = report
                .checks
                .iter()
                .filter(|c| c.name != ANSWER_FILE_READS)
                .collect();
            let unanswered = items
                .iter()
                .filter(|c| c.message.starts_with("unanswered"))
                .count();
            if report.status == Status::Pass || unanswered != items.len() || unanswered < 5 {
                problems.push(format!(
                    "{}: an untouched quiz must fail with every item (at least 5) unanswered:\n{}",
                    exercise.name,
                    netlings::report::human::exercise(report)
                ));
            }
            continue;
        }
        let expected = BUG_STUBS
            .iter()
            .find(|(name, _)| *name == exercise.name)
            .map(|(_, words)| words.to_string())
            .or_else(|| todo_message(&source))
            .unwrap_or_else(|| {
                panic!(
                    "{}: stub has no todo!(\"…\") and no entry in BUG_STUBS",
                    exercise.name
                )
            });
        let grader = lookup(&exercise.grader).expect("every program has a grader");
        if let Err(e) = grader.ran_in_order(&report.checks) {
            problems.push(format!("{}: {e}", exercise.name));
        }
        // An untouched stub earns nothing: the checks it passes are exactly
        // those `given` in exercises.toml (worth nothing).
        let passed = report
            .checks
            .iter()
            .filter(|c| c.status == Status::Pass && c.name != "compiles")
            .count();
        if passed != exercise.given {
            problems.push(format!(
                "{}: the stub passes {passed} of its grader's checks, but exercises.toml says \
                 `given = {}` (the checks a stub passes as shipped earn nothing; set it to {passed})",
                exercise.name, exercise.given
            ));
        }
        if report.points() != netlings::report::Points::ZERO {
            problems.push(format!(
                "{}: the untouched stub earns {} points",
                exercise.name,
                report.points()
            ));
        }
        let Some(failed) = report.checks.iter().find(|c| c.status != Status::Pass) else {
            problems.push(format!("{}: the untouched stub PASSES", exercise.name));
            continue;
        };
        if failed.name == "compiles" {
            problems.push(format!(
                "{}: the stub does not compile:\n{}",
                exercise.name, failed.message
            ));
            continue;
        }
        let message = failed.full_message();
        if !message.contains(&expected) {
            problems.push(format!(
                "{}: failed at `{}` without saying `{expected}`:\n{message}",
                exercise.name, failed.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
