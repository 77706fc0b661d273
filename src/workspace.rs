//! Where the learner's files are, and resetting them without losing any.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::catalog::{Catalog, Exercise};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/stubs.rs"));
}

const NOT_IN_CHECKOUT: &str = "netlings runs inside its own checkout, and there is no exercises.toml \
in this folder or above it. `cd` into the netlings folder (the one with README.md and exercises/), \
or set NETLINGS_ROOT to it.";

/// The checkout netlings works in.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// `NETLINGS_ROOT`, else the nearest folder at or above the current one
    /// that holds `exercises.toml`.
    pub fn discover() -> Result<Workspace> {
        if let Some(root) = std::env::var_os("NETLINGS_ROOT") {
            let root = PathBuf::from(root);
            if !root.join(Catalog::FILE).is_file() {
                bail!(
                    "NETLINGS_ROOT is {} but it has no {}",
                    root.display(),
                    Catalog::FILE
                );
            }
            return Ok(Workspace { root });
        }
        let cwd = std::env::current_dir().context("reading the current folder")?;
        cwd.ancestors()
            .find(|dir| dir.join(Catalog::FILE).is_file())
            .map(|dir| Workspace {
                root: dir.to_path_buf(),
            })
            .context(NOT_IN_CHECKOUT)
    }

    /// The file the learner edits, relative to the root.
    pub fn exercise_rel(exercise: &Exercise) -> PathBuf {
        let file = if exercise.is_quiz() {
            format!("{}.toml", exercise.name)
        } else {
            format!("{}.rs", exercise.name)
        };
        Path::new("exercises").join(&exercise.topic).join(file)
    }

    pub fn exercise_path(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(Self::exercise_rel(exercise))
    }

    pub fn solution_path(&self, exercise: &Exercise) -> PathBuf {
        let rel = Self::exercise_rel(exercise);
        self.root
            .join("solutions")
            .join(rel.strip_prefix("exercises").unwrap_or(&rel))
    }

    /// The stub as netlings shipped it.
    pub fn original_stub(exercise: &Exercise) -> Option<&'static str> {
        let rel = Self::exercise_rel(exercise);
        let rel = rel
            .strip_prefix("exercises")
            .ok()?
            .to_str()?
            .replace('\\', "/");
        embedded::STUBS
            .iter()
            .find(|(path, _)| *path == rel)
            .map(|(_, text)| *text)
    }

    /// Puts the original stub back. The learner's version, if it differs, is
    /// first copied to `.netlings/backups/`; returns where, if anywhere.
    pub fn reset(&self, exercise: &Exercise) -> Result<Reset> {
        let original = Self::original_stub(exercise).with_context(|| {
            format!(
                "netlings has no original copy of {}; restore it with `git checkout -- {}`",
                exercise.name,
                Self::exercise_rel(exercise).display()
            )
        })?;
        let path = self.exercise_path(exercise);
        let current = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        if current.as_deref() == Some(original.as_bytes()) {
            return Ok(Reset::AlreadyOriginal);
        }
        let backup = match current {
            Some(bytes) => {
                let backup = self.backup_path(exercise);
                std::fs::create_dir_all(backup.parent().unwrap())
                    .with_context(|| format!("creating {}", backup.display()))?;
                std::fs::write(&backup, bytes)
                    .with_context(|| format!("writing the backup {}", backup.display()))?;
                Some(backup)
            }
            None => None,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        crate::state::write_atomically(&path, original.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(Reset::Restored { backup })
    }

    /// A fresh backup name: never overwrites an earlier backup.
    fn backup_path(&self, exercise: &Exercise) -> PathBuf {
        let dir = self.root.join(".netlings").join("backups");
        let ext = Self::exercise_rel(exercise)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("rs")
            .to_string();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        (0..)
            .map(|n| {
                let suffix = if n == 0 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                dir.join(format!("{}-{stamp}{suffix}.{ext}", exercise.name))
            })
            .find(|p| !p.exists())
            .expect("some backup name is free")
    }
}

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub enum Reset {
    AlreadyOriginal,
    Restored { backup: Option<PathBuf> },
}
