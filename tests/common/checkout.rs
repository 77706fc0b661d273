//! A scratch checkout in a temporary directory, for tests that drive
//! netlings in a pseudo-terminal: the workspace's sources (see
//! [`super::scratch`]), its final binaries in a target dir of its own, its
//! compiled dependencies shared with the real one.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

use expectrl::session::OsSession;

use super::scratch::{copy_sources, save, shared_target_dir};
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
        let name = dir
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("x")
            .to_string();
        copy_sources(dir.path(), &name);
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
        save(self.dir.path(), topic_and_name, text);
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
