//! A built exercise binary pinned for one netlings process: a hard link of
//! its own, made under cargo's lock, so that another build of the same bin
//! (`verify` beside `watch`, tests of one checkout in parallel) can relink
//! cargo's file while this process still has programs to start from it.
//!
//! A linker replaces its output by removing it first: starting a program
//! from cargo's path at that moment fails with "No such file or directory",
//! and a moment later it may start the other build's binary.

use std::fs::File;
use std::path::{Path, PathBuf};

/// cargo's lock of the profile directory holding `exe` (`…/debug/deps/x`
/// or `…/debug/x`): held, no cargo of this checkout writes there.
pub async fn cargo_lock(exe: &Path) -> Option<File> {
    let profile = exe.parent()?;
    let profile = if profile.ends_with("deps") {
        profile.parent()?
    } else {
        profile
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(profile.join(".cargo-lock"))
        .ok()?;
    tokio::task::spawn_blocking(move || {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on an fd this closure owns; it blocks until held.
        (unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0).then_some(file)
    })
    .await
    .ok()
    .flatten()
}

/// Links `exe` (whose lock the caller holds) into this process's own
/// directory, and returns that path; `exe` itself when linking fails.
pub fn link(exe: &Path) -> PathBuf {
    let (Some(profile), Some(name)) = (exe.parent(), exe.file_name()) else {
        return exe.to_path_buf();
    };
    let base = profile.join(".netlings-run");
    forget_the_dead(&base);
    let dir = base.join(std::process::id().to_string());
    let pinned = dir.join(name);
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::remove_file(&pinned);
    if std::fs::hard_link(exe, &pinned).is_ok() {
        pinned
    } else {
        exe.to_path_buf()
    }
}

/// Removes the directories of netlings processes that have ended.
fn forget_the_dead(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Pins `exe`: waits for cargo's lock, links it, releases the lock.
pub async fn pin(exe: &Path) -> PathBuf {
    let _lock = cargo_lock(exe).await;
    link(exe)
}
