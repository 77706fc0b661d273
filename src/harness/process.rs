//! Running a learner's program: its own process group, its environment,
//! output captured with a cap, and TERM-then-KILL of the whole group.
//!
//! Every program netlings starts is owned by a [`Program`]: dropping it kills
//! the group, and [`groups::kill_all`] kills every group still alive (on
//! the way out, whatever the way), so a program that forks, hangs or floods
//! never outlives the grade, nor netlings.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::groups::{self, TERM_GRACE, group_alive, signal_group};
pub use super::groups::{GroupGuard, kill_all};

use super::capture::lock;
pub use super::capture::{Capture, Captured, FLOOD_LIMIT};

/// What to start.
#[derive(Debug, Clone)]
pub struct Spec {
    pub bin: PathBuf,
    pub env: Vec<(String, String)>,
    pub cwd: Option<PathBuf>,
    /// Written to the program's stdin, which is then closed; `None`: no
    /// stdin at all (reads see end of file at once).
    pub stdin: Option<Vec<u8>>,
}

impl Spec {
    pub fn new(bin: &Path) -> Spec {
        Spec {
            bin: bin.to_path_buf(),
            env: Vec::new(),
            cwd: None,
            stdin: None,
        }
    }

    pub fn env(mut self, key: &str, value: impl ToString) -> Spec {
        self.env.push((key.to_string(), value.to_string()));
        self
    }
}

/// A running (or finished) learner program.
#[must_use = "dropping a Program kills it"]
pub struct Program {
    pub pid: u32,
    pgid: i32,
    exit: watch::Receiver<Option<ExitStatus>>,
    /// How many of the two output streams have been read to their end.
    drained: watch::Receiver<u8>,
    /// Woken whenever output has been read.
    read: Arc<tokio::sync::Notify>,
    pub stdout: Capture,
    pub stderr: Capture,
    readers: Vec<JoinHandle<()>>,
    /// netlings ended the program on purpose: its death explains nothing.
    ended_by_netlings: Arc<std::sync::atomic::AtomicBool>,
    /// The learner started it by hand (`netlings peer`): netlings sees it
    /// only on the wire.
    by_hand: Option<Arc<ByHand>>,
}

/// A program the learner runs in their own terminal (`netlings peer`):
/// netlings neither sees its exit nor its output, and never signals it.
pub struct ByHand {
    /// Where "not judged" notes go (the grade's transcript).
    notes: super::Transcript,
    // Held so that waiting on the exit waits for ever, not for a drop.
    _exit: watch::Sender<Option<ExitStatus>>,
    _drained: watch::Sender<u8>,
}

/// The status [`Program::wait`] gives at once for a program run by hand:
/// netlings cannot see how it ended. (A raw "continued" status, which
/// `wait` without `WCONTINUED` never reports for a real process.)
pub fn by_hand_status() -> ExitStatus {
    std::os::unix::process::ExitStatusExt::from_raw(0xffff)
}

/// The status is [`by_hand_status`]: nothing is known of the exit.
pub fn is_by_hand(status: ExitStatus) -> bool {
    std::os::unix::process::ExitStatusExt::into_raw(status) == 0xffff
}

impl Program {
    /// A program the learner started by hand: it never exits as far as
    /// netlings can tell, prints nothing netlings can read, and is never
    /// signalled.
    pub fn by_hand(notes: super::Transcript) -> Program {
        let (exit_tx, exit) = watch::channel(None);
        let (drained_tx, drained) = watch::channel(0u8);
        Program {
            pid: 0,
            pgid: 0,
            exit,
            drained,
            read: Arc::default(),
            stdout: Capture::default(),
            stderr: Capture::default(),
            readers: Vec::new(),
            ended_by_netlings: Arc::default(),
            by_hand: Some(Arc::new(ByHand {
                notes,
                _exit: exit_tx,
                _drained: drained_tx,
            })),
        }
    }

    /// The learner started this program by hand (`netlings peer`).
    pub fn is_by_hand(&self) -> bool {
        self.by_hand.is_some()
    }

    /// Says, for a program run by hand, that `what` is not judged (netlings
    /// cannot see it); returns whether the program is run by hand.
    pub fn not_judged(&self, what: &str) -> bool {
        let Some(by_hand) = &self.by_hand else {
            return false;
        };
        by_hand.notes.event(
            None,
            format!(
                "not judged in peer mode: {what} (your program runs in your terminal: look there)"
            ),
        );
        true
    }

    pub fn spawn(spec: &Spec) -> Result<Program> {
        let mut cmd = tokio::process::Command::new(&spec.bin);
        cmd.stdin(if spec.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "0");
        groups::own(&mut cmd);
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &spec.cwd {
            cmd.current_dir(dir);
        }
        let mut child =
            groups::spawn(cmd).with_context(|| format!("starting {}", spec.bin.display()))?;
        let pid = child.id().context("the program vanished as it started")?;
        if let (Some(mut pipe), Some(input)) = (child.stdin.take(), spec.stdin.clone()) {
            // Written from a task of its own: a program that never reads its
            // stdin must not block netlings. Dropping the pipe closes it.
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let _ = pipe.write_all(&input).await;
            });
        }
        let pgid = pid as i32;
        groups::register(pgid);

        let stdout = Capture::default();
        let stderr = Capture::default();
        let mut readers = Vec::new();
        let (drained_tx, drained) = watch::channel(0u8);
        let drained_tx = Arc::new(drained_tx);
        let read = Arc::new(tokio::sync::Notify::new());
        if let Some(out) = child.stdout.take() {
            let pipe = out.into_owned_fd().context("taking the stdout pipe")?;
            readers.push(drain_pipe(pipe, &stdout, pgid, &drained_tx, &read)?);
        }
        if let Some(err) = child.stderr.take() {
            let pipe = err.into_owned_fd().context("taking the stderr pipe")?;
            readers.push(drain_pipe(pipe, &stderr, pgid, &drained_tx, &read)?);
        }
        let (tx, exit) = watch::channel(None);
        tokio::spawn(async move {
            let status = child.wait().await.ok();
            let _ = tx.send(status);
        });
        Ok(Program {
            pid,
            pgid,
            exit,
            drained,
            read,
            stdout,
            stderr,
            readers,
            ended_by_netlings: Arc::default(),
            by_hand: None,
        })
    }

    /// The exit status, if the program has exited.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        *self.exit.borrow()
    }

    /// Waits until the program exits and what it printed has been read.
    pub async fn exited(&self) -> ExitStatus {
        let status = wait_exit(self.exit.clone()).await;
        settle(self.drained.clone(), self.pgid).await;
        status
    }

    /// Waits at most `limit` for the program to exit, then for its output to
    /// be read to the end (bounded: a grandchild may hold the pipe open).
    /// A program run by hand: [`by_hand_status`] at once.
    pub async fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        if self.by_hand.is_some() {
            return Some(by_hand_status());
        }
        let status = tokio::time::timeout(limit, self.exited()).await.ok()?;
        self.finish_output().await;
        Some(status)
    }

    async fn finish_output(&mut self) {
        let readers = std::mem::take(&mut self.readers);
        let all = futures_util::future::join_all(readers);
        if tokio::time::timeout(Duration::from_millis(500), all)
            .await
            .is_err()
        {
            // Something in the group still holds the pipes: end it.
            signal_group(self.pgid, libc::SIGKILL);
        }
    }

    pub fn stdout_bytes(&self) -> Vec<u8> {
        lock(&self.stdout).bytes()
    }

    /// Waits until `found` returns something for the program's stdout so
    /// far, at most `within`; woken by every read of its output, no polling.
    pub async fn wait_stdout<T>(
        &self,
        within: Duration,
        found: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if self.by_hand.is_some() {
            // Its output goes to the learner's terminal: it never changes.
            return found("");
        }
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let changed = self.read.notified();
            tokio::pin!(changed);
            // Registered before looking, so output read meanwhile wakes it.
            changed.as_mut().enable();
            if let Some(t) = found(&self.stdout_text()) {
                return Some(t);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return found(&self.stdout_text());
            }
        }
    }

    pub fn stdout_text(&self) -> String {
        lock(&self.stdout).text()
    }

    pub fn stderr_text(&self) -> String {
        lock(&self.stderr).text()
    }

    /// What the program printed, line by line, without trailing `\r`.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout_text()
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect()
    }

    /// Which stream flooded, if one did.
    pub fn flooded(&self) -> Option<&'static str> {
        if lock(&self.stdout).flooded {
            Some("stdout")
        } else if lock(&self.stderr).flooded {
            Some("stderr")
        } else {
            None
        }
    }

    /// Kills the program's whole group at once with SIGKILL, as a crash
    /// would: no chance to clean up (a fault netlings injects on purpose,
    /// so the death explains no failure).
    pub fn kill_now(&self) {
        if self.not_judged("netlings would kill your program now (SIGKILL); stop it yourself") {
            return;
        }
        self.ended_by_netlings
            .store(true, std::sync::atomic::Ordering::SeqCst);
        signal_group(self.pgid, libc::SIGKILL);
    }

    /// Shared view for explaining failures after the fact.
    pub fn watch(&self) -> ProgramWatch {
        ProgramWatch {
            ended_by_netlings: self.ended_by_netlings.clone(),
            read: self.read.clone(),
            pgid: self.pgid,
            drained: self.drained.clone(),
            exit: self.exit.clone(),
            stdout: self.stdout.clone(),
            stderr: self.stderr.clone(),
            by_hand: self.by_hand.clone(),
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        if self.by_hand.is_some() {
            return;
        }
        // Whatever happened, nothing of this program outlives its grade:
        // TERM now, KILL after the grace period (at once without a runtime
        // to wait in). Until then the group stays registered for kill_all.
        if self.exit_status().is_none() {
            self.ended_by_netlings
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let pgid = self.pgid;
        signal_group(pgid, libc::SIGTERM);
        let later = tokio::runtime::Handle::try_current().map(|runtime| {
            runtime.spawn(async move {
                tokio::time::sleep(TERM_GRACE).await;
                signal_group(pgid, libc::SIGKILL);
                groups::unregister(pgid);
            })
        });
        if later.is_err() {
            signal_group(pgid, libc::SIGKILL);
            groups::unregister(pgid);
        }
    }
}

pub async fn wait_exit(mut exit: watch::Receiver<Option<ExitStatus>>) -> ExitStatus {
    loop {
        if let Some(status) = *exit.borrow_and_update() {
            return status;
        }
        if exit.changed().await.is_err() {
            // The waiter is gone without a status: treat as killed.
            return std::os::unix::process::ExitStatusExt::from_raw(libc::SIGKILL);
        }
    }
}

/// After an exit, waits (briefly) until both output streams are read to
/// their end, so a panic message is never missed; a grandchild that keeps
/// the pipes open is killed.
async fn settle(mut drained: watch::Receiver<u8>, pgid: i32) {
    let both = drained.wait_for(|n| *n >= 2);
    if tokio::time::timeout(Duration::from_millis(500), both)
        .await
        .is_err()
    {
        signal_group(pgid, libc::SIGKILL);
    }
}

/// What a failing check needs to know about a program it talked to.
#[derive(Clone)]
pub struct ProgramWatch {
    ended_by_netlings: Arc<std::sync::atomic::AtomicBool>,
    read: Arc<tokio::sync::Notify>,
    pgid: i32,
    drained: watch::Receiver<u8>,
    exit: watch::Receiver<Option<ExitStatus>>,
    stdout: Capture,
    stderr: Capture,
    by_hand: Option<Arc<ByHand>>,
}

impl ProgramWatch {
    pub fn exit_status(&self) -> Option<ExitStatus> {
        *self.exit.borrow()
    }

    /// Waits until the program has exited.
    pub async fn exited(&self) -> ExitStatus {
        wait_exit(self.exit.clone()).await
    }

    /// netlings stopped this program itself (it was done with it).
    pub fn ended_by_netlings(&self) -> bool {
        self.ended_by_netlings
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Ends the program's whole process group - TERM, then KILL after a
    /// grace period - and waits until the leader is reaped and no process
    /// of the group is left (bounded).
    pub async fn terminate(&self) {
        if self.by_hand.is_some() {
            return;
        }
        if self.exit_status().is_none() {
            self.ended_by_netlings
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        // TERM first: a program may end cleanly; KILL whatever is left.
        if self.exit_status().is_none() {
            signal_group(self.pgid, libc::SIGTERM);
            let _ = tokio::time::timeout(TERM_GRACE, wait_exit(self.exit.clone())).await;
        }
        signal_group(self.pgid, libc::SIGKILL);
        let _ = tokio::time::timeout(Duration::from_secs(5), wait_exit(self.exit.clone())).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while group_alive(self.pgid) && tokio::time::Instant::now() < deadline {
            signal_group(self.pgid, libc::SIGKILL);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        groups::unregister(self.pgid);
    }

    /// Waits until what the program has written so far is read: all of it
    /// if it has exited; otherwise what is waiting in its stderr pipe (a
    /// thread's panic message written just before the failure).
    pub async fn settle(&self) {
        if self.exit_status().is_some() {
            settle(self.drained.clone(), self.pgid).await;
            return;
        }
        for _ in 0..50 {
            let fd = lock(&self.stderr).fd;
            let mut waiting: libc::c_int = 0;
            // SAFETY: FIONREAD writes one int; at worst the descriptor was
            // closed (and reused) just now, and the answer is meaningless,
            // which only costs the bounded wait below.
            let asked = fd >= 0 && unsafe { libc::ioctl(fd, libc::FIONREAD, &mut waiting) } == 0;
            if !asked || waiting == 0 {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(10), self.read.notified()).await;
        }
    }

    pub fn stderr_text(&self) -> String {
        lock(&self.stderr).text()
    }

    /// Waits until every byte the program has written to stdout so far is
    /// in the capture, then returns the stdout so far: what a program had
    /// printed before it did what netlings just saw it do on the wire.
    /// Exact (see [`drain`]); bounded, in case the reader is starved.
    pub async fn settle_stdout(&self) -> Vec<u8> {
        for _ in 0..400 {
            let settled = {
                let out = lock(&self.stdout);
                let mut waiting: libc::c_int = 0;
                // SAFETY: FIONREAD writes one int; the descriptor stays open
                // while the capture is locked (the reader closes it only
                // after setting `fd` to -1 under the same lock).
                let empty = out.fd < 0
                    || unsafe { libc::ioctl(out.fd, libc::FIONREAD, &mut waiting) } != 0
                    || waiting == 0;
                empty.then(|| out.bytes())
            };
            if let Some(bytes) = settled {
                return bytes;
            }
            let _ = tokio::time::timeout(Duration::from_millis(5), self.read.notified()).await;
        }
        lock(&self.stdout).bytes()
    }

    pub fn stdout_bytes(&self) -> Vec<u8> {
        lock(&self.stdout).bytes()
    }

    pub fn flooded(&self) -> Option<(&'static str, usize)> {
        let out = lock(&self.stdout);
        if out.flooded {
            return Some(("stdout", out.total));
        }
        drop(out);
        let err = lock(&self.stderr);
        err.flooded.then_some(("stderr", err.total))
    }
}

/// Starts the task that reads one output pipe of a program.
fn drain_pipe(
    pipe: std::os::fd::OwnedFd,
    sink: &Capture,
    pgid: i32,
    done: &Arc<watch::Sender<u8>>,
    read: &Arc<tokio::sync::Notify>,
) -> Result<JoinHandle<()>> {
    lock(sink).fd = std::os::fd::AsRawFd::as_raw_fd(&pipe);
    let pipe = tokio::net::unix::pipe::Receiver::from_owned_fd(pipe)
        .context("reading the program's output")?;
    Ok(tokio::spawn(drain(
        pipe,
        sink.clone(),
        pgid,
        done.clone(),
        read.clone(),
    )))
}

/// Reads a pipe to its end, keeping what the cap allows; a flood stops the
/// whole group at once instead of filling memory or the terminal.
///
/// Each read happens with the capture locked, so that whoever holds the lock
/// and finds the pipe empty knows that every byte written so far is in the
/// capture ([`ProgramWatch::settle_stdout`]).
async fn drain(
    pipe: tokio::net::unix::pipe::Receiver,
    sink: Capture,
    pgid: i32,
    done: Arc<watch::Sender<u8>>,
    read: Arc<tokio::sync::Notify>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if pipe.readable().await.is_err() {
            break;
        }
        let mut c = lock(&sink);
        match pipe.try_read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                c.push(&buf[..n]);
                if c.total > FLOOD_LIMIT && !c.flooded {
                    c.flooded = true;
                    signal_group(pgid, libc::SIGKILL);
                }
                drop(c);
                read.notify_waiters();
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => break,
        }
    }
    lock(&sink).fd = -1;
    done.send_modify(|n| *n += 1);
    read.notify_waiters();
}
