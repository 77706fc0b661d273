//! Classrooms: every check is counted, whatever the learner's progress (a
//! stub, a half-done program and a solution have the same `max_points`);
//! the JUnit report opens in the readers CI uses (it is valid against the
//! JUnit schema); GitHub Classroom gets its autograding result.

mod common;

use std::time::Duration;

use base64::Engine as _;
use netlings::cargo::{Show, build_package};
use netlings::catalog::Catalog;
use netlings::dev::MUTANTS_PACKAGE;
use netlings::grade::{Options, Which, build_and_grade, grade_program};
use netlings::graders::lookup;
use netlings::harness::{COMPILES, Limits};
use netlings::report::{self, Check, ExerciseReport, Points, Status, Summary};

/// A mutant of tcp_echo_server that passes its first three checks and
/// fails the fourth: a half-done program.
const HALF_DONE: &str = "tcp_echo_server__ignores_half_close";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_points_are_the_same_for_a_stub_a_half_done_program_and_a_solution() {
    let root = common::repo_root();
    let seed = common::seed();
    let catalog = Catalog::load(&root).unwrap();
    let exercise = catalog.exercise("tcp_echo_server").unwrap().clone();
    let grader = lookup(&exercise.grader).unwrap();
    let grade = |which| {
        let exercise = exercise.clone();
        let root = root.clone();
        async move {
            build_and_grade(
                &[exercise],
                &root,
                &Options::new(which, seed, 1, Show::Quiet),
            )
            .await
            .unwrap()
            .remove(0)
        }
    };
    let stub = grade(Which::Exercise).await;
    let solution = grade(Which::Solution).await;
    let build = build_package(
        &root,
        MUTANTS_PACKAGE,
        &[HALF_DONE.to_string()],
        Show::Quiet,
        None,
    )
    .await
    .unwrap();
    let half = grade_program(
        &exercise,
        &build.bins[HALF_DONE],
        &root,
        seed,
        Limits::default(),
    )
    .await;

    let graded = [(&stub, 0), (&half, 3), (&solution, 7)];
    for (report, points) in graded {
        let shown = report::human::exercise(report);
        let names: Vec<&str> = report
            .checks
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| *n != COMPILES)
            .collect();
        assert_eq!(names, grader.checks, "every check is listed:\n{shown}");
        assert_eq!(report.max_points(), Points::whole(7), "{shown}");
        assert_eq!(report.points(), Points::whole(points), "{shown}");
        // Past the first failure, every check is skipped and earns nothing.
        let first_failure = report.checks.iter().position(|c| c.status != Status::Pass);
        if let Some(at) = first_failure {
            assert!(
                report.checks[at + 1..]
                    .iter()
                    .all(|c| c.status == Status::Skipped && c.earned() == Points::ZERO),
                "{shown}"
            );
        }
    }
    // The JSON says so too.
    let json: serde_json::Value = serde_json::from_str(&report::json::render(
        &[stub, half, solution],
        &Summary::of(&[], Duration::ZERO),
    ))
    .unwrap();
    let max: Vec<&serde_json::Value> = json["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["max_points"])
        .collect();
    assert_eq!(max, [7, 7, 7]);
    let statuses: Vec<&str> = json["exercises"][1]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses[..3], ["pass", "pass", "pass"]);
    assert!(["fail", "timeout"].contains(&statuses[3]), "{statuses:?}");
    assert_eq!(statuses[4..], ["skipped", "skipped", "skipped"]);
}

fn check(name: &str, status: Status, message: &str, worth: u32) -> Check {
    Check {
        status,
        message: message.to_string(),
        worth: Points::whole(worth),
        ..Check::passed(name, Duration::from_millis(3))
    }
}

/// Reports with every status a check can have, and text XML cannot carry
/// as is (markup, a CDATA end, control bytes a garbage-speaking program
/// sent).
fn every_status() -> Vec<ExerciseReport> {
    let report = |name: &str, checks: Vec<Check>| ExerciseReport {
        name: name.to_string(),
        topic: "01_sockets".to_string(),
        questions: vec!["q02".to_string()],
        status: ExerciseReport::status_of(&checks),
        duration: Duration::from_millis(40),
        build: Duration::ZERO,
        checks,
        seed: 7,
        seeded: true,
    };
    vec![
        report(
            "tcp_echo_server",
            vec![
                check(COMPILES, Status::Pass, "", 0),
                check("echoes a line", Status::Pass, "", 1),
                check(
                    "echoes <1 MiB> & \"more\"",
                    Status::Fail,
                    "expected \"hi\\n\", got ]]> \u{1}\u{7f}\nsecond line",
                    1,
                ),
                check(
                    "serves two clients",
                    Status::Skipped,
                    "not run: an earlier check failed",
                    1,
                ),
            ],
        ),
        report(
            "tcp_client",
            vec![
                check(COMPILES, Status::Pass, "", 0),
                check("connects", Status::Timeout, "no connection within 5 s", 2),
                check(
                    "prints the reply",
                    Status::Skipped,
                    "not run: an earlier check failed",
                    3,
                ),
            ],
        ),
        report(
            "amqp_publish",
            vec![
                check(COMPILES, Status::Pass, "", 0),
                check(
                    "declares",
                    Status::Unavailable,
                    "this exercise needs a RabbitMQ broker",
                    1,
                ),
                check(
                    "publishes",
                    Status::Skipped,
                    "not run: an earlier check failed",
                    1,
                ),
            ],
        ),
        report(
            "udp_kv_server",
            vec![check("grading", Status::Error, "a bug in netlings", 0)],
        ),
    ]
}

/// `<tag … name="value"` → value.
fn attribute(xml: &str, tag: &str, name: &str) -> String {
    let at = xml.find(&format!("<{tag} ")).expect("the tag");
    let rest = &xml[at..];
    let start = rest.find(&format!(" {name}=\"")).expect("the attribute") + name.len() + 3;
    rest[start..start + rest[start..].find('"').unwrap()].to_string()
}

#[test]
fn junit_is_valid_against_the_junit_schema_and_counts_skipped_checks() {
    let reports = every_status();
    let xml = report::junit::render(&reports, &Summary::of(&reports, Duration::from_millis(90)));
    assert_eq!(attribute(&xml, "testsuites", "tests"), "11", "{xml}");
    assert_eq!(attribute(&xml, "testsuites", "failures"), "2", "{xml}");
    assert_eq!(attribute(&xml, "testsuites", "errors"), "1", "{xml}");
    // Skipped checks and checks that could not run here (no broker).
    assert_eq!(attribute(&xml, "testsuites", "skipped"), "4", "{xml}");
    assert_eq!(xml.matches("<skipped").count(), 4, "{xml}");
    assert!(
        xml.contains("<property name=\"max_points\" value=\"3\"/>"),
        "{xml}"
    );

    let Some(xmllint) = which("xmllint") else {
        common::shout(
            "SKIPPED: the JUnit schema check needs xmllint (Debian: libxml2-utils; .ci/run installs it)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("netlings.xml");
    std::fs::write(&file, &xml).unwrap();
    let schema = common::repo_root().join("tests/fixtures/junit.xsd");
    let out = std::process::Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not valid JUnit:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The schema rejects what it should: a testcase with two outcomes.
    let broken = xml.replacen("<skipped", "<failure/><skipped", 1);
    std::fs::write(&file, broken).unwrap();
    let out = std::process::Command::new(which("xmllint").unwrap())
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the schema accepts anything");
}

#[test]
fn the_classroom_result_is_what_the_autograding_reporter_reads() {
    let reports = every_status();
    let summary = Summary::of(&reports, Duration::from_millis(90));
    let encoded = report::classroom::render(&reports, &summary);
    assert!(
        !encoded.contains(['\n', ' ']),
        "one line, for a step output"
    );
    let json = base64::engine::general_purpose::STANDARD
        .decode(&encoded)
        .expect("base64");
    let result: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(result["version"], 1);
    assert_eq!(result["status"], "fail");
    assert_eq!(result["max_score"], 10);
    let tests = result["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 11, "a test per check");
    let score: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(score, 1.0, "the reporter adds up the scores");
    let skipped = tests
        .iter()
        .find(|t| t["name"] == "tcp_client: prints the reply")
        .unwrap();
    assert_eq!(skipped["status"], "fail");
    assert_eq!(skipped["score"], 0);
    assert!(skipped["message"].as_str().unwrap().starts_with("not run"));
    let unavailable = tests
        .iter()
        .find(|t| t["name"] == "amqp_publish: declares")
        .unwrap();
    assert_eq!(unavailable["status"], "error");
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}
