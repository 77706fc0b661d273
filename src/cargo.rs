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

/// Lines of cargo's `-vv` chatter that the learner does not need.
fn verbose_noise(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("Fresh ")
        || t.starts_with("Running `")
        || t.starts_with("Dirty ")
        || t.starts_with("[")
        || t.starts_with("process didn't exit successfully: `")
        || t == "Caused by:"
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
    for exe in build.bins.values() {
        if !built.is_ours(exe) {
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
    let stderr_reader = child.stderr.take().map(|err| {
        tokio::spawn(async move {
            let mut text = String::new();
            let mut record = None;
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(bin) = &record_bin
                    && record.is_none()
                    && let Some(r) = Record::from_running_line(&record_root, bin, &line)
                {
                    record = Some(r);
                }
                if record_bin.is_some() && verbose_noise(&line) {
                    continue;
                }
                if live {
                    let _ = writeln!(std::io::stderr().lock(), "{line}");
                }
                if let Some(progress) = &progress {
                    let _ = progress.send(line.trim().to_string());
                }
                text.push_str(&line);
                text.push('\n');
            }
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
