//! The guardian: a small process forked when netlings starts, which ends
//! the learners' programs (and cargo builds) that netlings leaves behind
//! when it is killed with SIGKILL - the one signal no handler sees.
//!
//! netlings tells it, over a pipe, each process group it starts and each
//! that ends (five bytes: `+` or `-`, then the group id). When the pipe
//! closes - netlings has exited, however it exited - the guardian sends TERM
//! to every group still listed, KILL after a grace period, then (Linux) KILL
//! to every process still carrying netlings' `NETLINGS_OWNER` mark, and
//! exits. It runs in a process group of its own, so the terminal's Ctrl-C
//! and hang-up (or a `kill` of netlings' group) leave it to do its work.
//!
//! Works on every Unix; on Linux the parent-death signal (see
//! [`groups::own`](super::groups::own)) already ends the direct children,
//! and the guardian adds their children and what left its group.

use std::collections::HashSet;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use super::groups;

/// netlings' end of the pipe (-1: no guardian, e.g. in netlings' own tests).
static TO_GUARDIAN: AtomicI32 = AtomicI32::new(-1);

/// Forks the guardian. Call it first thing in `main`, while netlings has a
/// single thread (forking a process with threads leaves locks held in the
/// child). Without it, netlings works as before, minus the guard against
/// SIGKILL.
pub fn start() {
    let owner = std::process::id();
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return;
    }
    let [read_end, write_end] = fds;
    // SAFETY: fcntl(2) and fork(2) on descriptors this function owns; the
    // process has one thread (the caller's promise), so the child may run
    // ordinary Rust code.
    unsafe {
        // Children of netlings must not hold the pipe open (exec closes it);
        // a full pipe drops a message rather than block netlings.
        libc::fcntl(write_end, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(
            write_end,
            libc::F_SETFL,
            libc::fcntl(write_end, libc::F_GETFL) | libc::O_NONBLOCK,
        );
        libc::fcntl(read_end, libc::F_SETFD, libc::FD_CLOEXEC);
        match libc::fork() {
            -1 => {
                libc::close(read_end);
                libc::close(write_end);
            }
            0 => {
                libc::close(write_end);
                guard(read_end, owner)
            }
            _ => {
                libc::close(read_end);
                TO_GUARDIAN.store(write_end, Ordering::SeqCst);
            }
        }
    }
}

/// netlings started the process group `pgid`.
pub fn tell_started(pgid: i32) {
    tell(b'+', pgid);
}

/// The group `pgid` has ended (or netlings has killed it).
pub fn tell_ended(pgid: i32) {
    tell(b'-', pgid);
}

fn tell(what: u8, pgid: i32) {
    let fd = TO_GUARDIAN.load(Ordering::SeqCst);
    if fd < 0 {
        return;
    }
    let mut message = [what, 0, 0, 0, 0];
    message[1..].copy_from_slice(&pgid.to_le_bytes());
    // SAFETY: writes five bytes from a live buffer. Five bytes are less than
    // PIPE_BUF: written whole or not at all, never interleaved.
    unsafe {
        libc::write(fd, message.as_ptr().cast(), message.len());
    }
}

/// The guardian's life: listen until netlings is gone, then end what it
/// left. Never returns.
fn guard(pipe: i32, owner: u32) -> ! {
    // SAFETY: plain system calls on this process's own state.
    unsafe {
        libc::setpgid(0, 0);
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGHUP, libc::SIG_IGN);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        // Hold none of netlings' files: not its terminal, not the pipes a
        // test reads netlings' output from.
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        for fd in 0..3 {
            libc::dup2(null, fd);
        }
        for fd in 3..1024 {
            if fd != pipe {
                libc::close(fd);
            }
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_NAME, c"netlings-guard".as_ptr());
    }
    let mut groups = HashSet::new();
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: reads into a live buffer of the length given.
        let n = unsafe { libc::read(pipe, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if n <= 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n as usize]);
        let whole = pending.len() / 5 * 5;
        for message in pending[..whole].chunks(5) {
            let pgid = i32::from_le_bytes([message[1], message[2], message[3], message[4]]);
            if message[0] == b'+' {
                groups.insert(pgid);
            } else {
                groups.remove(&pgid);
            }
        }
        pending.drain(..whole);
    }
    end(&groups, owner);
    // SAFETY: _exit(2) ends this process without running netlings' atexit
    // handlers (they belong to the parent).
    unsafe { libc::_exit(0) }
}

/// TERM, a grace period, KILL; then whatever still carries the mark.
fn end(groups: &HashSet<i32>, owner: u32) {
    for &pgid in groups {
        groups::signal_group(pgid, libc::SIGTERM);
    }
    let deadline = Instant::now() + groups::TERM_GRACE;
    while groups.iter().any(|&pgid| groups::group_alive(pgid)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    for &pgid in groups {
        groups::signal_group(pgid, libc::SIGKILL);
    }
    groups::kill_marked(owner);
}
