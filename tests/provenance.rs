//! A verdict is always of this checkout's source, even when two checkouts
//! share a target directory (a global `CARGO_TARGET_DIR`, which some
//! learners set): cargo judges freshness by modification times, and would
//! otherwise serve one checkout's binary to the other.

mod common;

use std::path::Path;

use common::netlings;

/// The two std-only exercises these checkouts build: they compile in a
/// second and need nothing from the registry.
const EXERCISES: [(&str, &str); 2] = [
    ("tcp_echo_server", "01_sockets"),
    ("tcp_client", "01_sockets"),
];

/// A checkout of the curriculum whose exercises package holds only the
/// bins of [`EXERCISES`] (stubs and solutions, as shipped).
fn checkout() -> tempfile::TempDir {
    let dir = common::fixture();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"exercises\"]\nresolver = \"3\"\n",
    )
    .unwrap();
    let mut manifest = String::from(
        // build = false: these bins need no generated code, so the
        // exercises' build script (the gRPC protos) stays out.
        "[package]\nname = \"netlings-exercises\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         autobins = false\nbuild = false\n",
    );
    for (name, topic) in EXERCISES {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"{topic}/{name}.rs\"\n\
             \n[[bin]]\nname = \"{name}_sol\"\npath = \"../solutions/{topic}/{name}.rs\"\n"
        ));
    }
    std::fs::write(dir.path().join("exercises/Cargo.toml"), manifest).unwrap();
    dir
}

/// The learner of `root` solved the exercises: the solutions replace the stubs.
fn solve(root: &Path) {
    for (name, topic) in EXERCISES {
        std::fs::copy(
            root.join(format!("solutions/{topic}/{name}.rs")),
            root.join(format!("exercises/{topic}/{name}.rs")),
        )
        .unwrap();
    }
}

/// Runs netlings in `root` with the shared target directory; its exit code
/// and what it printed.
fn netlings_in(root: &Path, target: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = netlings(root)
        .env("CARGO_TARGET_DIR", target)
        .env("NETLINGS_STATE", root.join("state.toml"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_stub_fails_after_another_checkout_built_its_solution_into_the_same_target() {
    let target = tempfile::tempdir().unwrap();
    let solved = checkout();
    let untouched = checkout();
    solve(solved.path());
    let both = ["verify", "tcp_echo_server", "tcp_client"];

    let (code, out) = netlings_in(solved.path(), target.path(), &both);
    assert_eq!(code, Some(0), "the solved checkout passes:\n{out}");

    // cargo finds these binaries fresh for the untouched checkout (its
    // stubs are older than them), but they are the other checkout's.
    let (code, out) = netlings_in(untouched.path(), target.path(), &both);
    assert_eq!(code, Some(1), "the untouched stubs must fail:\n{out}");
    assert!(out.contains("not yet implemented"), "{out}");

    // And back: the solved checkout is not served the stubs either.
    let (code, out) = netlings_in(solved.path(), target.path(), &both);
    assert_eq!(code, Some(0), "the solved checkout passes again:\n{out}");

    // One exercise alone takes another road (the single-bin build that
    // records the fast path): the same rule holds there.
    let (code, out) = netlings_in(untouched.path(), target.path(), &["run", "tcp_echo_server"]);
    assert_eq!(
        code,
        Some(1),
        "`run` of the untouched stub must fail:\n{out}"
    );
    assert!(out.contains("not yet implemented"), "{out}");
}
