//! netlings as a user runs it: the real binary, its output and exit codes.

mod common;

use netlings::state::STATE_FILE;

use common::netlings;

#[test]
fn list_shows_every_exercise_with_topic_question_and_status() {
    let dir = common::fixture();
    let out = common::stdout(&netlings(dir.path()).arg("list").assert().success());
    for name in ["tcp_echo_server", "udp_kv_server", "client_timeouts"] {
        assert!(out.contains(name), "{out}");
    }
    assert!(
        out.contains("01_sockets") && out.contains("Q2") && out.contains("pending"),
        "{out}"
    );
    assert!(out.contains("0/"), "{out}");
}

#[test]
fn hint_prints_the_question_and_the_hint() {
    let dir = common::fixture();
    let out = common::stdout(
        &netlings(dir.path())
            .args(["hint", "udp_kv_server"])
            .assert()
            .success(),
    );
    assert!(out.contains("Q1.") && out.contains("recv_from"), "{out}");
}

#[test]
fn an_unknown_exercise_is_a_usage_error_with_suggestions() {
    let dir = common::fixture();
    let out = common::stderr(
        &netlings(dir.path())
            .args(["hint", "tcp_echo_sever"])
            .assert()
            .code(2),
    );
    assert!(out.contains("did you mean `tcp_echo_server`"), "{}", out);
}

#[test]
fn a_broken_exercises_toml_is_reported_with_its_line() {
    let dir = common::fixture();
    let path = dir.path().join("exercises.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    // Break the `kind` line of the first exercise.
    let broken = original.replacen("kind = \"server\"", "kind = server", 1);
    let line = broken[..broken.find("kind = server").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&path, broken).unwrap();
    let out = common::stderr(&netlings(dir.path()).arg("list").assert().code(2));
    assert!(out.contains(&format!("exercises.toml:{line}:")), "{out}");

    // A semantic mistake: an unknown topic, also with its line.
    let wrong_topic = original.replacen(
        "topic = \"01_sockets\"\nquestions = [\"q02\"]",
        "topic = \"01_socket\"\nquestions = [\"q02\"]",
        1,
    );
    let line = wrong_topic[..wrong_topic.find("\"01_socket\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&path, wrong_topic).unwrap();
    let out = common::stderr(&netlings(dir.path()).arg("list").assert().code(2));
    assert!(
        out.contains(&format!("exercises.toml:{line}:")) && out.contains("unknown topic"),
        "{out}"
    );
}

#[test]
fn a_corrupt_state_file_gets_its_line_and_a_way_out() {
    let dir = common::fixture();
    std::fs::write(
        dir.path().join(STATE_FILE),
        "current = \"tcp_client\"\ndone = [\"tcp_echo_server\"\n",
    )
    .unwrap();
    let out = common::stderr(&netlings(dir.path()).arg("list").assert().code(2));
    assert!(
        out.contains(".netlings-state.toml:2") || out.contains(".netlings-state.toml:3"),
        "{out}"
    );
    assert!(out.contains("mv ") && out.contains("untouched"), "{out}");
    // The way out works.
    std::fs::rename(dir.path().join(STATE_FILE), dir.path().join("state.bad")).unwrap();
    netlings(dir.path()).arg("list").assert().success();
}

#[test]
fn progress_survives_between_runs() {
    let dir = common::fixture();
    std::fs::write(
        dir.path().join(STATE_FILE),
        "current = \"send_all\"\ndone = [\"tcp_echo_server\"]\n",
    )
    .unwrap();
    let out = common::stdout(&netlings(dir.path()).arg("list").assert().success());
    let current = out
        .lines()
        .find(|l| l.starts_with('→'))
        .unwrap_or_default()
        .to_string();
    assert!(current.contains("send_all"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("tcp_echo_server") && l.contains("done")),
        "{out}"
    );
}

#[test]
fn reset_restores_the_stub_and_keeps_a_backup() {
    let dir = common::fixture();
    let stub = dir.path().join("exercises/01_sockets/tcp_client.rs");
    let original = std::fs::read_to_string(&stub).unwrap();
    std::fs::write(&stub, "// my work in progress\nfn main() {}\n").unwrap();
    let out = common::stdout(
        &netlings(dir.path())
            .args(["reset", "tcp_client"])
            .assert()
            .success(),
    );
    assert_eq!(std::fs::read_to_string(&stub).unwrap(), original);
    let backups: Vec<_> = std::fs::read_dir(dir.path().join(".netlings/backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(backups.len(), 1, "{out}");
    assert_eq!(
        std::fs::read_to_string(backups[0].path()).unwrap(),
        "// my work in progress\nfn main() {}\n"
    );
    assert!(out.contains(".netlings/backups/"), "{out}");
    // A second reset has nothing to save and says so; a third edit+reset
    // keeps both backups.
    netlings(dir.path())
        .args(["reset", "tcp_client"])
        .assert()
        .success();
    std::fs::write(&stub, "// attempt two\n").unwrap();
    netlings(dir.path())
        .args(["reset", "tcp_client"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(dir.path().join(".netlings/backups"))
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn reset_restores_the_files_listed_with_a_stub() {
    let dir = common::fixture();
    let folder = dir.path().join("exercises/04_grpc");
    let proto = folder.join("notes.proto");
    let stub = folder.join("grpc_codegen.rs");
    let (original_proto, original_stub) = (
        std::fs::read_to_string(&proto).unwrap(),
        std::fs::read_to_string(&stub).unwrap(),
    );
    // Only the proto was edited: it alone comes back, and is backed up.
    std::fs::write(&proto, "syntax = \"proto3\"; // my edit\n").unwrap();
    let out = common::stdout(
        &netlings(dir.path())
            .args(["reset", "grpc_codegen"])
            .assert()
            .success(),
    );
    assert_eq!(std::fs::read_to_string(&proto).unwrap(), original_proto);
    assert_eq!(std::fs::read_to_string(&stub).unwrap(), original_stub);
    assert!(out.contains("grpc_codegen-notes-"), "{out}");
    let backups: Vec<String> = std::fs::read_dir(dir.path().join(".netlings/backups"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(backups, ["syntax = \"proto3\"; // my edit\n"], "{out}");
    // Both edited, both restored; nothing edited, nothing to do.
    std::fs::write(&proto, "x").unwrap();
    std::fs::remove_file(&stub).unwrap();
    netlings(dir.path())
        .args(["reset", "grpc_codegen"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&proto).unwrap(), original_proto);
    assert_eq!(std::fs::read_to_string(&stub).unwrap(), original_stub);
    let out = common::stdout(
        &netlings(dir.path())
            .args(["reset", "grpc_codegen"])
            .assert()
            .success(),
    );
    assert!(out.contains("already the original"), "{out}");
}

#[test]
fn watch_without_a_terminal_points_to_verify() {
    let dir = common::fixture();
    let out = common::stderr(&netlings(dir.path()).arg("watch").assert().code(2));
    assert!(out.contains("netlings verify"), "{}", out);
}

#[test]
fn outside_a_checkout_it_says_where_to_go() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::stderr(&netlings(dir.path()).arg("list").assert().code(2));
    assert!(out.contains("exercises.toml"), "{}", out);
}

#[test]
fn verify_json_reports_solutions_pass_and_stubs_fail() {
    let root = common::repo_root();
    let state = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = netlings(&root)
            .env("NETLINGS_STATE", state.path().join("state.toml"))
            .args(args)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
        (out.status.code(), json)
    };
    let (code, json) = run(&[
        "verify",
        "--solutions",
        "--format",
        "json",
        "tcp_echo_server",
        "udp_kv_server",
    ]);
    assert_eq!(code, Some(0), "{json:#}");
    let exercises = json["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), 2);
    for e in exercises {
        assert_eq!(e["status"], "pass", "{e:#}");
        assert!(
            e["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["status"] == "pass")
        );
    }
    assert_eq!(json["summary"]["pass"], 2);

    let (code, json) = run(&["verify", "--format", "json", "tcp_client", "line_protocol"]);
    assert_eq!(code, Some(1), "{json:#}");
    for e in json["exercises"].as_array().unwrap() {
        assert_eq!(e["status"], "fail", "{e:#}");
        let failed = e["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] != "pass")
            .unwrap();
        assert!(
            failed["message"]
                .as_str()
                .unwrap()
                .contains("not yet implemented"),
            "{failed:#}"
        );
        assert!(e["topic"] == "01_sockets" && e["questions"].as_array().is_some());
    }
}

#[test]
fn verify_junit_has_a_suite_per_exercise_and_a_case_per_check() {
    let root = common::repo_root();
    let state = tempfile::tempdir().unwrap();
    let out = netlings(&root)
        .env("NETLINGS_STATE", state.path().join("state.toml"))
        .args([
            "verify",
            "--format",
            "junit",
            "tcp_echo_server",
            "length_prefixed",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.contains("<testcase name=\"compiles\""), "{xml}");
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
}

#[test]
fn run_grades_one_exercise_with_exit_codes() {
    let root = common::repo_root();
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.toml");
    netlings(&root)
        .env("NETLINGS_STATE", &state_file)
        .args(["run", "udp_kv_server", "--solution"])
        .assert()
        .success();
    let out = common::stdout(
        &netlings(&root)
            .env("NETLINGS_STATE", &state_file)
            .args(["run", "udp_kv_server"])
            .assert()
            .code(1),
    );
    assert!(
        out.contains("Q1.") && out.contains("not yet implemented") && out.contains("netlings hint"),
        "{out}"
    );
}

#[test]
fn verify_with_an_unknown_name_is_a_usage_error() {
    let root = common::repo_root();
    netlings(&root)
        .args(["verify", "no_such_exercise"])
        .assert()
        .code(2);
    netlings(&root)
        .args(["verify", "--format", "yaml"])
        .assert()
        .code(2);
}

#[test]
fn transcript_list_shows_the_wire_as_lines_instead_of_a_diagram() {
    let root = common::repo_root();
    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "udp_kv_server"];
        args.extend_from_slice(extra);
        common::stdout(
            &netlings(&root)
                .env("NETLINGS_STATE", &state_file)
                .env("NO_COLOR", "1")
                .args(&args)
                .assert()
                .code(1),
        )
    };
    let diagram = run(&[]);
    assert!(
        diagram.contains("time  netlings") && !diagram.contains("[event]"),
        "{diagram}"
    );
    let list = run(&["--transcript", "list"]);
    assert!(
        list.contains("[event] your program exited with status 101")
            && !list.contains("time  netlings"),
        "{list}"
    );
}
