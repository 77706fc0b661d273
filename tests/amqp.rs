//! The RabbitMQ exercises as a user meets them: without a broker they are
//! reported as "could not be graded here" - in the JSON, the JUnit file and
//! the exit code - while everything else is graded as usual; with one,
//! grading the solutions leaves no queue or exchange behind.

mod common;

use serde_json::Value;

/// A loopback port nothing listens on: bound, then closed again.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn without_a_broker_the_rabbitmq_exercises_are_not_graded_and_the_rest_are() {
    let root = common::repo_root();
    let nowhere = format!("amqp://guest:guest@127.0.0.1:{}/%2f", closed_port());
    let done = common::netlings(&root)
        .args(["verify", "--solutions", "amqp_subscribe", "tcp_client"])
        .args(["--format", "json"])
        .env("NETLINGS_AMQP_URL", &nowhere)
        .assert();
    let out = common::stdout(&done);
    assert_eq!(done.get_output().status.code(), Some(3), "{out}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let exercises = doc["exercises"].as_array().unwrap();
    let amqp = &exercises[0];
    assert_eq!(amqp["name"], "amqp_subscribe");
    assert_eq!(amqp["status"], "unavailable", "{amqp}");
    let check = amqp["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "unavailable")
        .expect("a check that could not run");
    let message = check["message"].as_str().unwrap();
    assert!(message.contains("rabbitmq-server -detached"), "{message}");
    assert!(message.contains("NETLINGS_AMQP_URL"), "{message}");
    assert_eq!(exercises[1]["status"], "pass", "{}", exercises[1]);
    assert_eq!(doc["summary"]["unavailable"], 1);
    assert_eq!(doc["summary"]["fail"], 0);

    // A failure elsewhere still makes the run fail: 1, not 3.
    let done = common::netlings(&root)
        .args(["verify", "amqp_publish", "tcp_client", "--format", "junit"])
        .env("NETLINGS_AMQP_URL", &nowhere)
        .assert();
    let xml = common::stdout(&done);
    assert_eq!(done.get_output().status.code(), Some(1), "{xml}");
    assert!(
        xml.contains("<skipped message=\"this exercise needs a RabbitMQ broker"),
        "{xml}"
    );
}

#[test]
fn grading_the_solutions_leaves_nothing_on_the_broker() {
    if !common::broker_up() {
        return;
    }
    let root = common::repo_root();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_netlings"))
        .args(["verify", "--solutions", "--format", "json"])
        .args([
            "amqp_publish",
            "amqp_subscribe",
            "amqp_work_queue",
            "amqp_topic_routing",
        ])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .env_remove("NETLINGS_ROOT")
        .env_remove("NETLINGS_STATE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{json}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let Some(left) = common::broker_names_of(pid) else {
        common::shout(
            "!! rabbitmqctl cannot be asked here: the broker's leftovers are NOT checked",
        );
        return;
    };
    assert!(
        left.is_empty(),
        "left on the broker by netlings (pid {pid}): {left:?}"
    );
    // The names were this run's: the grades did declare some.
    assert!(json.contains("\"status\": \"pass\""), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_grade_leaves_nothing_on_the_broker() {
    use netlings::cargo::{Show, build_package};
    use netlings::dev::MUTANTS_PACKAGE;
    if !common::broker_up() {
        return;
    }
    if common::broker_names_of(std::process::id()).is_none() {
        common::shout(
            "!! rabbitmqctl cannot be asked here: a cancelled grade's leftovers are NOT checked",
        );
        return;
    }
    let root = common::repo_root();
    let catalog = netlings::catalog::Catalog::load(&root).unwrap();
    // A subscriber that never leaves its consume loop: its grade lasts
    // until netlings gives up on it, long enough to be cancelled midway.
    let bin = "amqp_subscribe__ignores_end";
    let build = build_package(
        &root,
        MUTANTS_PACKAGE,
        &[bin.to_string()],
        Show::Quiet,
        None,
    )
    .await
    .unwrap();
    let exe = build.bins.get(bin).expect("the mutant builds").clone();
    let exercise = catalog.exercise("amqp_subscribe").unwrap().clone();
    let grade = tokio::spawn(async move {
        netlings::grade::grade_program(
            &exercise,
            &exe,
            &root,
            common::seed(),
            netlings::harness::Limits::default(),
        )
        .await
    });
    // Wait until the grade has declared something on the broker
    // (rabbitmqctl takes a while to answer: each look is a pause).
    let mut seen = Vec::new();
    for _ in 0..30 {
        seen = common::broker_names_of(std::process::id()).unwrap_or_default();
        if !seen.is_empty() || grade.is_finished() {
            break;
        }
    }
    assert!(!seen.is_empty(), "the grade never declared anything");
    assert!(
        !grade.is_finished(),
        "the grade ended before it could be cancelled"
    );
    grade.abort();
    let _ = grade.await;
    netlings::harness::cleanup::settle().await;
    let left = common::broker_names_of(std::process::id()).unwrap_or_default();
    assert!(
        left.is_empty(),
        "a cancelled grade left {left:?} on the broker"
    );
}
