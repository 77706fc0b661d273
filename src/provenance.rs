//! Which checkout built a binary: a verdict is always of this checkout's
//! source.
//!
//! cargo decides freshness by modification times. Two checkouts that share
//! a target directory (a global `CARGO_TARGET_DIR` or `build.target-dir`)
//! build their bins to the same paths, and cargo calls one checkout's binary
//! fresh for the other whenever the other's source is older than it: an
//! untouched stub would be graded as the solution another checkout built.
//!
//! So netlings remembers, in this checkout's `.netlings/built.json`, the
//! identity (size, modification time, inode) of every binary it saw being
//! built here. When cargo reports a binary as fresh whose identity netlings
//! did not record, someone else wrote it: netlings makes cargo forget it
//! (its dep-info stamp is removed) and builds it again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The identity of a file as the file system tells it: a rebuild by anyone
/// changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Identity {
    len: u64,
    modified_ns: u128,
    inode: u64,
}

fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Identity {
        len: meta.len(),
        modified_ns: meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos(),
        inode,
    })
}

/// The binaries this checkout built, by path.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Built {
    bins: BTreeMap<PathBuf, Identity>,
}

fn file(root: &Path) -> PathBuf {
    root.join(".netlings").join("built.json")
}

impl Built {
    /// What this checkout recorded (nothing, if the record is missing or
    /// unreadable: then every fresh binary is rebuilt once).
    pub fn load(root: &Path) -> Built {
        std::fs::read(file(root))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Whether `exe` is the very file this checkout built last.
    pub fn is_ours(&self, exe: &Path) -> bool {
        match (self.bins.get(exe), identity(exe)) {
            (Some(recorded), Some(now)) => *recorded == now,
            _ => false,
        }
    }

    /// Records `exe` as built from this checkout's source, just now.
    pub fn mark_ours(&mut self, exe: &Path) {
        if let Some(id) = identity(exe) {
            self.bins.insert(exe.to_path_buf(), id);
        }
    }

    /// Saves the record, merged into what is on disk now: several netlings
    /// of one checkout (a test suite, `verify` beside `watch`) each add
    /// their own binaries. A lost race costs at most one extra rebuild, so
    /// errors are ignored.
    pub fn save(&self, root: &Path) {
        let path = file(root);
        let mut merged = Built::load(root);
        merged
            .bins
            .extend(self.bins.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(json) = serde_json::to_vec(&merged)
        {
            let _ = crate::state::write_atomically(&path, &json);
        }
    }
}

/// Makes cargo consider `bin` stale, so that its next build compiles it
/// from this checkout's source: removes the dep-info stamps cargo keeps for
/// it under the target's `.fingerprint/`. `exe` is the binary cargo
/// reported (`<target>/<profile>/<bin>`).
pub fn forget_in_cargo(exe: &Path, bin: &str) -> usize {
    let Some(profile_dir) = exe.parent() else {
        return 0;
    };
    let Ok(packages) = std::fs::read_dir(profile_dir.join(".fingerprint")) else {
        return 0;
    };
    let stamp = format!("dep-bin-{bin}");
    let mut removed = 0;
    for package in packages.flatten() {
        if std::fs::remove_file(package.path().join(&stamp)).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_rewritten_by_someone_else_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("bin");
        std::fs::write(&exe, b"built here").unwrap();
        let mut built = Built::default();
        assert!(!built.is_ours(&exe), "nothing recorded yet");
        built.mark_ours(&exe);
        assert!(built.is_ours(&exe));
        built.save(dir.path());
        assert!(Built::load(dir.path()).is_ours(&exe), "the record survives");

        // Another checkout's build replaces the file.
        std::fs::remove_file(&exe).unwrap();
        std::fs::write(&exe, b"built elsewhere").unwrap();
        assert!(!Built::load(dir.path()).is_ours(&exe));
    }

    #[test]
    fn forgetting_removes_the_bins_dep_info_stamps_only() {
        let dir = tempfile::tempdir().unwrap();
        let fingerprint = dir.path().join("debug/.fingerprint/netlings-exercises-abc");
        std::fs::create_dir_all(&fingerprint).unwrap();
        for f in ["dep-bin-echo", "dep-bin-echo_sol", "bin-echo"] {
            std::fs::write(fingerprint.join(f), b"").unwrap();
        }
        let exe = dir.path().join("debug/echo");
        assert_eq!(forget_in_cargo(&exe, "echo"), 1);
        assert!(!fingerprint.join("dep-bin-echo").exists());
        assert!(fingerprint.join("dep-bin-echo_sol").exists());
        assert!(fingerprint.join("bin-echo").exists());
    }
}
