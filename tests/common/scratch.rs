//! A scratch checkout for tests that build and grade a learner's edited
//! files: the workspace's sources without `target/`, kept under cargo's
//! CARGO_TARGET_TMPDIR (reused by the next run, so its builds are
//! incremental, and never left in /tmp). Final binaries go to its own
//! target dir; compiled dependencies are shared with the real one (cargo's
//! build-dir), so nothing is built twice.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    /// A fresh copy of the sources at `CARGO_TARGET_TMPDIR/<name>`.
    pub fn new(name: &str) -> Scratch {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        copy_sources(&root, name);
        Scratch { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes the learner's file of `topic_and_name` (`01_sockets/tcp_client`).
    pub fn save(&self, topic_and_name: &str, text: &str) {
        save(&self.root, topic_and_name, text);
    }

    /// The environment netlings needs to build in this checkout.
    pub fn cargo_env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("CARGO_TARGET_DIR", self.path("target").into_os_string()),
            (
                "CARGO_BUILD_BUILD_DIR",
                shared_target_dir().into_os_string(),
            ),
        ]
    }
}

/// Copies the workspace's sources (no `target/`) to `root`, replacing
/// what an earlier copy left there.
pub fn copy_sources(root: &Path, name: &str) {
    let repo = crate::common::repo_root();
    for sub in ["src", "proto", "exercises", "solutions", "tests/mutants"] {
        let _ = std::fs::remove_dir_all(root.join(sub));
        crate::common::copy_dir(&repo.join(sub), &root.join(sub));
    }
    for file in ["Cargo.toml", "Cargo.lock", "build.rs", "exercises.toml"] {
        std::fs::copy(repo.join(file), root.join(file)).unwrap();
    }
    // cargo names a workspace member's artifacts after its path relative
    // to the workspace, the same in every scratch checkout: a version of
    // its own keeps this checkout's bins apart in the shared build dir.
    let manifest = root.join("exercises/Cargo.toml");
    let unique: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    let text = std::fs::read_to_string(&manifest).unwrap().replacen(
        "version = \"0.1.0\"",
        &format!("version = \"0.1.0-{unique}\""),
        1,
    );
    std::fs::write(&manifest, text).unwrap();
}

/// Writes the learner's file of `topic_and_name` under `root`: beside,
/// then renamed over, as many editors do.
pub fn save(root: &Path, topic_and_name: &str, text: &str) {
    let path = root.join(format!("exercises/{topic_and_name}.rs"));
    let tmp = path.with_extension("rs.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

/// The target dir this test suite was built in (`target/debug/netlings`'s
/// grandparent), wherever CARGO_TARGET_DIR put it.
pub fn shared_target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_netlings"))
        .parent()
        .and_then(|debug| debug.parent())
        .expect("target/<profile>/netlings")
        .to_path_buf()
}
