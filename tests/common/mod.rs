//! Shared by netlings' integration tests.
#![allow(dead_code)]

pub mod checkout;
pub mod scratch;
pub mod screen;

use std::path::{Path, PathBuf};

use std::time::Duration;

use expectrl::Expect;
use expectrl::session::OsSession;
use netlings::harness::Rng;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed of this test run: `NETLINGS_TEST_SEED` to replay one, else fresh
/// (printed, so a failure can be replayed).
pub fn seed() -> u64 {
    let seed = std::env::var("NETLINGS_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(Rng::fresh_seed);
    eprintln!("seed {seed} (replay with NETLINGS_TEST_SEED={seed})");
    seed
}

/// Processes this test process started (they carry its pid in
/// NETLINGS_OWNER) still running the executable at `exe` (Linux: /proc).
pub fn processes_running(exe: &Path) -> Vec<u32> {
    let Ok(exe) = exe.canonicalize() else {
        return Vec::new();
    };
    // A zombie has no exe link; only running processes count.
    netlings::harness::groups::marked(std::process::id())
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|t| t == exe))
        .map(|pid| pid as u32)
        .collect()
}

/// A scratch copy of the curriculum (exercises.toml, exercises/ and
/// solutions/), for CLI tests that build nothing and must not touch the
/// real checkout.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = repo_root();
    std::fs::copy(
        root.join("exercises.toml"),
        dir.path().join("exercises.toml"),
    )
    .unwrap();
    copy_dir(&root.join("exercises"), &dir.path().join("exercises"));
    copy_dir(&root.join("solutions"), &dir.path().join("solutions"));
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name() == "target" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// netlings run in `root` as a user runs it: no colour, no overrides of
/// where the checkout and the progress are.
pub fn netlings(root: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("netlings").unwrap();
    cmd.current_dir(root)
        .env_remove("NETLINGS_ROOT")
        .env_remove("NETLINGS_STATE")
        .env("NO_COLOR", "1");
    cmd
}

/// What a finished command printed on stdout.
pub fn stdout(done: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&done.get_output().stdout).into_owned()
}

/// What a finished command printed on stderr.
pub fn stderr(done: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&done.get_output().stderr).into_owned()
}

/// netlings in a pseudo-terminal of 120 × 60 in `root`, as `netlings()`
/// sets it up, plus `env`; the screen may take `patience` to show things.
pub fn netlings_pty(
    root: &Path,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
    patience: Duration,
) -> OsSession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_netlings"));
    cmd.args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env_remove("NETLINGS_ROOT")
        .env_remove("NETLINGS_STATE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut session = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    session.get_process_mut().set_window_size(120, 60).unwrap();
    session.set_expect_timeout(Some(patience));
    session
}

/// Waits for `text` on the screen; returns what came before it. Panics
/// with the last output when it never comes.
pub fn wait_for(session: &mut OsSession, text: &str) -> String {
    match session.expect(text) {
        Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
        Err(e) => {
            let mut rest = vec![0u8; 1 << 16];
            let n = session.try_read(&mut rest).unwrap_or(0);
            panic!(
                "the screen never showed {text:?}: {e}\nlast output:\n{}",
                String::from_utf8_lossy(&rest[..n])
            )
        }
    }
}

/// Says something no test harness swallows: straight to the process's
/// stderr, past the output capture of `cargo test`.
pub fn shout(message: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(format!("\n{message}\n").as_bytes());
}

/// Whether a RabbitMQ broker answers where netlings will look for one
/// (NETLINGS_AMQP_URL, else 127.0.0.1:5672). Without one, the broker's
/// tests are skipped - loudly, once per test binary.
pub fn broker_up() -> bool {
    use std::net::ToSocketAddrs;
    let url = netlings::peers::amqp::broker_url();
    let host_port = url
        .split('@')
        .next_back()
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5672")
        .to_string();
    let host_port = if host_port.contains(':') {
        host_port
    } else {
        format!("{host_port}:5672")
    };
    let up = host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
        });
    if !up {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            shout(&format!(
                "{0}\n!! NO RABBITMQ BROKER at {host_port}: the RabbitMQ exercises' tests are SKIPPED.\n!! Start one (`rabbitmq-server -detached`) to run them; CI always does.\n{0}",
                "!".repeat(78)
            ))
        });
    }
    up
}

/// netlings' names on the broker (queues and exchanges) that carry `pid`,
/// the process that graded: `netlings.<exercise>.<pid>.…`. `None` when
/// rabbitmqctl cannot be asked.
pub fn broker_names_of(pid: u32) -> Option<Vec<String>> {
    let marker = format!(".{pid}.");
    let mut names = Vec::new();
    for what in ["list_queues", "list_exchanges"] {
        let out = std::process::Command::new("rabbitmqctl")
            .args(["-q", what, "name"])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        names.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.starts_with("netlings.") && l.contains(&marker))
                .map(str::to_string),
        );
    }
    Some(names)
}
