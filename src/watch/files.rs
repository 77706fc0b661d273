//! Noticing saves: file-system events where they work, polling where they
//! do not (network and WSL mounts, containers, a watcher that failed), or
//! when `--poll` asks for it. Either way the result is a stream of
//! "this file changed" messages; debouncing is the caller's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

/// How often the poller looks at the exercise files.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// What the watch loop hears from a source.
#[derive(Debug)]
pub enum Change {
    Saved(PathBuf),
    /// The event watcher broke: switch to polling.
    WatcherFailed(String),
}

/// A running source of changes; dropping it stops it.
pub enum Source {
    /// Kept only to be dropped: the watcher stops with it.
    Events(#[allow(dead_code)] notify::RecommendedWatcher),
    Polling(tokio::task::JoinHandle<()>),
}

impl Source {
    pub fn describe(&self) -> &'static str {
        match self {
            Source::Events(_) => "file events",
            Source::Polling(_) => "polling",
        }
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        if let Source::Polling(task) = self {
            task.abort();
        }
    }
}

/// Starts watching `dir` (recursively). Returns the source and, when it
/// polls without being asked to, why.
pub fn start(
    dir: &Path,
    force_poll: bool,
    tx: UnboundedSender<Change>,
) -> (Source, Option<String>) {
    if force_poll {
        return (poll(dir, tx), None);
    }
    if let Some(reason) = events_unreliable(dir) {
        return (poll(dir, tx), Some(reason));
    }
    match events(dir, tx.clone()) {
        Ok(watcher) => (Source::Events(watcher), None),
        Err(e) => (poll(dir, tx), Some(format!("the file watcher failed: {e}"))),
    }
}

/// Polling, whatever the reason (also after a watcher failed mid-way).
pub fn poll(dir: &Path, tx: UnboundedSender<Change>) -> Source {
    let dir = dir.to_path_buf();
    Source::Polling(tokio::spawn(async move {
        let mut seen = snapshot(&dir);
        let mut tick = tokio::time::interval(POLL_EVERY);
        loop {
            tick.tick().await;
            let now = snapshot(&dir);
            for (path, stamp) in &now {
                if seen.get(path) != Some(stamp) && tx.send(Change::Saved(path.clone())).is_err() {
                    return;
                }
            }
            seen = now;
        }
    }))
}

fn events(dir: &Path, tx: UnboundedSender<Change>) -> notify::Result<notify::RecommendedWatcher> {
    if std::env::var_os("NETLINGS_TEST_WATCHER_FAILS").is_some() {
        return Err(notify::Error::generic(
            "simulated failure (NETLINGS_TEST_WATCHER_FAILS)",
        ));
    }
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let _ = match event {
            Ok(event) => {
                if event.kind.is_access() {
                    return;
                }
                for path in event.paths {
                    let _ = tx.send(Change::Saved(path));
                }
                Ok(())
            }
            Err(e) => tx.send(Change::WatcherFailed(e.to_string())),
        };
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// (modified time, length) of every file below `dir`.
fn snapshot(dir: &Path) -> HashMap<PathBuf, (Option<SystemTime>, u64)> {
    let mut out = HashMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.insert(path, (meta.modified().ok(), meta.len()));
            }
        }
    }
    out
}

/// File systems whose changes do not raise inotify events here: network
/// mounts, the Windows drives of WSL, shared folders of VMs and containers.
/// (Linux only: elsewhere the event watcher is trusted, and `--poll` is the
/// way out.)
#[cfg(not(target_os = "linux"))]
fn events_unreliable(_dir: &Path) -> Option<String> {
    None
}

#[cfg(target_os = "linux")]
fn events_unreliable(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    // The mount whose mount point is the longest prefix of `dir`.
    let (fs_type, mount_point) = mounts
        .lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let mount_point = left.split_whitespace().nth(4)?;
            let fs_type = right.split_whitespace().next()?;
            dir.starts_with(mount_point)
                .then(|| (fs_type.to_string(), mount_point.to_string()))
        })
        .max_by_key(|(_, point)| point.len())?;
    const REMOTE: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "drvfs",
        "vboxsf",
        "fuse.sshfs",
        "afs",
        "virtiofs",
        "fuse.vmhgfs-fuse",
    ];
    REMOTE
        .contains(&fs_type.as_str())
        .then(|| format!("{mount_point} is a {fs_type} mount, where file events are not reliable"))
}
