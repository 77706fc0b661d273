//! Shared by netlings' integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use netlings::harness::Rng;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed of this test run: `NETLINGS_TEST_SEED` to replay one, else fresh
/// (printed, so a failure can be replayed).
pub fn seed() -> u64 {
    let seed = std::env::var("NETLINGS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(Rng::fresh_seed);
    eprintln!("seed {seed} (replay with NETLINGS_TEST_SEED={seed})");
    seed
}

/// Processes this test process started (they carry its pid in
/// NETLINGS_OWNER) still running the executable at `exe` (Linux: /proc).
pub fn processes_running(exe: &Path) -> Vec<u32> {
    let marker = format!("{}={}", netlings::harness::OWNER_VAR, std::process::id());
    let Ok(exe) = exe.canonicalize() else {
        return Vec::new();
    };
    let mut pids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        // A zombie has no exe link; only running processes count.
        if let Ok(target) = std::fs::read_link(format!("/proc/{pid}/exe"))
            && target == exe
            && std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == marker.as_bytes()))
        {
            pids.push(pid);
        }
    }
    pids
}

/// A scratch copy of the curriculum (exercises.toml, exercises/ and
/// solutions/), for CLI tests that build nothing and must not touch the
/// real checkout.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = repo_root();
    std::fs::copy(
        root.join("exercises.toml"),
        dir.path().join("exercises.toml"),
    )
    .unwrap();
    copy_dir(&root.join("exercises"), &dir.path().join("exercises"));
    copy_dir(&root.join("solutions"), &dir.path().join("solutions"));
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name() == "target" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
