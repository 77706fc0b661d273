//! `verify --learner DIR` grades a student's exercise files with this
//! netlings' own graders, curriculum and manifests: a student who edits the
//! graders, `exercises.toml`, the manifests, a build script or a test to
//! make an exercise pass still fails it; a stub that is missing, not UTF-8
//! or does not compile fails that exercise alone.

mod common;

use std::path::Path;

use serde_json::Value;

/// The untouched stub whose grade the student tries to change.
const CHEATED: &str = "tcp_echo_server";
/// The exercise the student solved: proof that their files are read.
const SOLVED: &str = "udp_kv_server";

fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A student's checkout (a clone of netlings): `udp_kv_server` solved, and
/// everything but the learner files edited so that the untouched
/// `tcp_echo_server` would pass if netlings read them.
fn cheating_student() -> tempfile::TempDir {
    let root = common::repo_root();
    let dir = common::fixture();
    let student = dir.path();
    std::fs::copy(
        root.join("solutions/01_sockets/udp_kv_server.rs"),
        student.join("exercises/01_sockets/udp_kv_server.rs"),
    )
    .unwrap();
    // Its grader passes anything.
    common::copy_dir(&root.join("src"), &student.join("src"));
    write(
        &student.join("src/graders/tcp_echo_server.rs"),
        "use crate::harness::{Grading, Outcome};\n\
         pub const CHECKS: &[&str] = &[];\n\
         pub async fn grade(_: &Grading) -> Outcome { Ok(()) }\n",
    );
    // The manifest builds the solution as the stub.
    let manifest = student.join("exercises/Cargo.toml");
    std::fs::copy(root.join("exercises/Cargo.toml"), &manifest).unwrap();
    let text = std::fs::read_to_string(&manifest).unwrap();
    let stub = "path = \"01_sockets/tcp_echo_server.rs\"";
    assert!(text.contains(stub));
    write(
        &manifest,
        text.replace(
            stub,
            "path = \"../solutions/01_sockets/tcp_echo_server.rs\"",
        ),
    );
    // The build script copies the solution over the stub.
    write(
        &student.join("exercises/build.rs"),
        "fn main() { let _ = std::fs::copy(\"../solutions/01_sockets/tcp_echo_server.rs\", \
         \"01_sockets/tcp_echo_server.rs\"); }\n",
    );
    // The curriculum weighs it a thousand points.
    let catalog = student.join("exercises.toml");
    let text = std::fs::read_to_string(&catalog).unwrap();
    let entry = "name = \"tcp_echo_server\"\n";
    assert!(text.contains(entry));
    write(
        &catalog,
        text.replace(entry, &format!("{entry}points = 1000\n")),
    );
    // A test that says it all passes, and a root manifest of their own.
    write(
        &student.join("tests/exercises.rs"),
        "#[test]\nfn every_stub_passes() {}\n",
    );
    write(&student.join("Cargo.toml"), "[workspace]\nmembers = []\n");
    dir
}

#[test]
fn a_students_edits_outside_the_learner_files_change_nothing() {
    let root = common::repo_root();
    let student = cheating_student();
    let s = student.path().join("exercises/01_sockets");
    // And three stubs that cannot be graded: each fails alone.
    std::fs::remove_file(s.join("tcp_client.rs")).unwrap();
    std::fs::write(s.join("line_protocol.rs"), b"fn main() {}\n// \xff\xfe\n").unwrap();
    std::fs::write(
        s.join("length_prefixed.rs"),
        "fn main() { let n: u32 = \"x\"; }\n",
    )
    .unwrap();
    std::fs::remove_file(s.join("send_all.rs")).unwrap();
    std::os::unix::fs::symlink(
        root.join("solutions/01_sockets/send_all.rs"),
        s.join("send_all.rs"),
    )
    .unwrap();

    let state = tempfile::tempdir().unwrap();
    let state_file = state.path().join("state.toml");
    let junit = state.path().join("netlings.xml");
    let done = common::netlings(&root)
        .env("NETLINGS_STATE", &state_file)
        .arg("verify")
        .arg("--learner")
        .arg(student.path())
        .args(["--format", "json", "--junit"])
        .arg(&junit)
        .args([
            CHEATED,
            SOLVED,
            "tcp_client",
            "line_protocol",
            "length_prefixed",
            "send_all",
        ])
        .assert();
    let out = common::stdout(&done);
    assert_eq!(done.get_output().status.code(), Some(1), "{out}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let exercise = |name: &str| {
        doc["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name} graded: {out}"))
            .clone()
    };
    let first_failure = |e: &Value| {
        e["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["status"] != "pass")
            .cloned()
            .unwrap_or_else(|| panic!("nothing failed: {e:#}"))
    };

    let solved = exercise(SOLVED);
    assert_eq!(
        solved["status"], "pass",
        "the student's own file is graded: {solved:#}"
    );

    let cheated = exercise(CHEATED);
    assert_eq!(cheated["status"], "fail", "{cheated:#}");
    assert_eq!(cheated["max_points"], 7, "netlings' curriculum, not theirs");
    assert_eq!(cheated["points"], 0);
    let failed = first_failure(&cheated);
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("not yet implemented"),
        "the untouched stub, by netlings' own grader: {failed:#}"
    );

    for (name, says) in [
        ("tcp_client", "tcp_client.rs is missing from your checkout"),
        ("line_protocol", "line_protocol.rs is not UTF-8 text"),
        ("length_prefixed", "mismatched types"),
        ("send_all", "send_all.rs is not a regular file"),
    ] {
        let e = exercise(name);
        let failed = first_failure(&e);
        assert_eq!(failed["name"], "compiles", "{e:#}");
        assert!(failed["message"].as_str().unwrap().contains(says), "{e:#}");
        assert!(
            e["max_points"].as_u64().unwrap() > 0,
            "every check listed: {e:#}"
        );
    }
    let xml = std::fs::read_to_string(&junit).expect("--junit wrote the JUnit report");
    assert_eq!(xml.matches("<testsuite ").count(), 6, "{xml}");
    // A student's grade is not this checkout's progress.
    assert!(!state_file.exists(), "verify --learner recorded progress");
}

#[test]
fn a_folder_that_is_not_a_students_checkout_is_a_usage_error() {
    let root = common::repo_root();
    let empty = tempfile::tempdir().unwrap();
    let done = common::netlings(&root)
        .arg("verify")
        .arg("--learner")
        .arg(empty.path())
        .assert()
        .code(2);
    let err = common::stderr(&done);
    assert!(err.contains("has no exercises/ folder"), "{err}");
}
