//! Whatever ends netlings, its learners' programs end too: TERM (a cancelled
//! CI job), HUP (a closed terminal), INT (Ctrl-C) and KILL, sent to
//! `verify`, `run` and `watch` (in a pseudo-terminal) while a grade is in
//! flight, and while cargo builds. Afterwards no process carries the run's
//! NETLINGS_OWNER, nothing listens where the program listened, the grade's
//! names on the broker are gone (after KILL: once the next run has swept
//! them), the progress file is as it was and the terminal is restored.
//!
//! The program graded is hostile: it listens, starts a child in its process
//! group and one in a group of its own, connects to the broker's proxy
//! without ever completing its handshake, and waits forever. Every wait is
//! on something observable (a file it writes once all that is done, the
//! processes in /proc), with a deadline.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::scratch::Scratch;
use expectrl::Expect;
use netlings::harness::groups::marked;

/// How long a build and the start of a grade may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(240);
/// How long the processes may take to vanish after netlings was killed
/// with KILL (the guardian's TERM, grace period, KILL).
const AFTER_KILL: Duration = Duration::from_secs(10);

const HOSTILE: &str = r#"//! Outlives its grade if it can.
use std::os::unix::process::CommandExt;

fn main() {
    let in_group = std::process::Command::new("sleep").arg("3600").spawn().unwrap();
    let own_group = std::process::Command::new("sleep")
        .arg("3601")
        .process_group(0)
        .spawn()
        .unwrap();
    let addr = std::env::var("NETLINGS_ADDR").unwrap_or_else(|_| "127.0.0.1:0".to_string());
    let listener = std::net::TcpListener::bind(&addr).unwrap();
    // An AMQP client that never completes its handshake.
    let amqp = std::env::var("NETLINGS_AMQP_URL").ok().and_then(|url| {
        let host = url.rsplit('@').next()?.split('/').next()?.to_string();
        std::net::TcpStream::connect(host).ok()
    });
    let report = format!(
        "{}\n{}\n",
        listener.local_addr().unwrap().port(),
        std::env::var("NETLINGS_EXCHANGE").unwrap_or_default()
    );
    let owner = std::env::var("NETLINGS_OWNER").unwrap();
    let path = format!("hostile-{owner}-{}.txt", std::process::id());
    std::fs::write(format!("{path}.tmp"), report).unwrap();
    std::fs::rename(format!("{path}.tmp"), &path).unwrap();
    let _kept = (in_group, own_group, amqp);
    let mut held = Vec::new();
    for stream in listener.incoming() {
        held.push(stream);
    }
}
"#;

/// The scratch checkout all these tests share; its stubs of
/// tcp_echo_server and amqp_subscribe are the hostile program.
fn checkout() -> &'static Scratch {
    static CHECKOUT: OnceLock<Scratch> = OnceLock::new();
    CHECKOUT.get_or_init(|| {
        let scratch = Scratch::new("signals");
        // What hostile programs of earlier runs wrote (a pid comes again).
        for entry in std::fs::read_dir(&scratch.root).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with("hostile-") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        scratch.save("01_sockets/tcp_echo_server", HOSTILE);
        scratch.save("07_rabbitmq/amqp_subscribe", HOSTILE);
        scratch
    })
}

/// The exercise graded: a RabbitMQ one when a broker answers (its grade
/// declares names on the broker), else a plain TCP one.
fn exercise() -> &'static str {
    if common::broker_up() {
        "amqp_subscribe"
    } else {
        "tcp_echo_server"
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Verify,
    Run,
    Watch,
}

/// netlings, running in the scratch checkout.
enum Netlings {
    Piped(std::process::Child, tempfile::TempDir),
    /// The session, and what the screen showed so far.
    Pty(expectrl::session::OsSession, String),
}

impl Netlings {
    fn pid(&self) -> u32 {
        match self {
            Netlings::Piped(child, _) => child.id(),
            Netlings::Pty(session, _) => session.get_process().pid().as_raw() as u32,
        }
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        match self {
            Netlings::Piped(child, _) => child.try_wait().unwrap(),
            Netlings::Pty(..) => None,
        }
    }

    /// What netlings printed so far (piped: once it has exited). Reading
    /// a terminal's output keeps netlings from blocking on a full one.
    fn output(&mut self) -> String {
        match self {
            Netlings::Piped(_, dir) => ["out", "err"]
                .iter()
                .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n"),
            Netlings::Pty(session, screen) => {
                let mut buf = vec![0u8; 1 << 16];
                while let Ok(n @ 1..) = session.try_read(&mut buf) {
                    screen.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                screen.clone()
            }
        }
    }

    /// Waits for netlings to exit: its raw wait status, and for a
    /// terminal what it printed on the way out.
    fn wait(self) -> (i32, String) {
        match self {
            Netlings::Piped(mut child, dir) => {
                let status = child.wait().unwrap();
                let mut me = Netlings::Piped(child, dir);
                let out = me.output();
                (std::os::unix::process::ExitStatusExt::into_raw(status), out)
            }
            Netlings::Pty(mut session, mut screen) => {
                match session.expect(expectrl::Eof) {
                    Ok(found) => screen.push_str(&String::from_utf8_lossy(found.as_bytes())),
                    Err(e) => screen.push_str(&format!("(no end of output: {e})")),
                };
                let pid = session.get_process().pid().as_raw();
                let mut status = 0;
                // SAFETY: waits for our own child; writes one int.
                unsafe { libc::waitpid(pid, &mut status, 0) };
                (status, screen)
            }
        }
    }
}

/// Starts netlings in `mode` on `exercise`, with its progress in `state`.
fn start(mode: Mode, exercise: &str, state: &Path) -> Netlings {
    let c = checkout();
    let mut env: Vec<(&str, std::ffi::OsString)> = c.cargo_env();
    env.push(("NETLINGS_STATE", state.as_os_str().to_owned()));
    // No deadline of the grade may pass while the test looks.
    env.push(("NETLINGS_TIME_SCALE", "20".into()));
    env.push(("NETLINGS_HYPERLINKS", "0".into()));
    let args: Vec<&str> = match mode {
        Mode::Verify => vec!["verify", exercise],
        Mode::Run => vec!["run", exercise],
        Mode::Watch => vec![],
    };
    if mode == Mode::Watch {
        let vars: Vec<(&str, &OsStr)> = env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
        let session = common::netlings_pty(&c.root, &args, &vars, PATIENCE);
        return Netlings::Pty(session, String::new());
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_netlings"));
    cmd.args(&args)
        .current_dir(&c.root)
        .env("NO_COLOR", "1")
        .env_remove("NETLINGS_ROOT")
        .envs(env)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(dir.path().join("out")).unwrap())
        .stderr(std::fs::File::create(dir.path().join("err")).unwrap());
    Netlings::Piped(cmd.spawn().unwrap(), dir)
}

/// What the hostile program reported once it was all set up.
struct Hostile {
    port: u16,
    exchange: String,
}

/// Waits until a hostile program of netlings `pid` has set itself up.
fn wait_for_hostile(n: &mut Netlings) -> Hostile {
    let pid = n.pid();
    let prefix = format!("hostile-{pid}-");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let found = std::fs::read_dir(&checkout().root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|f| f.starts_with(&prefix) && f.ends_with(".txt"));
        if let Some(file) = found {
            let text = std::fs::read_to_string(checkout().root.join(&file)).unwrap();
            let mut lines = text.lines();
            return Hostile {
                port: lines.next().unwrap().parse().unwrap(),
                exchange: lines.next().unwrap_or_default().to_string(),
            };
        }
        let screen = n.output();
        if let Some(status) = n.exited() {
            panic!(
                "netlings exited ({status}) before the program was running:\n{}",
                n.output()
            );
        }
        assert!(
            Instant::now() < deadline && !screen.contains("checks passed"),
            "the hostile program never started:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether something listens on the loopback `port` (Linux: /proc/net).
fn listening(port: u16) -> bool {
    let wanted = format!(":{port:04X} ");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|table| {
        std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .any(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                // local_address is field 1, the state field 3 (0A: LISTEN).
                fields.len() > 3
                    && format!("{} ", &fields[1][fields[1].len() - 5..]) == wanted
                    && fields[3] == "0A"
            })
    })
}

/// Whether the exchange exists on the broker (a passive declare).
fn exchange_exists(name: &str) -> bool {
    use lapin::options::ExchangeDeclareOptions;
    use lapin::types::FieldTable;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = netlings::peers::amqp::broker_url();
        let connection = lapin::Connection::connect(&url, lapin::ConnectionProperties::default())
            .await
            .expect("the broker answers");
        let channel = connection.create_channel().await.unwrap();
        let found = channel
            .exchange_declare(
                name.into(),
                lapin::ExchangeKind::Fanout,
                ExchangeDeclareOptions {
                    passive: true,
                    ..ExchangeDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .is_ok();
        let _ = connection.close(200, "OK".into()).await;
        found
    })
}

/// The progress a learner had before: it must survive whatever ends netlings.
const PROGRESS: &str = "current = \"EXERCISE\"\ndone = [\"tcp_client\"]\n";

/// Any grade on the broker sweeps the names of killed runs in its checkout
/// ([`netlings::peers::amqp::journal`]): a test that kills netlings with
/// KILL has the checkout's broker grades to itself until its own sweep.
static SWEEPS: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Held by a test from netlings' start until its program runs.
static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Grades the hostile program in `mode`, sends `signal` to netlings midway,
/// and checks that nothing is left.
fn ends_everything(mode: Mode, signal: i32) {
    let _alone =
        (signal == libc::SIGKILL).then(|| SWEEPS.write().unwrap_or_else(|p| p.into_inner()));
    let _shared =
        (signal != libc::SIGKILL).then(|| SWEEPS.read().unwrap_or_else(|p| p.into_inner()));
    let exercise = exercise();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("progress.toml");
    let progress = PROGRESS.replace("EXERCISE", exercise);
    std::fs::write(&state, &progress).unwrap();

    // Two netlings building one bin at once replace it under each other's
    // feet: the tests take turns until their program runs.
    let building = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
    let mut n = start(mode, exercise, &state);
    let pid = n.pid();
    let hostile = wait_for_hostile(&mut n);
    drop(building);
    let before = marked(pid);
    assert!(
        before.len() >= 3,
        "the program and its two children carry NETLINGS_OWNER={pid}: {before:?}"
    );
    assert!(listening(hostile.port), "the program listens");
    let broker = !hostile.exchange.is_empty();
    if broker {
        assert!(exchange_exists(&hostile.exchange), "the grade's exchange");
    }

    // SAFETY: kill(2) of the netlings this test started.
    unsafe { libc::kill(pid as i32, signal) };
    let (status, out) = n.wait();
    if signal == libc::SIGKILL {
        assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL);
        // The guardian ends what netlings left, on its own time.
        let deadline = Instant::now() + AFTER_KILL;
        while (!marked(pid).is_empty() || listening(hostile.port)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    } else {
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 128 + signal,
            "netlings should exit with {} after signal {signal}, not with wait status {status}:\n{out}",
            128 + signal
        );
        assert!(
            out.contains("every program it started has been stopped"),
            "{out}"
        );
    }
    let left = marked(pid);
    assert!(
        left.is_empty(),
        "still running with NETLINGS_OWNER={pid} after signal {signal}: {left:?}"
    );
    assert!(
        !listening(hostile.port),
        "port {} still listens after signal {signal}",
        hostile.port
    );
    if mode == Mode::Watch && signal != libc::SIGKILL {
        assert!(out.contains("\x1b[?1049l"), "the terminal was not restored");
    }
    for entry in std::fs::read_dir(&checkout().root).unwrap().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(&format!("hostile-{pid}-"))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let kept = std::fs::read_to_string(&state).unwrap();
    assert_eq!(kept, progress, "the progress file changed");
    let litter: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p != &state)
        .collect();
    assert!(litter.is_empty(), "half-written progress left: {litter:?}");

    if broker {
        if signal == libc::SIGKILL {
            // No handler ran: the next run that uses the broker sweeps the
            // names of runs whose netlings is gone.
            assert!(exchange_exists(&hostile.exchange));
            sweep_with_the_next_run();
        }
        assert!(
            !exchange_exists(&hostile.exchange),
            "the grade's exchange {} is still on the broker",
            hostile.exchange
        );
        if signal == libc::SIGKILL
            && let Some(names) = common::broker_names_of(pid)
        {
            assert!(names.is_empty(), "left on the broker: {names:?}");
        }
    }
}

/// A run of netlings in the checkout that grades a RabbitMQ solution.
fn sweep_with_the_next_run() {
    let c = checkout();
    let out = common::netlings(&c.root)
        .args(["verify", "--solutions", "amqp_publish"])
        .envs(c.cargo_env())
        .env("NETLINGS_STATE", c.path("sweep-progress.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn term_ends_verify_and_its_programs() {
    ends_everything(Mode::Verify, libc::SIGTERM);
}

#[test]
fn hup_ends_verify_and_its_programs() {
    ends_everything(Mode::Verify, libc::SIGHUP);
}

#[test]
fn int_ends_verify_and_its_programs() {
    ends_everything(Mode::Verify, libc::SIGINT);
}

#[test]
fn kill_of_verify_leaves_nothing_running() {
    ends_everything(Mode::Verify, libc::SIGKILL);
}

#[test]
fn term_ends_run_and_its_programs() {
    ends_everything(Mode::Run, libc::SIGTERM);
}

#[test]
fn hup_ends_run_and_its_programs() {
    ends_everything(Mode::Run, libc::SIGHUP);
}

#[test]
fn int_ends_run_and_its_programs() {
    ends_everything(Mode::Run, libc::SIGINT);
}

#[test]
fn kill_of_run_leaves_nothing_running() {
    ends_everything(Mode::Run, libc::SIGKILL);
}

#[test]
fn term_ends_watch_and_its_programs() {
    ends_everything(Mode::Watch, libc::SIGTERM);
}

#[test]
fn hup_ends_watch_and_its_programs() {
    ends_everything(Mode::Watch, libc::SIGHUP);
}

#[test]
fn int_ends_watch_and_its_programs() {
    ends_everything(Mode::Watch, libc::SIGINT);
}

#[test]
fn kill_of_watch_leaves_nothing_running() {
    ends_everything(Mode::Watch, libc::SIGKILL);
}

/// A program whose build takes seconds (its constant is computed by the
/// compiler), so that a signal lands while rustc runs.
const SLOW_TO_BUILD: &str = r#"#![allow(long_running_const_eval)]
const SLOW: u64 = {
    let mut i = 0u64;
    let mut s = NONCEu64;
    while i < 1_500_000 {
        s = s.wrapping_mul(31).wrapping_add(i);
        i += 1;
    }
    s
};

fn main() {
    println!("{SLOW}");
}
"#;

/// Saves a slow-to-build `exercise`, starts netlings in `mode` on it, and
/// sends `signal` while rustc compiles it: no cargo, no rustc is left.
fn stops_the_build(mode: Mode, topic_and_name: &str, signal: i32) {
    let c = checkout();
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000_007;
    c.save(
        topic_and_name,
        &SLOW_TO_BUILD.replace("NONCE", &nonce.to_string()),
    );
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("progress.toml");
    let exercise = topic_and_name.rsplit('/').next().unwrap();
    let mut n = start(mode, exercise, &state);
    let pid = n.pid();
    let deadline = Instant::now() + PATIENCE;
    let compiling = |p: &i32| {
        std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "rustc")
    };
    while !marked(pid).iter().any(compiling) {
        let screen = n.output();
        assert!(
            n.exited().is_none(),
            "netlings ended before building:\n{screen}"
        );
        assert!(Instant::now() < deadline, "rustc never ran:\n{screen}");
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: kill(2) of the netlings this test started.
    unsafe { libc::kill(pid as i32, signal) };
    let (status, out) = n.wait();
    if signal == libc::SIGKILL {
        let deadline = Instant::now() + AFTER_KILL;
        while !marked(pid).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    } else {
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 128 + signal,
            "the signal did not end the build (wait status {status}):\n{out}"
        );
    }
    let left = marked(pid);
    assert!(left.is_empty(), "the build is still running: {left:?}");
}

#[test]
fn term_during_a_build_stops_cargo_and_rustc() {
    stops_the_build(Mode::Run, "01_sockets/tcp_client", libc::SIGTERM);
}

#[test]
fn kill_during_a_build_stops_cargo_and_rustc() {
    stops_the_build(Mode::Verify, "01_sockets/udp_kv_server", libc::SIGKILL);
}
