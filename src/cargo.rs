//! Building exercise binaries with cargo: one invocation for any number of
//! bins, cargo's own diagnostics kept per bin for the learner.
//!
//! cargo runs in a process group of its own, so a build that is no longer
//! wanted (watch mode: a newer save arrived) is stopped with its rustc
//! children by dropping the future.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result};
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::fastbuild::Record;
use crate::harness::groups::{self, GroupGuard};
use crate::provenance::{Built, forget_in_cargo};

/// The package holding every stub and solution as a `[[bin]]`.
pub const EXERCISES_PACKAGE: &str = "netlings-exercises";

/// How build output reaches the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// cargo's progress and diagnostics go to the terminal as they come.
    Live { color: bool },
    /// Everything is kept for the report.
    Quiet,
}

#[derive(Debug, Default)]
pub struct Build {
    /// Executables that built, by bin name.
    pub bins: HashMap<String, PathBuf>,
    /// Rendered compiler errors, by bin name.
    pub errors: HashMap<String, String>,
    /// Output of cargo itself when it failed for no particular bin.
    pub cargo_error: Option<String>,
    /// Bins cargo found fresh (it compiled nothing for them).
    pub fresh: std::collections::HashSet<String>,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    /// `path+file://…` for the workspace's own packages, `registry+…` for
    /// dependencies.
    #[serde(default)]
    package_id: Option<String>,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    fresh: bool,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    #[serde(default)]
    rendered: Option<String>,
    level: String,
}

fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Builds `bins` of the exercises package in one cargo call, going on past
/// failures so every bin that can build does.
pub async fn build(root: &Path, bins: &[String], show: Show) -> Result<Build> {
    build_package(root, EXERCISES_PACKAGE, bins, show, None).await
}

/// A line of cargo's progress ("Compiling tokio v1.48.0"), for screens that
/// show a build as it goes.
pub type Progress = tokio::sync::mpsc::UnboundedSender<String>;

/// Builds one exercise bin, by the fast path when it can (one recorded
/// rustc call, see [`crate::fastbuild`]), else through cargo - which then
/// records the rustc call for next time.
pub async fn build_bin(
    root: &Path,
    bin: &str,
    show: Show,
    progress: Option<Progress>,
) -> Result<Build> {
    if let Some(record) = Record::load_fresh(root, bin) {
        if let Some(exe) = record.compile(root).await {
            let mut build = Build::default();
            build.bins.insert(bin.to_string(), exe);
            return Ok(build);
        }
        // It did not build: cargo decides (and shows the diagnostics).
        Record::forget(root, bin);
    }
    run_cargo(
        root,
        EXERCISES_PACKAGE,
        &[bin.to_string()],
        show,
        progress,
        Some(bin),
    )
    .await
}

/// Builds `bins` of `package` (all its bins when `bins` is empty).
pub async fn build_package(
    root: &Path,
    package: &str,
    bins: &[String],
    show: Show,
    progress: Option<Progress>,
) -> Result<Build> {
    run_cargo(root, package, bins, show, progress, None).await
}

/// What a line of cargo's stderr is to the learner.
#[derive(Debug, PartialEq, Eq)]
enum StderrLine {
    /// Progress ("Compiling tokio v1.48.0"): one status line, replaced by
    /// the next.
    Progress,
    /// Chatter of `-vv` (the fast path's recording) and of dependencies:
    /// the commands cargo runs, build scripts' output, warnings counted in
    /// crates that are not the learner's.
    Noise,
    /// What the learner should read (cargo's own errors).
    Say,
}

/// Sorts cargo's stderr line by line; a command that cargo prints over
/// several lines (a package description with line breaks in its
/// environment) is noise to its closing backtick.
#[derive(Default)]
struct StderrSorter {
    in_command: bool,
}

impl StderrSorter {
    fn sort(&mut self, line: &str) -> StderrLine {
        // cargo colours its words when it writes to a terminal.
        let line = &crate::screen::plain(line);
        if self.in_command {
            self.in_command = !line.trim_end().ends_with('`');
            return StderrLine::Noise;
        }
        let t = line.trim_start();
        let word = t.split_whitespace().next().unwrap_or("");
        if t.starts_with("Running `") {
            self.in_command = !t.trim_end().ends_with('`');
            return StderrLine::Noise;
        }
        const PROGRESS: &[&str] = &[
            "Compiling",
            "Checking",
            "Building",
            "Blocking",
            "Downloading",
            "Downloaded",
            "Updating",
            "Locking",
            "Adding",
            "Fetching",
        ];
        const NOISE: &[&str] = &["Fresh", "Dirty", "Finished"];
        if PROGRESS.contains(&word) {
            StderrLine::Progress
        } else if NOISE.contains(&word)
            || t.starts_with('[')
            || t.starts_with("process didn't exit successfully: `")
            || t == "Caused by:"
            || t.trim().is_empty()
            // "warning: `errno` (lib) generated 1 warning": the warnings
            // themselves are shown (the learner's) or dropped (others').
            || (t.starts_with("warning: `") && t.contains(" generated "))
            || t.starts_with("warning: build failed, waiting for other jobs")
        {
            StderrLine::Noise
        } else {
            StderrLine::Say
        }
    }
}

/// cargo's progress, shown on one line of a terminal that is rewritten
/// (nothing at all when stderr is not a terminal).
struct StatusLine {
    tty: bool,
    shown: bool,
}

impl StatusLine {
    fn new() -> StatusLine {
        use std::io::IsTerminal;
        StatusLine {
            tty: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn set(&mut self, text: &str) {
        if self.tty {
            let (cols, _) = crate::terminal::size();
            let text: String = text.chars().take(cols.saturating_sub(1)).collect();
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{text}");
            self.shown = true;
        }
    }

    fn clear(&mut self) {
        if std::mem::take(&mut self.shown) {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// Builds with cargo, then makes sure every binary is of this checkout's
/// source: one that cargo found fresh but that this checkout did not build
/// (another checkout sharing the target directory did) is built again.
async fn run_cargo(
    root: &Path,
    package: &str,
    bins: &[String],
    show: Show,
    progress: Option<Progress>,
    record_for: Option<&str>,
) -> Result<Build> {
    let mut build = run_cargo_once(root, package, bins, show, progress.clone(), record_for).await?;
    let mut built = Built::load(root);
    let foreign: Vec<String> = build
        .bins
        .iter()
        .filter(|(bin, exe)| build.fresh.contains(*bin) && !built.is_ours(exe))
        .map(|(bin, exe)| {
            forget_in_cargo(exe, bin);
            bin.clone()
        })
        .collect();
    if !foreign.is_empty() {
        let again = run_cargo_once(root, package, &foreign, show, progress, record_for).await?;
        for bin in &foreign {
            build.bins.remove(bin);
            build.fresh.remove(bin);
        }
        build.bins.extend(again.bins);
        build.errors.extend(again.errors);
        build.fresh.extend(again.fresh);
        build.cargo_error = build.cargo_error.or(again.cargo_error);
    }
    // Each binary pinned for this process (see crate::pinned), under
    // cargo's lock: a later build of the same bin cannot pull it away.
    let first = build.bins.values().next().cloned();
    if let Some(first) = first {
        let _lock = crate::pinned::cargo_lock(&first).await;
        for exe in build.bins.values_mut() {
            if !built.is_ours(exe) {
                built.mark_ours(exe);
            }
            *exe = crate::pinned::link(exe);
            built.mark_ours(exe);
        }
    }
    built.save(root);
    Ok(build)
}

async fn run_cargo_once(
    root: &Path,
    package: &str,
    bins: &[String],
    show: Show,
    progress: Option<Progress>,
    record_for: Option<&str>,
) -> Result<Build> {
    let mut cmd = tokio::process::Command::new(cargo_program());
    cmd.current_dir(root)
        .arg("build")
        .arg("-p")
        .arg(package)
        .arg("--keep-going")
        .arg(match show {
            Show::Live { color: true } => "--message-format=json-diagnostic-rendered-ansi",
            _ => "--message-format=json",
        })
        .stdout(Stdio::piped())
        .stdin(Stdio::null());
    // A group of its own (a newer save stops the build with its rustc
    // children), marked as netlings', ended with netlings.
    groups::own(&mut cmd);
    if bins.is_empty() {
        cmd.arg("--bins");
    }
    for bin in bins {
        cmd.arg("--bin").arg(bin);
    }
    if record_for.is_some() {
        // -vv prints each rustc command (with its environment): recorded
        // for the fast path. Its chatter is filtered out below.
        cmd.arg("-vv");
    }
    let color = matches!(show, Show::Live { color: true });
    cmd.arg(if color {
        "--color=always"
    } else {
        "--color=never"
    });
    match show {
        // Without recording, cargo draws its own progress bar on the terminal.
        Show::Live { .. } if record_for.is_none() => cmd.stderr(Stdio::inherit()),
        _ => cmd.stderr(Stdio::piped()),
    };
    let mut child =
        groups::spawn(cmd).context("running cargo (is Rust installed? see README.md)")?;
    let mut guard = GroupGuard::new(child.id().context("cargo vanished as it started")? as i32);
    let live = matches!(show, Show::Live { .. });
    let record_root = root.to_path_buf();
    let record_bin = record_for.map(str::to_string);
    let status_line = std::sync::Arc::new(std::sync::Mutex::new(StatusLine::new()));
    let status_of_stderr = status_line.clone();
    let stderr_reader = child.stderr.take().map(|err| {
        tokio::spawn(async move {
            let mut text = String::new();
            let mut record = None;
            let mut lines = BufReader::new(err).lines();
            let mut sorter = StderrSorter::default();
            let status = status_of_stderr;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(bin) = &record_bin
                    && record.is_none()
                    && let Some(r) = Record::from_running_line(&record_root, bin, &line)
                {
                    record = Some(r);
                }
                match sorter.sort(&line) {
                    StderrLine::Noise => {}
                    StderrLine::Progress => {
                        if live {
                            status
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .set(line.trim());
                        }
                        if let Some(progress) = &progress {
                            let _ = progress.send(line.trim().to_string());
                        }
                    }
                    StderrLine::Say => {
                        if live {
                            status.lock().unwrap_or_else(|e| e.into_inner()).clear();
                            let _ = writeln!(std::io::stderr().lock(), "{line}");
                        }
                        text.push_str(&line);
                        text.push('\n');
                    }
                }
            }
            status.lock().unwrap_or_else(|e| e.into_inner()).clear();
            (text, record)
        })
    });

    let mut build = Build::default();
    let stdout = child.stdout.take().context("cargo's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await.context("reading cargo's output")? {
        let Ok(msg) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        match msg.reason.as_str() {
            "compiler-message" => {
                // `-vv` (the fast path's recording) makes cargo replay the
                // warnings of dependencies too: not the learner's code.
                if msg
                    .package_id
                    .as_deref()
                    .is_some_and(|id| !id.starts_with("path+"))
                {
                    continue;
                }
                let (Some(target), Some(diag)) = (msg.target, msg.message) else {
                    continue;
                };
                let Some(rendered) = diag.rendered else {
                    continue;
                };
                if let Show::Live { .. } = show {
                    status_line
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .clear();
                    let _ = std::io::stderr().lock().write_all(rendered.as_bytes());
                }
                if diag.level.starts_with("error") {
                    build
                        .errors
                        .entry(target.name)
                        .or_default()
                        .push_str(&rendered);
                }
            }
            "compiler-artifact" => {
                if let (Some(target), Some(exe)) = (msg.target, msg.executable) {
                    if msg.fresh {
                        build.fresh.insert(target.name.clone());
                    }
                    build.bins.insert(target.name, exe);
                }
            }
            _ => {}
        }
    }
    let status = child.wait().await.context("waiting for cargo")?;
    guard.disarm();
    let (stderr, record) = match stderr_reader {
        Some(handle) => handle.await.unwrap_or_default(),
        None => (String::new(), None),
    };
    if let (Some(record), Some(bin)) = (record, record_for)
        && let Some(exe) = build.bins.get(bin)
    {
        record.with_uplift(exe).save(root);
    }
    if !status.success() {
        // Bins that failed without a diagnostic of their own (a dependency
        // failed, cargo itself failed): say so with cargo's own words.
        let missing = bins
            .iter()
            .any(|b| !build.bins.contains_key(b) && !build.errors.contains_key(b));
        if missing || build.errors.is_empty() {
            let text = if stderr.trim().is_empty() {
                "cargo failed (its messages are above)".to_string()
            } else {
                stderr
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("Compiling"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            build.cargo_error = Some(text);
        }
    }
    Ok(build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_chatter_is_sorted_from_what_the_learner_reads() {
        let mut sorter = StderrSorter::default();
        let lines = [
            ("   Compiling tokio v1.54.1", StderrLine::Progress),
            (
                "\x1b[1m\x1b[92m    Blocking\x1b[0m waiting for file lock on build directory",
                StderrLine::Progress,
            ),
            (
                "\x1b[1m\x1b[92m       Fresh\x1b[0m unicode-ident v1.0.27",
                StderrLine::Noise,
            ),
            ("       Fresh libc v0.2.191", StderrLine::Noise),
            // A command over three lines: a description with line breaks.
            (
                "     Running `CARGO_PKG_DESCRIPTION='A runtime for",
                StderrLine::Noise,
            ),
            ("backed applications.", StderrLine::Noise),
            (
                "' rustc --crate-name tokio --cap-lints warn`",
                StderrLine::Noise,
            ),
            (
                "[errno 0.3.15] cargo:rerun-if-changed=build.rs",
                StderrLine::Noise,
            ),
            (
                "warning: `errno` (lib) generated 1 warning",
                StderrLine::Noise,
            ),
            (
                "error: failed to parse manifest at `/x/Cargo.toml`",
                StderrLine::Say,
            ),
            (
                "    Finished `dev` profile [unoptimized] target(s) in 0.8s",
                StderrLine::Noise,
            ),
        ];
        for (line, expected) in lines {
            assert_eq!(sorter.sort(line), expected, "{line}");
        }
    }
}
