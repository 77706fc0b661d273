//! A scratch checkout for tests that build and grade: the workspace's
//! sources without `target/`, its final binaries in a target dir of its
//! own, its compiled dependencies shared with the real one (cargo's build
//! dir), so nothing is built twice.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use expectrl::session::OsSession;

use super::screen::Screen;

/// How long the screen may take to show something (a build is included).
pub const SCREEN: Duration = Duration::from_secs(60);

pub struct Checkout {
    pub dir: tempfile::TempDir,
}

impl Default for Checkout {
    fn default() -> Self {
        Self::new()
    }
}

impl Checkout {
    pub fn new() -> Checkout {
        let dir = tempfile::tempdir().unwrap();
        let root = super::repo_root();
        for file in ["Cargo.toml", "Cargo.lock", "build.rs", "exercises.toml"] {
            std::fs::copy(root.join(file), dir.path().join(file)).unwrap();
        }
        for sub in ["src", "proto", "exercises", "solutions", "tests/mutants"] {
            super::copy_dir(&root.join(sub), &dir.path().join(sub));
        }
        // cargo names a workspace member's artifacts after its path relative
        // to the workspace, the same in every scratch checkout: a version of
        // its own keeps this checkout's bins apart in the shared build dir.
        let manifest = dir.path().join("exercises/Cargo.toml");
        let unique = dir
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("x")
            .replace(|c: char| !c.is_ascii_alphanumeric(), "");
        let text = std::fs::read_to_string(&manifest).unwrap().replacen(
            "version = \"0.1.0\"",
            &format!("version = \"0.1.0-{unique}\""),
            1,
        );
        std::fs::write(&manifest, text).unwrap();
        Checkout { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn state(&self) -> String {
        std::fs::read_to_string(self.path(".netlings-state.toml")).unwrap_or_default()
    }

    /// Saves the reference solution over the learner's file.
    pub fn solve(&self, topic_and_name: &str) {
        let solution =
            std::fs::read_to_string(self.path(&format!("solutions/{topic_and_name}.rs"))).unwrap();
        self.save(topic_and_name, &solution);
    }

    pub fn save(&self, topic_and_name: &str, text: &str) {
        let path = self.path(&format!("exercises/{topic_and_name}.rs"));
        // Write beside and rename over, as many editors do.
        let tmp = path.with_extension("rs.swp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }

    fn vars<'a>(&self, target: &'a OsStr, shared: &'a OsStr) -> Vec<(&'a str, &'a OsStr)> {
        vec![
            ("NETLINGS_HYPERLINKS", OsStr::new("0")),
            ("CARGO_TARGET_DIR", target),
            ("CARGO_BUILD_BUILD_DIR", shared),
        ]
    }

    /// netlings in a pseudo-terminal of 120 × 60, in this checkout.
    pub fn netlings(&self, args: &[&str], env: &[(&str, &str)]) -> OsSession {
        let target = self.path("target");
        let shared = shared_target_dir();
        let mut vars = self.vars(target.as_os_str(), shared.as_os_str());
        vars.extend(env.iter().map(|(k, v)| (*k, OsStr::new(*v))));
        super::netlings_pty(self.dir.path(), args, &vars, SCREEN)
    }

    /// netlings in a pseudo-terminal of `cols` × `rows`, read through a
    /// terminal emulator: what is on screen, as a learner sees it.
    pub fn screen(&self, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Screen {
        let target = self.path("target");
        let shared = shared_target_dir();
        let mut vars = self.vars(target.as_os_str(), shared.as_os_str());
        vars.extend(env.iter().map(|(k, v)| (*k, OsStr::new(*v))));
        let mut session = super::netlings_pty(self.dir.path(), args, &vars, SCREEN);
        session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        Screen::new(session, cols, rows)
    }
}

/// The target dir this test suite was built in (`target/debug/netlings`'s
/// grandparent), wherever CARGO_TARGET_DIR put it: its compiled
/// dependencies are reused.
pub fn shared_target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_netlings"))
        .parent()
        .and_then(|debug| debug.parent())
        .expect("target/<profile>/netlings")
        .to_path_buf()
}
