//! `verify --learner DIR`: a student's exercise files, graded with this
//! netlings' own graders, peers, solutions, curriculum and manifests.
//!
//! Nothing of `DIR` is read but the learner files of each exercise: its
//! stub, the files `exercises.toml` lists next to it (grpc_codegen's
//! `notes.proto`), a quiz's answer file. They are copied into a staging
//! checkout, `.netlings/learner/<hash of DIR>/`, whose every other part is
//! this checkout's: `src/`, `proto/`, `solutions/` and `tests/mutants/` are
//! links to it, its manifests, lock file, curriculum and build scripts are
//! copies of its own. So a student's edits to graders, manifests, build
//! scripts or tests are never seen.
//!
//! A stub that is missing, not a regular file or not UTF-8 becomes a
//! program that does not compile and says why: that exercise fails at
//! `compiles`, and the others are graded. The staging checkout shares this
//! checkout's build directory (the dependencies are compiled once), and
//! rewrites a file only when it changed, so cargo rebuilds only what the
//! student changed.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::catalog::Catalog;
use crate::workspace::Workspace;

/// This checkout's parts the staging checkout links to.
const LINKED: &[&str] = &["src", "proto", "solutions", "tests/mutants"];
/// This checkout's files the staging checkout copies (cargo reads the
/// workspace's manifest where it finds it, so it is a file of its own).
const COPIED: &[&str] = &["Cargo.toml", "Cargo.lock", "exercises.toml", "build.rs"];

const NOT_A_CHECKOUT: &str = "has no exercises/ folder: give the folder of a student's \
checkout (the one with exercises/NN_topic/…), as `netlings classroom init` lays it out";

/// Lays out the staging checkout for the student's checkout at `learner`
/// and returns its root, ready to be built and graded.
pub fn stage(root: &Path, catalog: &Catalog, learner: &Path) -> Result<PathBuf> {
    let learner = learner
        .canonicalize()
        .with_context(|| format!("the student's checkout {}", learner.display()))?;
    if !learner.join("exercises").is_dir() {
        bail!("{} {NOT_A_CHECKOUT}", learner.display());
    }
    let stage = root.join(".netlings").join("learner").join(key(&learner));
    std::fs::create_dir_all(stage.join("tests"))
        .with_context(|| format!("creating {}", stage.display()))?;
    for part in LINKED {
        link(&root.join(part), &stage.join(part))?;
    }
    for file in COPIED {
        copy(&root.join(file), &stage.join(file))?;
    }
    // The exercises package's own files (manifest, build script, library),
    // not its topic folders.
    let package = root.join("exercises");
    for entry in std::fs::read_dir(&package)
        .with_context(|| format!("reading {}", package.display()))?
        .flatten()
    {
        if entry.file_type().is_ok_and(|t| t.is_file()) && entry.file_name() != "Cargo.toml" {
            copy(
                &entry.path(),
                &stage.join("exercises").join(entry.file_name()),
            )?;
        }
    }
    // cargo names a member's artifacts after its name, version and path in
    // its workspace - the same here as in this checkout: a version of its
    // own keeps the student's library and bins apart from this checkout's
    // in the build directory both share.
    let manifest = std::fs::read_to_string(package.join("Cargo.toml"))
        .with_context(|| format!("reading {}", package.join("Cargo.toml").display()))?;
    let version = format!("version = \"0.1.0-learner-{}\"", key(&learner));
    write(
        &stage.join("exercises/Cargo.toml"),
        manifest
            .replacen("version = \"0.1.0\"", &version, 1)
            .as_bytes(),
    )?;
    // The dependencies are compiled in this checkout's build directory; the
    // student's programs land in the staging checkout's own target/.
    let shared = ["CARGO_BUILD_BUILD_DIR", "CARGO_TARGET_DIR"]
        .iter()
        .find_map(std::env::var_os)
        .map_or_else(|| root.join("target"), PathBuf::from);
    let config = format!(
        "# Written by netlings: the staging checkout of a student's files.\n\
         [build]\ntarget-dir = {}\nbuild-dir = {}\n",
        toml::Value::String(stage.join("target").to_string_lossy().into_owned()),
        toml::Value::String(shared.to_string_lossy().into_owned())
    );
    write(&stage.join(".cargo/config.toml"), config.as_bytes())?;
    for exercise in &catalog.exercises {
        for rel in Workspace::learner_files(exercise) {
            let to = stage.join(&rel);
            match read_learner_file(&learner, &rel) {
                Ok(bytes) => write(&to, &bytes)?,
                Err(why) if is_rust(&rel) => write(&to, placeholder(&rel, &why).as_bytes())?,
                // An answer file or a proto that is not there: grading says so.
                Err(_) => remove(&to)?,
            }
        }
    }
    Ok(stage)
}

/// A folder name for a student's checkout: the same every time for the same
/// path, so that its builds are reused.
fn key(learner: &Path) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    learner.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn is_rust(rel: &Path) -> bool {
    rel.extension().is_some_and(|e| e == "rs")
}

/// The bytes of a learner file, or why there are none to grade.
fn read_learner_file(learner: &Path, rel: &Path) -> Result<Vec<u8>, String> {
    let path = learner.join(rel);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("is missing from your checkout".into());
        }
        Err(e) => return Err(format!("cannot be read: {e}")),
    };
    if !meta.is_file() {
        return Err(
            "is not a regular file (a link or a folder): netlings grades only files".into(),
        );
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot be read: {e}"))?;
    if is_rust(rel) && std::str::from_utf8(&bytes).is_err() {
        return Err("is not UTF-8 text".into());
    }
    Ok(bytes)
}

/// A program that does not compile, and says why.
fn placeholder(rel: &Path, why: &str) -> String {
    let text = format!("{} {why}", rel.display());
    format!(
        "// Written by netlings in place of the student's file.\ncompile_error!({text:?});\nfn main() {{}}\n"
    )
}

/// Writes `bytes` to `path` unless it holds them already (cargo judges
/// freshness by modification times).
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    write(to, &bytes)
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// `at` becomes a symbolic link to `to` (unless it is one already).
fn link(to: &Path, at: &Path) -> Result<()> {
    if std::fs::read_link(at).is_ok_and(|target| target == to) {
        return Ok(());
    }
    if let Ok(meta) = std::fs::symlink_metadata(at) {
        if meta.is_dir() {
            std::fs::remove_dir_all(at)
        } else {
            std::fs::remove_file(at)
        }
        .with_context(|| format!("removing {}", at.display()))?;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(to, at)
        .with_context(|| format!("linking {} to {}", at.display(), to.display()))?;
    #[cfg(not(unix))]
    bail!("grading a student's checkout needs symbolic links (Unix)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_stub_becomes_a_program_that_says_so() {
        let text = placeholder(
            Path::new("exercises/01_sockets/tcp_client.rs"),
            "is missing",
        );
        assert!(text.contains("compile_error!(\"exercises/01_sockets/tcp_client.rs is missing\")"));
    }

    #[test]
    fn only_regular_utf8_stubs_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("a.rs");
        assert_eq!(
            read_learner_file(dir.path(), rel).unwrap_err(),
            "is missing from your checkout"
        );
        std::fs::write(dir.path().join("a.rs"), b"fn main() {}\xff").unwrap();
        assert_eq!(
            read_learner_file(dir.path(), rel).unwrap_err(),
            "is not UTF-8 text"
        );
        std::fs::write(dir.path().join("b.rs"), b"fn main() {}").unwrap();
        std::fs::remove_file(dir.path().join("a.rs")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("b.rs"), dir.path().join("a.rs")).unwrap();
        assert!(
            read_learner_file(dir.path(), rel)
                .unwrap_err()
                .contains("not a regular file")
        );
        assert_eq!(
            read_learner_file(dir.path(), Path::new("b.rs")).unwrap(),
            b"fn main() {}"
        );
    }
}
