//! The ZeroMQ exercises' protocols are contracts that independent programs
//! keep too: here pyzmq (Python over libzmq, the C library) plays the
//! learner's program - a REP calculator, a publisher, a pipeline worker
//! written with it must pass netlings' graders - and drives the reference
//! solution as a REQ client. Without pyzmq these tests say so LOUDLY and
//! pass (`.ci/run` installs it): they check interoperability, which needs
//! the other side. And a grade leaves no socket of netlings open.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use netlings::cargo::{Show, build_package};
use netlings::catalog::Catalog;
use netlings::grade::grade_program;
use netlings::harness::Limits;
use netlings::report::Status;

/// One test at a time: the last one counts this process's open sockets.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Whether python3 with pyzmq is here; says so, loudly, when not.
fn pyzmq() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import zmq"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::shout(
            "*** SKIPPED: pyzmq is not installed (pip install --user pyzmq), so netlings' ZeroMQ graders \
             were NOT checked against libzmq ***",
        );
    }
    ok
}

/// An executable that runs `script` with python3: the "program" a grader
/// starts.
fn wrapper(dir: &Path, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = common::repo_root().join("tests/interop").join(script);
    let path = dir.join("program");
    std::fs::write(
        &path,
        format!("#!/bin/sh\nexec python3 '{}'\n", script.display()),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

async fn grade(exercise: &str, program: &Path) -> netlings::report::ExerciseReport {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    grade_program(
        catalog.exercise(exercise).unwrap(),
        program,
        &root,
        common::seed(),
        Limits::default(),
    )
    .await
}

async fn grade_python(exercise: &str, script: &str) {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let report = grade(exercise, &wrapper(dir.path(), script)).await;
    assert_eq!(
        report.status,
        Status::Pass,
        "{script} (pyzmq, libzmq) keeps the contract but FAILED:\n{}",
        netlings::report::human::exercise(&report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_server_written_with_pyzmq_passes_the_req_rep_grader() {
    if pyzmq() {
        grade_python("zmq_req_rep", "zmq_req_rep.py").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publisher_written_with_pyzmq_passes_the_pub_sub_grader() {
    if pyzmq() {
        grade_python("zmq_pub_sub", "zmq_pub_sub.py").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_written_with_pyzmq_passes_the_pipeline_grader() {
    if pyzmq() {
        grade_python("zmq_pipeline", "zmq_pipeline.py").await;
    }
}

async fn solution(name: &str) -> PathBuf {
    let build = build_package(
        &common::repo_root(),
        "netlings-exercises",
        &[name.to_string()],
        Show::Quiet,
        None,
    )
    .await
    .unwrap();
    build.bins.get(name).expect("the solution builds").clone()
}

/// What a pyzmq REQ client must get from the reference REP server.
const PYTHON_REQ: &str = r#"
import sys, zmq
s = zmq.Context().socket(zmq.REQ)
s.setsockopt(zmq.RCVTIMEO, 10000)
s.connect(sys.argv[1])
def ask(*frames):
    s.send_multipart(list(frames))
    return s.recv_multipart()
assert ask(b"ADD 2 -5") == [b"-3"]
assert ask(b"MUL 3037000500 3037000500") == [b"ERR overflow"]
assert ask(b"DIV 1 2")[0].startswith(b"ERR ")
assert ask(b"ADD 1 2", b"x")[0].startswith(b"ERR")
assert ask(b"ADD \xff 2")[0].startswith(b"ERR")
assert ask(b"MUL -4 5") == [b"-20"]
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pyzmq_req_client_is_served_by_the_reference_rep() {
    if !pyzmq() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let exe = solution("zmq_req_rep_sol").await;
    let endpoint = format!("tcp://{}", netlings::harness::net::free_tcp_addr());
    let mut server = std::process::Command::new(exe)
        .env("NETLINGS_ENDPOINT", &endpoint)
        .spawn()
        .unwrap();
    // pyzmq's connect waits for the server by itself; RCVTIMEO bounds it.
    let out = std::process::Command::new("python3")
        .args(["-c", PYTHON_REQ, &endpoint])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "ok",
        "pyzmq's REQ against the reference REP:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sockets this process has open (their inodes).
fn sockets() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .map(|l| l.to_string_lossy().into_owned())
        .filter_map(|l| {
            Some(
                l.strip_prefix("socket:[")?
                    .trim_end_matches(']')
                    .to_string(),
            )
        })
        .collect()
}

fn open_sockets() -> usize {
    sockets().len()
}

/// The TCP sockets among `inodes`, as /proc/net/tcp shows them (local and
/// remote address in hex, state: 0A listens, 01 is established).
fn describe(inodes: &[String]) -> String {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 9 && inodes.iter().any(|i| i == f[9])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pipeline_grade_leaves_no_socket_of_netlings_open() {
    let _one = ONE_AT_A_TIME.lock().await;
    let exe = solution("zmq_pipeline_sol").await;
    let before = open_sockets();
    let before_inodes = sockets();
    let report = grade("zmq_pipeline", &exe).await;
    assert_eq!(
        report.status,
        Status::Pass,
        "{}",
        netlings::report::human::exercise(&report)
    );
    // The sockets' tasks end as they notice they are closed: wait for
    // that (bounded), never sleep a fixed time.
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_sockets() > before {
        assert!(
            Instant::now() < deadline,
            "{} sockets were open before the grade and {} are 10 s after it: the ventilator, a sink or \
             their connections were left behind:\n{}",
            before,
            open_sockets(),
            describe(
                &sockets()
                    .into_iter()
                    .filter(|i| !before_inodes.contains(i))
                    .collect::<Vec<_>>()
            )
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
