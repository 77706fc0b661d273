//! `--format junit`: one testsuite per exercise, one testcase per check,
//! written by quick-junit (a maintained JUnit writer: it escapes, drops what
//! XML cannot carry, and counts tests, failures, errors and skips).
//!
//! A check that failed or timed out is a `<failure>`, a fault of netlings
//! an `<error>`; a check not run (after an earlier failure, or without a
//! RabbitMQ broker) is `<skipped>`, so every exercise lists all its checks.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Check, ExerciseReport, Kind, Status, Summary, human};

pub fn render(reports: &[ExerciseReport], summary: &Summary) -> String {
    let mut report = Report::new("netlings");
    report.set_time(std::time::Duration::from_millis(
        u64::try_from(summary.duration_ms).unwrap_or(u64::MAX),
    ));
    for r in reports {
        let mut suite = TestSuite::new(r.name.as_str());
        suite.set_time(r.duration);
        suite.add_properties([
            Property::new("topic", r.topic.as_str()),
            Property::new("questions", r.questions.join(",")),
            Property::new("seed", r.seed.to_string()),
            Property::new("points", r.points().to_string()),
            Property::new("max_points", r.max_points().to_string()),
        ]);
        for c in &r.checks {
            let mut case = TestCase::new(c.name.as_str(), status(c));
            case.set_classname(format!("{}.{}", r.topic, r.name));
            case.set_time(c.duration);
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().expect("JUnit XML writes to a string")
}

fn status(c: &Check) -> TestCaseStatus {
    let mut status = match c.status {
        Status::Pass => return TestCaseStatus::success(),
        Status::Fail | Status::Timeout => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Error => TestCaseStatus::non_success(NonSuccessKind::Error),
        // JUnit's word for a test that was not run.
        Status::Unavailable | Status::Skipped => TestCaseStatus::skipped(),
    };
    let first_line = c.headline();
    status.set_message(first_line.as_str());
    if matches!(c.status, Status::Timeout | Status::Unavailable) {
        status.set_type(c.status.as_str());
    }
    let mut text = c.full_message();
    for line in c.transcript.iter().filter(|l| l.kind != Kind::Verdict) {
        text.push('\n');
        text.push_str(&human::transcript_line(line, false));
    }
    if text != first_line.as_str() {
        status.set_description(text);
    }
    status
}
