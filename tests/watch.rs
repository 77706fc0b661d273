//! Watch mode, driven through a pseudo-terminal as a learner uses it: each
//! test runs the real binary in a scratch checkout and waits (with a
//! deadline) for the screen to show what it expects. No fixed sleeps.

mod common;

use common::checkout::{Checkout, SCREEN};
use common::wait_for;

use std::time::{Duration, Instant};

use expectrl::session::OsSession;
use expectrl::{ControlCode, Expect};

/// Check-all: every exercise built (its own bins in this checkout) and graded.
const CHECK_ALL: Duration = Duration::from_secs(300);

fn quit(session: &mut OsSession) -> String {
    session.send("q").unwrap();
    let rest = wait_for(session, "picks up where you left off");
    assert!(
        rest.contains("\x1b[?1049l"),
        "the alternate screen was not left: the terminal is not restored"
    );
    rest
}

#[test]
fn a_saved_solution_passes_without_a_key_press_and_progress_survives() {
    let checkout = Checkout::new();
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "Q2. How would you implement");
    wait_for(&mut s, "FAIL tcp_echo_server");
    assert!(!checkout.state().contains("done = [\"tcp_echo_server\""));

    checkout.solve("01_sockets/tcp_echo_server");
    wait_for(&mut s, "Checking…");
    wait_for(&mut s, "PASS tcp_echo_server");
    wait_for(&mut s, "Press n for the next exercise");
    assert!(
        checkout.state().contains("tcp_echo_server"),
        "{}",
        checkout.state()
    );

    // n walks to the next exercise, which is graded at once.
    s.send("n").unwrap();
    wait_for(&mut s, "netlings · tcp_client");
    wait_for(&mut s, "FAIL tcp_client");
    quit(&mut s);

    // Coming back: the same place.
    let mut again = checkout.netlings(&[], &[]);
    wait_for(&mut again, "netlings · tcp_client");
    wait_for(&mut again, "1/");
    quit(&mut again);
}

#[test]
fn a_save_during_a_slow_grade_cancels_it_and_shows_only_the_newest_verdict() {
    let checkout = Checkout::new();
    let pid_file = checkout.path("slow.pid");
    // A server that listens and never echoes: its grade waits seconds.
    let slow = format!(
        r#"fn main() {{
    std::fs::write({pid:?}, std::process::id().to_string()).unwrap();
    let l = std::net::TcpListener::bind(std::env::var("NETLINGS_ADDR").unwrap()).unwrap();
    let mut held = Vec::new();
    for s in l.incoming() {{ held.push(s.unwrap()); }}
}}
"#,
        pid = pid_file.display().to_string()
    );
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "FAIL tcp_echo_server");

    checkout.save("01_sockets/tcp_echo_server", &slow);
    wait_for(&mut s, "Checking…");
    // The slow program is running (it wrote its pid) …
    let deadline = Instant::now() + SCREEN;
    while !pid_file.exists() {
        assert!(Instant::now() < deadline, "the slow program never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid: i32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // … when the solution is saved.
    let saved = Instant::now();
    checkout.solve("01_sockets/tcp_echo_server");
    let before = wait_for(&mut s, "PASS tcp_echo_server");
    assert!(
        !before.contains("waited"),
        "a verdict of the cancelled grade was shown:\n{before}"
    );
    assert!(
        saved.elapsed() < Duration::from_secs(30),
        "the newest save waited for the slow grade"
    );
    // SAFETY: signal 0 only asks whether the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0 && !is_zombie(pid);
    assert!(
        !alive,
        "the cancelled grade's program {pid} is still running"
    );
    quit(&mut s);
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

#[test]
fn keys_hint_list_reset_and_quit() {
    let checkout = Checkout::new();
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "FAIL tcp_echo_server");

    // n before the exercise passes: it says why it stays.
    s.send("n").unwrap();
    wait_for(&mut s, "does not pass yet");

    s.send("h").unwrap();
    wait_for(&mut s, "hint:");
    wait_for(&mut s, "write_all");

    // The list: move down to udp_kv_server, continue there.
    s.send("l").unwrap();
    wait_for(&mut s, "netlings · exercises");
    wait_for(&mut s, "pending udp_kv_server");
    let catalog = netlings::catalog::Catalog::load(&common::repo_root()).unwrap();
    for _ in 0..catalog.position("udp_kv_server").unwrap() {
        s.send("j").unwrap();
    }
    s.send("c").unwrap();
    wait_for(&mut s, "netlings · udp_kv_server");
    wait_for(&mut s, "FAIL udp_kv_server");

    // The list filters and searches.
    s.send("l").unwrap();
    s.send("/").unwrap();
    s.send("retry").unwrap();
    wait_for(&mut s, "search: retry");
    s.send("\r").unwrap();
    s.send("\r").unwrap();
    wait_for(&mut s, "netlings · udp_retry_client");

    // x asks first; n keeps the file, y resets it and keeps a backup.
    checkout.save(
        "01_sockets/udp_retry_client",
        "fn main() { /* my attempt */ }\n",
    );
    s.send("x").unwrap();
    wait_for(&mut s, "Reset udp_retry_client to its original stub?");
    s.send("n").unwrap();
    wait_for(&mut s, "reset cancelled");
    assert!(
        std::fs::read_to_string(checkout.path("exercises/01_sockets/udp_retry_client.rs"))
            .unwrap()
            .contains("my attempt")
    );
    s.send("x").unwrap();
    wait_for(&mut s, "Reset udp_retry_client to its original stub?");
    s.send("y").unwrap();
    wait_for(&mut s, "your version is kept at .netlings/backups/");
    let restored =
        std::fs::read_to_string(checkout.path("exercises/01_sockets/udp_retry_client.rs")).unwrap();
    assert!(restored.contains("todo!("), "{restored}");
    let backups: Vec<_> = std::fs::read_dir(checkout.path(".netlings/backups"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(
        std::fs::read_to_string(backups[0].path())
            .unwrap()
            .contains("my attempt")
    );

    quit(&mut s);
    assert!(
        checkout.state().contains("current = \"udp_retry_client\""),
        "{}",
        checkout.state()
    );
}

#[test]
fn check_all_grades_every_exercise_with_live_progress() {
    let checkout = Checkout::new();
    checkout.solve("01_sockets/udp_kv_server");
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "FAIL tcp_echo_server");
    s.send("c").unwrap();
    wait_for(&mut s, "checking every exercise");
    // Building and grading the whole curriculum from a fresh checkout takes
    // far longer than one screen: its own, growing, patience.
    s.set_expect_timeout(Some(CHECK_ALL));
    wait_for(&mut s, "any other key goes back");
    s.set_expect_timeout(Some(SCREEN));
    assert!(
        checkout.state().contains("udp_kv_server"),
        "{}",
        checkout.state()
    );
    s.send(" ").unwrap();
    wait_for(&mut s, "netlings · tcp_echo_server");
    quit(&mut s);
}

#[test]
fn ctrl_c_quits_cleanly() {
    let checkout = Checkout::new();
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "netlings · tcp_echo_server");
    s.send(ControlCode::EndOfText).unwrap();
    let rest = wait_for(&mut s, "picks up where you left off");
    assert!(rest.contains("\x1b[?1049l"), "terminal not restored");
}

#[test]
fn polling_when_asked_and_when_the_watcher_fails() {
    for (args, env, says) in [
        (&["watch", "--poll"][..], &[][..], "noticed by polling"),
        (
            &[][..],
            &[("NETLINGS_TEST_WATCHER_FAILS", "1")][..],
            "the file watcher failed",
        ),
    ] {
        let checkout = Checkout::new();
        let mut s = checkout.netlings(args, env);
        wait_for(&mut s, says);
        wait_for(&mut s, "FAIL tcp_echo_server");
        checkout.solve("01_sockets/tcp_echo_server");
        wait_for(&mut s, "PASS tcp_echo_server");
        quit(&mut s);
    }
}

/// The solution of `tcp_echo_server`, which first appends `mark` to `log`.
fn logging_solution(checkout: &Checkout, log: &std::path::Path, mark: &str) -> String {
    let solution =
        std::fs::read_to_string(checkout.path("solutions/01_sockets/tcp_echo_server.rs")).unwrap();
    let opening = "fn main() -> std::io::Result<()> {\n";
    assert!(solution.contains(opening), "the solution's main changed");
    solution.replacen(opening, &format!("{opening}{}", log_line(log, mark)), 1)
}

/// A statement that appends `mark` and a newline to `log`.
fn log_line(log: &std::path::Path, mark: &str) -> String {
    format!(
        "    {{ use std::io::Write as _; let mut f = std::fs::OpenOptions::new().create(true).append(true).open({log:?}).unwrap(); writeln!(f, {mark:?}).unwrap(); }}\n",
        log = log.display().to_string()
    )
}

fn marks(log: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_save_storm_grades_the_last_version_once() {
    let checkout = Checkout::new();
    let log = checkout.path("runs.log");
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "FAIL tcp_echo_server");

    // An editor writing the file 50 times in a second: 49 versions that
    // fail at once, then one that passes. Each says when it runs.
    for n in 1..50 {
        checkout.save(
            "01_sockets/tcp_echo_server",
            &format!("fn main() {{\n{}}}\n", log_line(&log, &format!("v{n}"))),
        );
        std::thread::sleep(Duration::from_millis(20)); // the editor's pace
    }
    checkout.save(
        "01_sockets/tcp_echo_server",
        &logging_solution(&checkout, &log, "v50"),
    );
    wait_for(&mut s, "Checking…");
    let shown = wait_for(&mut s, "PASS tcp_echo_server");
    assert!(
        !shown.contains("FAIL tcp_echo_server"),
        "a verdict of an older version was shown:\n{shown}"
    );
    quit(&mut s);
    let runs = marks(&log);
    assert_eq!(
        runs.iter().filter(|m| *m == "v50").count(),
        1,
        "the last version was not graded exactly once: {runs:?}"
    );
}

/// The pids of the compilers building `tcp_echo_server` in `dir`.
fn compilers_in(dir: &std::path::Path) -> Vec<i32> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter_map(|p| p.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd);
            let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok();
            cmd.contains("rustc")
                && cmd.contains("tcp_echo_server")
                && cwd.is_some_and(|c| c.starts_with(dir))
        })
        .collect()
}

#[test]
fn a_save_during_a_build_ends_that_build_and_grades_only_the_newest() {
    let checkout = Checkout::new();
    let log = checkout.path("runs.log");
    let mut s = checkout.netlings(&[], &[]);
    wait_for(&mut s, "FAIL tcp_echo_server");

    // A version whose compilation takes long (a constant evaluated by a
    // loop of millions of steps): the save below lands while it builds.
    let slow = format!(
        "#![allow(long_running_const_eval)]\nconst SLOW: u64 = {{ let mut i = 0u64; while i < 10_000_000 {{ i += 1; }} i }};\n{}",
        logging_solution(&checkout, &log, "slow").replacen(
            "    let addr",
            "    assert!(SLOW > 0);\n    let addr",
            1
        )
    );
    checkout.save("01_sockets/tcp_echo_server", &slow);
    wait_for(&mut s, "Checking…");
    let deadline = Instant::now() + SCREEN;
    let compiling = loop {
        let found = compilers_in(checkout.dir.path());
        if !found.is_empty() {
            break found;
        }
        assert!(Instant::now() < deadline, "the slow version never built");
        std::thread::sleep(Duration::from_millis(20));
    };

    checkout.save(
        "01_sockets/tcp_echo_server",
        &logging_solution(&checkout, &log, "newest"),
    );
    // The slow build is ended, not left to finish in the background.
    let deadline = Instant::now() + Duration::from_secs(10);
    // SAFETY: signal 0 only asks whether the process exists.
    while compiling
        .iter()
        .any(|pid| unsafe { libc::kill(*pid, 0) } == 0 && !is_zombie(*pid))
    {
        assert!(
            Instant::now() < deadline,
            "the compiler of the older save {compiling:?} still runs 10 s after a newer save"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The older version would pass too: what ran tells them apart.
    let shown = wait_for(&mut s, "PASS tcp_echo_server");
    assert!(!shown.contains("FAIL tcp_echo_server"), "{shown}");
    quit(&mut s);
    assert_eq!(marks(&log), ["newest"], "only the newest version runs");
}
