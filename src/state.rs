//! The learner's progress: which exercise is current and which are done.
//!
//! Kept in `.netlings-state.toml` at the root, written atomically (a temporary
//! file, fsync, rename) so that a crash or Ctrl-C never leaves half a file. A
//! damaged file is reported with its line and a way out, never a panic.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, line_col};

pub const STATE_FILE: &str = ".netlings-state.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The exercise `run`, `hint` and `watch` work on when none is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Exercises that pass: marked when one passes, unmarked when a later
    /// grade fails it.
    #[serde(default)]
    pub done: BTreeSet<String>,
}

#[derive(Debug)]
pub struct StateError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: the progress file is damaged: {}\n\
             Your exercises are untouched. To go on, fix that line, or move the file aside:\n    \
             mv {} {}.bad\n\
             netlings then starts with fresh progress; `netlings verify` marks every exercise that passes as done again.",
            self.path.display(),
            self.line,
            self.message,
            self.path.display(),
            self.path.display()
        )
    }
}

impl std::error::Error for StateError {}

impl State {
    /// `NETLINGS_STATE` if set (tests, CI sandboxes), else the file at the root.
    pub fn path(root: &Path) -> PathBuf {
        std::env::var_os("NETLINGS_STATE").map_or_else(|| root.join(STATE_FILE), PathBuf::from)
    }

    /// Loads the progress; a missing file is a fresh start.
    pub fn load(root: &Path) -> Result<State, StateError> {
        let path = Self::path(root);
        let text = match std::fs::read(&path) {
            Ok(bytes) => {
                crate::catalog::utf8_text(bytes).map_err(|(line, message)| StateError {
                    path: path.clone(),
                    line,
                    message,
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => {
                return Err(StateError {
                    path,
                    line: 0,
                    message: format!("cannot read it: {e}"),
                });
            }
        };
        State::parse(&path, &text)
    }

    /// Reads the progress from its text; `path` is only used in errors.
    pub fn parse(path: &Path, text: &str) -> Result<State, StateError> {
        toml::from_str(text).map_err(|e| StateError {
            line: line_col(text, e.span().map_or(0, |s| s.start)).0,
            path: path.to_path_buf(),
            message: e.message().trim().to_string(),
        })
    }

    /// Writes the progress atomically: never half a file, even on a crash.
    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        let text = format!(
            "# netlings progress. Safe to delete: you lose only the done marks.\n{}",
            toml::to_string(self).map_err(std::io::Error::other)?
        );
        write_atomically(&Self::path(root), text.as_bytes())
    }

    /// Drops names the curriculum no longer has.
    pub fn retain_known(&mut self, catalog: &Catalog) {
        self.done.retain(|n| catalog.exercise(n).is_some());
        if self
            .current
            .as_deref()
            .is_some_and(|c| catalog.exercise(c).is_none())
        {
            self.current = None;
        }
    }

    /// The current exercise: the saved one, else the first not done.
    pub fn current_or_first_pending<'c>(&self, catalog: &'c Catalog) -> &'c str {
        self.current
            .as_deref()
            .and_then(|c| catalog.exercise(c))
            .or_else(|| {
                catalog
                    .exercises
                    .iter()
                    .find(|e| !self.done.contains(&e.name))
            })
            .unwrap_or(&catalog.exercises[0])
            .name
            .as_str()
    }

    /// The first exercise after `from` (wrapping around) that is not done.
    pub fn next_pending<'c>(&self, catalog: &'c Catalog, from: &str) -> Option<&'c str> {
        let start = catalog.position(from).map_or(0, |i| i + 1);
        let n = catalog.exercises.len();
        (0..n)
            .map(|k| &catalog.exercises[(start + k) % n])
            .find(|e| !self.done.contains(&e.name) && e.name != from)
            .map(|e| e.name.as_str())
    }
}

/// Write to a temporary file beside `path`, flush it to disk, then rename it
/// over `path`: readers see the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(State::load(dir.path()).unwrap(), State::default());
        let mut s = State {
            current: Some("tcp_client".into()),
            ..State::default()
        };
        s.done.insert("tcp_echo_server".into());
        s.save(dir.path()).unwrap();
        assert_eq!(State::load(dir.path()).unwrap(), s);
    }

    #[test]
    fn damaged_file_names_its_line_and_a_way_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            State::path(dir.path()),
            "current = \"tcp_client\"\ndone = [\"a\",\n",
        )
        .unwrap();
        let e = State::load(dir.path()).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let text = e.to_string();
        assert!(
            text.contains("mv ") && text.contains(".netlings-state.toml.bad"),
            "{text}"
        );
    }
}
