//! XML-RPC's protocols are contracts that independent programs also keep:
//! here Python's standard `xmlrpc` library plays the learner's program (a
//! client and a server written with it must pass netlings' graders), and
//! Python's `ServerProxy` calls the reference solution. Without python3
//! these tests say so loudly and pass: they check interoperability, which
//! needs the other side.

mod common;

use std::path::{Path, PathBuf};

use netlings::cargo::{Show, build_package};
use netlings::catalog::Catalog;
use netlings::grade::grade_program;
use netlings::harness::Limits;
use netlings::report::Status;

/// Whether python3 with its xmlrpc modules is here; says so when not.
fn python() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import xmlrpc.client, xmlrpc.server"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED: python3 (with xmlrpc.client and xmlrpc.server) is not installed, so \
             netlings' XML-RPC graders were NOT checked against Python's xmlrpc library ***\n"
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

async fn grade_python(exercise: &str, script: &str) {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let program = wrapper(dir.path(), script);
    let report = grade_program(
        catalog.exercise(exercise).unwrap(),
        &program,
        &root,
        common::seed(),
        Limits::default(),
    )
    .await;
    assert_eq!(
        report.status,
        Status::Pass,
        "{script} (Python's xmlrpc) is correct but FAILED:\n{}",
        netlings::report::human::exercise(&report)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_written_with_pythons_xmlrpc_passes_the_client_grader() {
    if python() {
        grade_python("xmlrpc_client", "xmlrpc_client.py").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_written_with_pythons_xmlrpc_passes_the_server_grader() {
    if python() {
        grade_python("xmlrpc_server", "xmlrpc_server.py").await;
    }
}

/// What Python's `ServerProxy` must get from the reference server.
const PYTHON_CALLS: &str = r#"
import sys, xmlrpc.client as x
s = x.ServerProxy(sys.argv[1])
assert s.math.add(2, -5) == -3
assert s.math.divide(8, 4) == 2.0 and isinstance(s.math.divide(8, 4), float)
assert s.math.divide(7, 2) == 3.5
assert s.text.reverse("Fish & <Chips> 日本 🦀") == "🦀 本日 >spihC< & hsiF"
assert s.stats.summary([1, 2.5, 1e-05, -3]) == {"count": 4, "mean": (1 + 2.5 + 1e-05 - 3) / 4, "min": -3.0, "max": 2.5}
assert set(s.system.listMethods()) >= {"math.add", "math.divide", "text.reverse", "stats.summary", "system.listMethods"}
for call, code in [(lambda: s.math.divide(1, 0), 1), (lambda: s.stats.summary([]), 2),
                   (lambda: s.no.such(), -32601), (lambda: s.math.add("a", 1), -32602)]:
    try:
        call()
        sys.exit(f"no fault {code}")
    except x.Fault as f:
        assert f.faultCode == code, (f.faultCode, f.faultString)
print("ok")
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pythons_server_proxy_is_served_by_the_reference_server() {
    if !python() {
        return;
    }
    let root = common::repo_root();
    let build = build_package(
        &root,
        "netlings-exercises",
        &["xmlrpc_server_sol".to_string()],
        Show::Quiet,
        None,
    )
    .await
    .unwrap();
    let exe = build
        .bins
        .get("xmlrpc_server_sol")
        .expect("the solution builds");
    let addr = netlings::harness::net::free_tcp_addr();
    let mut server = std::process::Command::new(exe)
        .env("NETLINGS_ADDR", addr.to_string())
        .spawn()
        .unwrap();
    // Ready when it accepts a connection (a retried connect, no sleep).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the solution never listened"
        );
        std::thread::yield_now();
    }
    let out = std::process::Command::new("python3")
        .args(["-c", PYTHON_CALLS, &format!("http://{addr}/RPC2")])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "Python's ServerProxy against the reference server:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
