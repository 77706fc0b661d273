//! Every process group netlings starts (learners' programs, cargo, rustc),
//! and how none of them outlives netlings, whatever ends it:
//!
//! - a group is registered for as long as it may be alive ([`register`],
//!   [`GroupGuard`]); the end of a grade, its cancellation and netlings'
//!   own end ([`terminate_all`], [`kill_all`]) stop it;
//! - TERM, HUP and INT end netlings the way Ctrl-C does (`cli.rs`): every
//!   group is sent TERM, then KILL, before netlings exits;
//! - KILL reaches no handler. On Linux every child gets a parent-death
//!   signal (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), and on every Unix the
//!   [`guardian`](super::guardian), a small process forked when netlings
//!   starts, ends every registered group - grandchildren included, which a
//!   parent-death signal does not reach - once netlings is gone.
//!
//! Not used: `PR_SET_CHILD_SUBREAPER`. It would make netlings the parent of
//! orphaned grandchildren, which it would then have to reap (tokio reaps
//! only the children it spawned); their zombies would keep a group "alive"
//! for [`group_alive`], and the subreaper's duty ends with netlings anyway.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use super::{OWNER_VAR, guardian};

/// How long TERM has before KILL.
pub const TERM_GRACE: Duration = Duration::from_millis(300);

/// Process groups alive right now, for [`kill_all`].
static LIVE_GROUPS: Mutex<Option<HashSet<i32>>> = Mutex::new(None);

fn live_groups<R>(f: impl FnOnce(&mut HashSet<i32>) -> R) -> R {
    let mut guard = LIVE_GROUPS.lock().unwrap_or_else(|p| p.into_inner());
    f(guard.get_or_insert_with(HashSet::new))
}

/// Registers a group netlings must end: with [`kill_all`], and through the
/// guardian if netlings is killed.
pub fn register(pgid: i32) {
    live_groups(|g| {
        g.insert(pgid);
        guardian::tell_started(pgid);
    });
}

/// The group is gone (or about to be killed for sure).
pub fn unregister(pgid: i32) {
    live_groups(|g| {
        if g.remove(&pgid) {
            guardian::tell_ended(pgid);
        }
    });
}

/// Kills every process group netlings started and has not reaped yet, and
/// (Linux) every process that carries this netlings' mark and escaped its
/// group. Called on the way out, whatever the way.
pub fn kill_all() {
    let groups: Vec<i32> = live_groups(|g| g.iter().copied().collect());
    for pgid in groups {
        signal_group(pgid, libc::SIGKILL);
        unregister(pgid);
    }
    kill_marked(std::process::id());
}

/// Ends every group netlings started: TERM, then KILL whatever is left
/// after [`TERM_GRACE`] (a signal ends netlings: its programs may clean
/// up); returns once they are gone (bounded): a killed process holds its
/// sockets until the kernel has taken it down.
pub async fn terminate_all() {
    let groups: Vec<i32> = live_groups(|g| g.iter().copied().collect());
    for &pgid in &groups {
        signal_group(pgid, libc::SIGTERM);
    }
    let gone = || !groups.iter().any(|&pgid| group_alive(pgid));
    let deadline = tokio::time::Instant::now() + TERM_GRACE;
    while !gone() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    kill_all();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !(gone() && marked(std::process::id()).is_empty())
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Whether any process of the group still exists (zombies included).
pub fn group_alive(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

pub fn signal_group(pgid: i32, signal: i32) {
    // Group 0 is netlings' own (and 1 everybody): never a program's.
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals a process group; it has no
    // memory-safety preconditions.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

/// Kills the processes whose environment carries `NETLINGS_OWNER=<owner>`
/// (the mark every program, cargo and rustc netlings starts gets, inherited
/// by their children): those that left their process group (`setsid`) are
/// found this way. Linux only (it reads /proc); elsewhere the groups are
/// all netlings can reach.
pub fn kill_marked(owner: u32) {
    for pid in marked(owner) {
        // SAFETY: kill(2) has no memory-safety preconditions.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Pids of the live processes marked as started by netlings `owner`.
pub fn marked(owner: u32) -> Vec<i32> {
    let mut pids = Vec::new();
    if !cfg!(target_os = "linux") {
        return pids;
    }
    let marker = format!("{OWNER_VAR}={owner}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if pid as u32 == std::process::id() {
            continue;
        }
        if std::fs::read(format!("/proc/{pid}/environ"))
            .is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == marker.as_bytes()))
        {
            pids.push(pid);
        }
    }
    pids
}

/// Makes `cmd` a process netlings owns: a process group of its own (so it
/// and everything it forks end together), the owner's mark, and on Linux a
/// parent-death signal, so that not even `kill -KILL` of netlings leaves it
/// running. Spawn it with [`spawn`].
pub fn own(cmd: &mut tokio::process::Command) {
    cmd.process_group(0)
        .env(OWNER_VAR, std::process::id().to_string());
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: between fork and exec only async-signal-safe calls
        // (prctl, getppid) and no allocation.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // netlings died before the prctl: no signal would come.
                if libc::getppid() != parent {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
}

/// netlings is on its way out: nothing new starts.
static CLOSING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on [`spawn`] refuses: a grade still running while netlings
/// ends (a signal) must not start a program nobody will stop.
pub fn stop_starting() {
    CLOSING.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether netlings is ending (on a signal): what is still running is
/// being stopped, and no verdict of it means anything.
pub fn closing() -> bool {
    CLOSING.load(std::sync::atomic::Ordering::SeqCst)
}

type Spawned = std::io::Result<tokio::process::Child>;
type Request = (
    tokio::process::Command,
    tokio::runtime::Handle,
    std::sync::mpsc::SyncSender<Spawned>,
);

/// The thread every child is spawned from.
static SPAWNER: Mutex<Option<std::sync::mpsc::Sender<Request>>> = Mutex::new(None);

/// Spawns `cmd` (made with [`own`]) from a thread that lives as long as
/// netlings: a parent-death signal fires when the *thread* that forked the
/// child ends, and tokio ends idle threads of its blocking pool. Must be
/// called within a tokio runtime, which will reap the child.
pub fn spawn(cmd: tokio::process::Command) -> Spawned {
    if closing() {
        return Err(std::io::Error::other("netlings is exiting"));
    }
    let handle = tokio::runtime::Handle::current();
    let (reply, answer) = std::sync::mpsc::sync_channel(1);
    let sent = {
        let mut spawner = SPAWNER.lock().unwrap_or_else(|p| p.into_inner());
        let tx = spawner.get_or_insert_with(start_spawner);
        tx.send((cmd, handle, reply))
    };
    match sent {
        Ok(()) => answer
            .recv()
            .unwrap_or_else(|_| Err(std::io::Error::other("netlings' spawner thread ended"))),
        // The thread is gone (it never ends unless it panicked): spawn here.
        Err(std::sync::mpsc::SendError((mut cmd, _, _))) => cmd.spawn(),
    }
}

fn start_spawner() -> std::sync::mpsc::Sender<Request> {
    let (tx, rx) = std::sync::mpsc::channel::<Request>();
    std::thread::Builder::new()
        .name("netlings-spawner".into())
        .spawn(move || {
            for (mut cmd, handle, reply) in rx {
                let _runtime = handle.enter();
                let _ = reply.send(cmd.spawn());
            }
        })
        .expect("starting netlings' spawner thread");
    tx
}

/// Owns a process group that is not a [`Program`](super::Program) (e.g. a
/// cargo build): registered for [`kill_all`], killed when dropped unless
/// [`disarm`]ed.
///
/// [`disarm`]: GroupGuard::disarm
#[must_use = "dropping the guard kills the group"]
pub struct GroupGuard {
    pgid: i32,
    armed: bool,
}

impl GroupGuard {
    pub fn new(pgid: i32) -> GroupGuard {
        register(pgid);
        GroupGuard { pgid, armed: true }
    }

    /// The group ended by itself: nothing to kill.
    pub fn disarm(&mut self) {
        self.armed = false;
        unregister(self.pgid);
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.armed {
            signal_group(self.pgid, libc::SIGKILL);
            unregister(self.pgid);
        }
    }
}
