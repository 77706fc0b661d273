//! Running one learner program under a grader: checks with deadlines,
//! failures with expected vs actual, transcripts, seeded randomness.
//!
//! A grader is a short async script of the protocol. It calls
//! [`Grading::check`] for each step; the first failed check stops it. The
//! harness records the verdict, what crossed the wire, and - when the program
//! died - how it died and what it printed.

mod capture;
pub mod cleanup;
pub mod crash;
pub mod expect;
mod failure;
pub mod groups;
pub mod guardian;
pub mod net;
pub mod peer;
pub mod process;
pub mod rng;
pub mod transcript;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::report::{Check, Plot, Status};
pub use failure::{Failure, Outcome, Seen, Stop, expect_bytes};
pub use process::{Program, ProgramWatch, Spec};
pub use rng::Rng;
pub use transcript::Transcript;

/// The checks the runner adds around a grader's own: the build before
/// them, and the exercise's deadline or a missing grader after them.
pub const COMPILES: &str = "compiles";
pub const FINISHES_IN_TIME: &str = "finishes within the exercise's deadline";
pub const HAS_A_GRADER: &str = "grader";
pub const RUNNER_CHECKS: &[&str] = &[COMPILES, FINISHES_IN_TIME, HAS_A_GRADER];

/// The environment variable that carries the pid of the netlings process
/// that started a program.
pub const OWNER_VAR: &str = "NETLINGS_OWNER";

/// Deadlines. Generous: a loaded 2-core machine must never fail a correct
/// program; a hung one still ends in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From start until a server listens.
    pub ready: Duration,
    /// One check, start to verdict (a backstop: peers have their own, shorter
    /// waits that say what they were waiting for).
    pub check: Duration,
    /// One exercise, all its checks.
    pub exercise: Duration,
    /// One wait for bytes from the program.
    pub io: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            ready: Duration::from_secs(10),
            check: Duration::from_secs(30),
            exercise: Duration::from_secs(120),
            io: Duration::from_secs(5),
        }
        .scaled(time_scale())
    }
}

impl Limits {
    pub fn scaled(self, factor: f64) -> Limits {
        Limits {
            ready: self.ready.mul_f64(factor),
            check: self.check.mul_f64(factor),
            exercise: self.exercise.mul_f64(factor),
            io: self.io.mul_f64(factor),
        }
    }
}

/// `NETLINGS_TIME_SCALE=2` doubles every deadline, for very slow machines.
pub fn time_scale() -> f64 {
    std::env::var("NETLINGS_TIME_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|f| *f > 0.0 && f.is_finite())
        .unwrap_or(1.0)
}

/// Everything one grade needs; shared by the grader and its peers.
pub struct Grading {
    pub exercise: String,
    /// The program under test.
    pub bin: PathBuf,
    /// The checkout (the programs' working directory).
    pub root: PathBuf,
    pub seed: u64,
    pub limits: Limits,
    pub transcript: Transcript,
    rng: Mutex<Rng>,
    checks: Mutex<Vec<Check>>,
    /// Programs whose exit explains a failure ("your program panicked: …").
    watched: Mutex<Vec<ProgramWatch>>,
    /// Every program started, to end them all when the grade is over.
    all_programs: Mutex<Vec<ProgramWatch>>,
    /// Every program started, to tell its exit in the transcript once.
    exits: Mutex<Vec<ExitTeller>>,
    /// How the learner can replay the current check by hand.
    reproduce: Mutex<Option<String>>,
    /// Cleanups of this grade ([`cleanup`]), run when it ends.
    cleanups: Mutex<Vec<u64>>,
    /// The check under way: the one the exercise's deadline interrupted,
    /// if it passes.
    running: Mutex<Option<String>>,
    /// Timing plots for the current check ([`Grading::plot`]).
    plots: Mutex<Vec<Plot>>,
    /// `netlings peer`: the program is started by hand ([`peer`]).
    peer: Option<peer::PeerMode>,
    /// A failed check offers `netlings peer` as its replay.
    offer_peer: bool,
}

impl Grading {
    pub fn new(exercise: &str, bin: &Path, root: &Path, seed: u64, limits: Limits) -> Grading {
        Grading {
            exercise: exercise.to_string(),
            bin: bin.to_path_buf(),
            root: root.to_path_buf(),
            seed,
            limits,
            transcript: Transcript::default(),
            rng: Mutex::new(Rng::new(seed)),
            checks: Mutex::new(Vec::new()),
            watched: Mutex::new(Vec::new()),
            all_programs: Mutex::new(Vec::new()),
            exits: Mutex::new(Vec::new()),
            reproduce: Mutex::new(None),
            cleanups: Mutex::new(Vec::new()),
            running: Mutex::new(None),
            plots: Mutex::new(Vec::new()),
            peer: None,
            offer_peer: false,
        }
    }

    /// The same grade in peer mode: the learner starts the program by
    /// hand, addresses come from `peer`, and nothing is timed out.
    pub fn in_peer_mode(mut self, peer: peer::PeerMode) -> Grading {
        self.limits = peer::unbounded();
        self.peer = Some(peer);
        self
    }

    /// The peer mode, when the program is started by hand.
    pub fn peer(&self) -> Option<&peer::PeerMode> {
        self.peer.as_ref()
    }

    /// Failed checks offer `netlings peer` to replay them (an exercise
    /// with a peer, graded as usual).
    pub fn offer_peer(&mut self) {
        self.offer_peer = self.peer.is_none();
    }

    /// Where a program under test that is a TCP server listens: a free
    /// loopback port (in peer mode, `--addr` and the ports after it).
    pub fn program_addr(&self) -> std::net::SocketAddr {
        match self.peer.as_ref().map(peer::PeerMode::next_addr) {
            Some(addr) if addr.port() != 0 => addr,
            _ => net::free_tcp_addr(),
        }
    }

    /// [`program_addr`](Grading::program_addr) for a UDP server.
    pub fn program_udp_addr(&self) -> std::net::SocketAddr {
        match self.peer.as_ref().map(peer::PeerMode::next_addr) {
            Some(addr) if addr.port() != 0 => addr,
            _ => net::free_udp_addr(),
        }
    }

    /// Where netlings binds a server of its own that the program connects
    /// to: 127.0.0.1:0 (in peer mode, `--addr` and the ports after it).
    pub fn listen_addr(&self) -> std::net::SocketAddr {
        self.listen_addrs().next()
    }

    /// [`listen_addr`](Grading::listen_addr), for a peer that binds later.
    pub fn listen_addrs(&self) -> peer::Addrs {
        self.peer
            .as_ref()
            .map_or_else(peer::Addrs::default, peer::PeerMode::addrs)
    }

    /// The name of the check under way, if one is.
    pub fn running_check(&self) -> Option<String> {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Undoes something outside netlings when the grade ends, whichever way
    /// it ends (also cancelled, also by Ctrl-C): see [`cleanup`].
    pub fn on_finish(&self, job: impl Future<Output = ()> + Send + 'static) {
        let id = cleanup::register(job);
        self.cleanups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(id);
    }

    /// Runs `f` with the grade's random generator.
    pub fn rng<R>(&self, f: impl FnOnce(&mut Rng) -> R) -> R {
        f(&mut self.rng.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Starts the program under test with these environment variables; its
    /// exit will explain any failure that follows.
    pub fn start(&self, env: &[(&str, String)]) -> Result<Program, Failure> {
        self.start_with_input(env, None)
    }

    /// [`start`](Grading::start), with `input` written to the program's
    /// stdin (then closed).
    pub fn start_with_input(
        &self,
        env: &[(&str, String)],
        input: Option<&[u8]>,
    ) -> Result<Program, Failure> {
        if let Some(peer) = &self.peer {
            return Ok(self.start_by_hand(peer, env, input));
        }
        let mut spec = Spec::new(&self.bin);
        spec.stdin = input.map(<[u8]>::to_vec);
        spec.cwd = Some(self.root.clone());
        // Marks every process netlings starts (and their children, who
        // inherit it), so a leftover can be traced to the run that made it.
        spec = spec.env(OWNER_VAR, std::process::id());
        for (k, v) in env {
            spec = spec.env(k, v);
        }
        let program = Program::spawn(&spec)
            .map_err(|e| Failure::error(format!("netlings could not start your program: {e:#}")))?;
        let mut watched = self.watched.lock().unwrap_or_else(|p| p.into_inner());
        // Programs of earlier steps that have ended are history now.
        watched.retain(|w| w.exit_status().is_none() && !w.ended_by_netlings());
        watched.push(program.watch());
        drop(watched);
        self.record_exit(program.watch());
        self.all_programs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(program.watch());
        let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.transcript.started(if vars.is_empty() {
            "started your program".to_string()
        } else {
            format!("started your program with {}", vars.join(" "))
        });
        Ok(program)
    }

    /// Peer mode: tells the learner how to start the program, and returns
    /// it as netlings sees it: on the wire only.
    fn start_by_hand(
        &self,
        peer: &peer::PeerMode,
        env: &[(&str, String)],
        input: Option<&[u8]>,
    ) -> Program {
        let run = peer.next_run();
        let vars: Vec<(&str, String)> =
            env.iter().map(|(k, v)| (*k, peer::shell_word(v))).collect();
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut command = self.run_command(&vars).trim_start().to_string();
        if let Some(input) = input {
            let text = String::from_utf8_lossy(input);
            command = format!("printf '%s' {} | {command}", peer::shell_word(&text));
        }
        let again = if run == 1 { "" } else { " again" };
        peer.say(&format!(
            ">>> start your program{again} now (run {run}), in another terminal, with:\n    {command}"
        ));
        self.transcript
            .started(format!("run {run}: you start your program with {command}"));
        Program::by_hand(self.transcript.clone())
    }

    /// Records in the transcript when the program ends by itself (not
    /// stopped by netlings), at the moment it ended.
    fn record_exit(&self, watch: ProgramWatch) {
        let teller = ExitTeller {
            watch,
            told: Arc::new(AtomicBool::new(false)),
        };
        self.exits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(teller.clone());
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let transcript = self.transcript.clone();
        runtime.spawn(async move {
            teller.watch.exited().await;
            teller.tell(&transcript, Instant::now());
        });
    }

    /// Tells every exit not told yet, at `at` at the latest: a check that
    /// failed because the program ended may come to its verdict before the
    /// task that watches the exit has run.
    fn tell_exits(&self, at: Instant) {
        let exits = self.exits.lock().unwrap_or_else(|p| p.into_inner());
        for teller in exits.iter() {
            teller.tell(&self.transcript, at.min(Instant::now()));
        }
    }

    /// Attaches a timing plot to the current check: what was measured,
    /// against the bounds it is judged by (shown in `--report`).
    pub fn plot(&self, plot: Plot) {
        self.plots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(plot);
    }

    fn take_plots(&self) -> Vec<Plot> {
        std::mem::take(&mut *self.plots.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The command that runs the program under test by hand, with `env`.
    pub fn run_command(&self, env: &[(&str, &str)]) -> String {
        let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let file = self
            .bin
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.exercise);
        // A fast build runs the binary from cargo's deps/, as `<bin>-<hash>`.
        let bin = match file.rsplit_once('-') {
            Some((name, hash))
                if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                name
            }
            _ => file,
        };
        format!(
            "{} cargo run -q -p netlings-exercises --bin {bin}",
            vars.join(" ")
        )
    }

    /// Sets the replay hint shown with the next failed check.
    pub fn reproduce(&self, text: impl Into<String>) {
        *self.reproduce.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.into());
    }

    /// Runs one check within the default deadline.
    pub async fn check<T>(
        &self,
        name: &str,
        body: impl Future<Output = Result<T, Failure>>,
    ) -> Result<T, Stop> {
        self.check_within(name, self.limits.check, body).await
    }

    /// Runs one check: records pass, or the failure with its transcript, and
    /// returns `Stop` so the grader ends at its first failed check.
    pub async fn check_within<T>(
        &self,
        name: &str,
        deadline: Duration,
        body: impl Future<Output = Result<T, Failure>>,
    ) -> Result<T, Stop> {
        let started = Instant::now();
        // Peer mode: no deadline a breakpoint could pass.
        let deadline = deadline.max(self.limits.check);
        if let Some(peer) = &self.peer {
            peer.say(&format!("── {name}"));
        }
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = Some(name.to_string());
        self.transcript.begin();
        let result = match tokio::time::timeout(deadline, body).await {
            Ok(r) => r,
            Err(_) => Err(Failure::timeout(format!(
                "this check found no verdict within {} s: your program stopped answering",
                deadline.as_secs()
            ))),
        };
        *self.running.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let duration = started.elapsed();
        match result {
            Ok(value) => {
                let transcript = self.transcript.take();
                if let Some(peer) = &self.peer {
                    peer.say(&format!("✓ {name}"));
                }
                self.reproduce
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take();
                self.push(Check {
                    transcript,
                    plots: self.take_plots(),
                    ..Check::passed(name, duration)
                });
                Ok(value)
            }
            Err(failure) => {
                self.record_failure(name, failure, duration).await;
                Err(Stop)
            }
        }
    }

    /// Records a failed check, with what crossed the wire during it, how to
    /// replay it, and what explains it. Also for failures outside any
    /// `check` (the exercise's own deadline).
    pub async fn record_failure(&self, name: &str, failure: Failure, duration: Duration) {
        let verdict_at = Instant::now();
        // Explaining waits for ended programs to settle: their exits are in
        // the transcript by then.
        let (message, program_output) = self.explain(&failure).await;
        self.tell_exits(verdict_at);
        let transcript = self.transcript.finish(Some(transcript::Failed {
            text: match failure.status {
                Status::Timeout => "the check timed out".to_string(),
                Status::Error => "netlings could not judge".to_string(),
                Status::Unavailable => "not graded here".to_string(),
                Status::Skipped => "not run".to_string(),
                Status::Fail | Status::Pass => "the check failed".to_string(),
            },
            guess_wrong: failure.status == Status::Fail,
            at: verdict_at,
        }));
        let mut reproduce = self
            .reproduce
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if self.offer_peer {
            let by_peer = format!(
                "netlings peer {} --addr 127.0.0.1:7000 --seed {} (it plays netlings' side and tells you how to start your program)",
                self.exercise, self.seed
            );
            reproduce = Some(match reproduce {
                Some(other) => format!("{by_peer}; or: {other}"),
                None => by_peer,
            });
        }
        if let Some(peer) = &self.peer {
            peer.say(&format!(
                "✗ {name}: {}",
                message.lines().next().unwrap_or("")
            ));
        }
        self.push(Check {
            name: name.to_string(),
            status: failure.status,
            message,
            mismatch: failure.mismatch.map(|m| *m),
            transcript,
            plots: self.take_plots(),
            reproduce,
            program_output,
            duration,
            worth: crate::report::Points::ZERO,
        });
    }

    /// Adds what the learner needs to understand a failure: whether their
    /// program (or one of its threads) crashed, how, and what it printed; the
    /// likely causes only when no crash explains it already.
    async fn explain(&self, failure: &Failure) -> (String, Option<String>) {
        let watched = self
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut ending = Vec::new();
        let mut panicked = false;
        let mut output = None;
        for w in watched.iter().filter(|w| !w.ended_by_netlings()) {
            w.settle().await;
            let stderr = w.stderr_text();
            match w.exit_status() {
                None => {
                    if let Some(panic) = crash::panic_message(&stderr) {
                        panicked = true;
                        ending.push(format!("a thread of your program panicked:\n  {panic}"));
                    }
                }
                Some(status) => {
                    let exit = crash::describe_exit(status, &stderr);
                    panicked |= exit.detail.is_some();
                    if !status.success() && !failure.tells_exit {
                        ending.push(match exit.detail {
                            Some(detail) => format!("your program {}:\n  {detail}", exit.summary),
                            None => format!("your program {}", exit.summary),
                        });
                    }
                }
            }
            if let Some((stream, total)) = w.flooded()
                && !failure.tells_flood
            {
                ending.push(format!(
                    "your program wrote {} to {stream}, more than the {} netlings allows, so netlings stopped it",
                    crate::report::size(total),
                    crate::report::size(process::FLOOD_LIMIT)
                ));
            }
            let rest = crash::stderr_besides_panic(&stderr);
            if !rest.is_empty() {
                let lines: Vec<&str> = rest.lines().collect();
                output = Some(lines[lines.len().saturating_sub(12)..].join("\n"));
            }
        }
        let mut text = failure.message.clone();
        // A panic is the cause (often a stub's todo!()): guesses would only
        // distract. Any other way of dying goes with the likely causes.
        let mut extra = ending;
        if !panicked {
            extra.extend(failure.hints.iter().cloned());
        }
        for line in extra {
            text.push('\n');
            text.push_str(&line);
        }
        (text, output)
    }

    fn push(&self, check: Check) {
        self.checks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(check);
    }

    /// Ends every program this grade started, and their children: nothing
    /// outlives the grade, whichever way it ended.
    pub async fn finish(&self) {
        let all = std::mem::take(&mut *self.all_programs.lock().unwrap_or_else(|p| p.into_inner()));
        for program in all {
            program.terminate().await;
        }
        let ids = std::mem::take(&mut *self.cleanups.lock().unwrap_or_else(|p| p.into_inner()));
        cleanup::run(&ids).await;
    }

    pub fn take_checks(&self) -> Vec<Check> {
        std::mem::take(&mut *self.checks.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Drop for Grading {
    /// A grade cancelled before [`finish`](Grading::finish): its cleanups
    /// run in a task of their own.
    fn drop(&mut self) {
        let ids = std::mem::take(&mut *self.cleanups.lock().unwrap_or_else(|p| p.into_inner()));
        cleanup::spawn(&ids);
    }
}

/// A program's exit, told in the transcript once, by whoever sees it first.
#[derive(Clone)]
struct ExitTeller {
    watch: ProgramWatch,
    told: Arc<AtomicBool>,
}

impl ExitTeller {
    fn tell(&self, transcript: &Transcript, at: Instant) {
        let Some(status) = self.watch.exit_status() else {
            return;
        };
        if self.watch.ended_by_netlings() || self.told.swap(true, Ordering::SeqCst) {
            return;
        }
        // How it ended is told with the verdict (a panic's message needs
        // its stderr read to the end); here, only that it did.
        let exit = crash::describe_exit(status, "");
        transcript.exited(at, format!("your program {}", exit.summary));
    }
}
