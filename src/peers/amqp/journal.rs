//! What a grade declared on the broker, written down as it goes, for the
//! one exit that runs no cleanup: netlings killed with SIGKILL.
//!
//! AMQP cannot list a broker's queues and exchanges, so netlings keeps its
//! own list: one file per grade, `.netlings/broker/<prefix>` in the
//! checkout, a line per name (`exchange NAME`, `queue NAME`) written before
//! the name is declared. A grade that ends deletes its names and its file.
//! A file left behind names the pid of the netlings that wrote it (the
//! prefix is `netlings.<exercise>.<pid>.<random>`); the next grade in this
//! checkout that connects to the broker deletes the names of every file
//! whose netlings is gone ([`sweep`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::{Declared, delete_declared};

/// Where the grades' lists are, in the checkout `root`.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".netlings").join("broker")
}

/// Appends one name to a grade's list (best effort: a list that cannot be
/// written only loses the sweep after a SIGKILL).
pub fn append(journal: &Path, kind: &str, name: &str) {
    if let Some(parent) = journal.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(journal)
    {
        let _ = writeln!(file, "{kind} {name}");
    }
}

/// The pid in a grade's prefix `netlings.<exercise>.<pid>.<random>`.
fn pid_of(prefix: &str) -> Option<i32> {
    let mut parts = prefix.split('.');
    (parts.next()? == "netlings").then_some(())?;
    parts.nth(1)?.parse().ok()
}

/// Whether the process `pid` exists (EPERM: it does, someone else's).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Deletes, once per netlings, the names listed by grades whose netlings
/// no longer runs; each list is removed once its names are deleted.
pub async fn sweep(root: &Path, url: &str) {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    if SWEPT.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir(root)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = pid_of(&name) else {
            continue;
        };
        if pid as u32 == std::process::id() || alive(pid) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let mut declared = Declared::default();
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("exchange", name)) => {
                    declared.exchanges.insert(name.to_string());
                }
                Some(("queue", name)) => {
                    declared.queues.insert(name.to_string());
                }
                _ => {}
            }
        }
        if delete_declared(url.to_string(), Arc::new(Mutex::new(declared))).await {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pid_is_read_from_the_prefix() {
        assert_eq!(
            super::pid_of("netlings.amqp_publish.4242.abcdef"),
            Some(4242)
        );
        assert_eq!(super::pid_of("netlings.amqp_publish"), None);
        assert_eq!(super::pid_of("other.amqp_publish.12.x"), None);
    }
}
