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

    /// Every file the learner edits for `exercise`, relative to the root:
    /// the stub first, then the files the catalog lists next to it.
    pub fn learner_files(exercise: &Exercise) -> Vec<PathBuf> {
        let stub = Self::exercise_rel(exercise);
        let dir = stub.parent().map(Path::to_path_buf).unwrap_or_default();
        std::iter::once(stub)
            .chain(exercise.files.iter().map(|f| dir.join(f)))
            .collect()
    }

    /// The stub as netlings shipped it.
    pub fn original_stub(exercise: &Exercise) -> Option<&'static str> {
        Self::original(&Self::exercise_rel(exercise))
    }

    /// A file under `exercises/` as netlings shipped it.
    pub fn original(rel: &Path) -> Option<&'static str> {
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

    /// Puts the original stub back, and the exercise's other files. The
    /// learner's version of each that differs is first copied to
    /// `.netlings/backups/`.
    pub fn reset(&self, exercise: &Exercise) -> Result<Reset> {
        let mut restored = false;
        let mut backups = Vec::new();
        for rel in Self::learner_files(exercise) {
            let original = Self::original(&rel).with_context(|| {
                format!(
                    "netlings has no original copy of {}; restore it with `git checkout -- {}`",
                    rel.display(),
                    rel.display()
                )
            })?;
            let path = self.root.join(&rel);
            let current = match std::fs::read(&path) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            if current.as_deref() == Some(original.as_bytes()) {
                continue;
            }
            restored = true;
            if let Some(bytes) = current {
                let backup = self.backup_path(exercise, &rel);
                std::fs::create_dir_all(backup.parent().unwrap())
                    .with_context(|| format!("creating {}", backup.display()))?;
                std::fs::write(&backup, bytes)
                    .with_context(|| format!("writing the backup {}", backup.display()))?;
                backups.push(backup);
            }
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            crate::state::write_atomically(&path, original.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(if restored {
            Reset::Restored { backups }
        } else {
            Reset::AlreadyOriginal
        })
    }

    /// A fresh backup name for the learner's `rel`: never overwrites an
    /// earlier backup (`grpc_codegen-<time>.rs`, `grpc_codegen-notes-<time>.proto`).
    fn backup_path(&self, exercise: &Exercise, rel: &Path) -> PathBuf {
        let dir = self.root.join(".netlings").join("backups");
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("rs")
            .to_string();
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let name = if stem == exercise.name {
            exercise.name.clone()
        } else {
            format!("{}-{stem}", exercise.name)
        };
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
                dir.join(format!("{name}-{stamp}{suffix}.{ext}"))
            })
            .find(|p| !p.exists())
            .expect("some backup name is free")
    }
}

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub enum Reset {
    AlreadyOriginal,
    /// Restored; the learner's versions were kept here (none when the
    /// files were missing).
    Restored {
        backups: Vec<PathBuf>,
    },
}
