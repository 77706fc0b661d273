//! Undoing what a grade made outside netlings' own processes (the names it
//! declared on a RabbitMQ broker), on every way out: the grade's end, its
//! cancellation (watch mode grades a newer save), and Ctrl-C.
//!
//! A cleanup is registered process-wide the moment it is needed; whoever
//! ends first runs it: [`Grading::finish`](super::Grading::finish), the
//! grade's drop (cancelled: the cleanup runs in a task of its own), or
//! [`run_all`] from the Ctrl-C handler.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Cleanups registered and not yet run, by id.
static PENDING: Mutex<Vec<(u64, Job)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// Cleanups of cancelled grades, running in tasks of their own.
static RUNNING: Mutex<Vec<tokio::task::JoinHandle<()>>> = Mutex::new(Vec::new());

/// How long cleanups may take before netlings gives up on them.
const PATIENCE: Duration = Duration::from_secs(10);

/// Cleanups taken from [`PENDING`] and still running, wherever they run:
/// [`run_all`] waits for them too (a grade may have started its own just
/// before a signal).
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static LANDED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Counts one running batch of cleanups for as long as it lives.
struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        LANDED.notify_waiters();
    }
}

fn pending() -> std::sync::MutexGuard<'static, Vec<(u64, Job)>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Registers a cleanup; the id takes it back to run it.
pub fn register(job: impl Future<Output = ()> + Send + 'static) -> u64 {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    pending().push((id, Box::pin(job)));
    id
}

/// Takes the cleanups with these ids that nobody has run yet.
fn take(ids: &[u64]) -> Vec<Job> {
    let mut all = pending();
    let mut taken = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if ids.contains(&all[i].0) {
            taken.push(all.swap_remove(i).1);
        } else {
            i += 1;
        }
    }
    taken
}

/// Runs the cleanups with these ids (those not run yet), all at once.
pub async fn run(ids: &[u64]) {
    let _counted = InFlight::enter();
    let jobs = take(ids);
    if !jobs.is_empty() {
        let _ = tokio::time::timeout(PATIENCE, futures_util::future::join_all(jobs)).await;
    }
}

/// Runs them in a task of their own (a cancelled grade cannot wait).
pub fn spawn(ids: &[u64]) {
    let counted = InFlight::enter();
    let jobs = take(ids);
    if jobs.is_empty() {
        return;
    }
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let task = runtime.spawn(async move {
            let _counted = counted;
            let _ = tokio::time::timeout(PATIENCE, futures_util::future::join_all(jobs)).await;
        });
        RUNNING.lock().unwrap_or_else(|p| p.into_inner()).push(task);
    }
}

/// Waits until the cleanups of cancelled grades have run.
pub async fn settle() {
    let tasks: Vec<_> = std::mem::take(&mut *RUNNING.lock().unwrap_or_else(|p| p.into_inner()));
    let _ = futures_util::future::join_all(tasks).await;
}

/// Runs every pending cleanup, and waits for those already running (a
/// signal: netlings is about to exit).
pub async fn run_all() {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    let jobs: Vec<Job> = pending().drain(..).map(|(_, job)| job).collect();
    if !jobs.is_empty() {
        let _ = tokio::time::timeout_at(deadline, futures_util::future::join_all(jobs)).await;
    }
    loop {
        let landed = LANDED.notified();
        tokio::pin!(landed);
        // Registered before looking, so a batch ending meanwhile wakes it.
        landed.as_mut().enable();
        if IN_FLIGHT.load(Ordering::SeqCst) == 0
            || tokio::time::timeout_at(deadline, landed).await.is_err()
        {
            return;
        }
    }
}
