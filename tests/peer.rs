//! `netlings peer NAME --addr 127.0.0.1:0`: netlings plays its side of an
//! exercise against a program started by hand. Here the test is the
//! learner: it reads what netlings prints, and each time netlings asks for
//! the program to be started, starts it with the environment netlings named
//! (the address it bound, or the free port it picked) - as someone would
//! paste the line into another terminal.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use netlings::cargo::{Show, build_package};

/// A backstop for a peer that never ends (peer mode itself never times
/// out): the test fails instead of hanging.
const BACKSTOP: Duration = Duration::from_secs(240);

/// Every program these tests start by hand, built once.
const BINS: &[&str] = &[
    "tcp_echo_server_sol",
    "ws_echo_server_sol",
    "ws_echo_server",
    "http_get_json_sol",
    "grpc_unary_server_sol",
    "zmq_req_rep_sol",
    "amqp_topic_routing_sol",
];

static BUILT: tokio::sync::OnceCell<HashMap<String, PathBuf>> = tokio::sync::OnceCell::const_new();

async fn program(name: &str) -> PathBuf {
    let bins = BUILT
        .get_or_init(|| async {
            let names: Vec<String> = BINS.iter().map(|b| b.to_string()).collect();
            build_package(
                &common::repo_root(),
                "netlings-exercises",
                &names,
                Show::Quiet,
                None,
            )
            .await
            .expect("the exercises build")
            .bins
        })
        .await;
    bins.get(name).expect("built").clone()
}

/// One shell word of the command netlings prints: plain, '…', or $'…'.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while chars.peek().is_some() {
        let mut word = String::new();
        while let Some(c) = chars.next() {
            match c {
                ' ' => break,
                '$' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    while let Some(c) = chars.next() {
                        match c {
                            '\'' => break,
                            '\\' => match chars.next() {
                                Some('n') => word.push('\n'),
                                Some('t') => word.push('\t'),
                                Some(other) => word.push(other),
                                None => {}
                            },
                            c => word.push(c),
                        }
                    }
                }
                '\'' => {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                        word.push(c);
                    }
                }
                c => word.push(c),
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// The environment of the command line netlings asked to run.
fn environment(line: &str) -> Vec<(String, String)> {
    words(line)
        .into_iter()
        .take_while(|w| w != "cargo")
        .filter_map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// Runs `netlings peer exercise --addr 127.0.0.1:0`, starting `bin` each
/// time it asks; returns its exit code and everything it printed.
fn peer(exercise: &str, bin: &PathBuf, seed: u64) -> (Option<i32>, String) {
    let mut netlings = Command::new(env!("CARGO_BIN_EXE_netlings"))
        .current_dir(common::repo_root())
        .args(["peer", exercise, "--addr", "127.0.0.1:0", "--seed"])
        .arg(seed.to_string())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlings starts");
    let pid = netlings.id();
    let (done, finished) = mpsc::channel::<()>();
    let backstop = std::thread::spawn(move || {
        if finished.recv_timeout(BACKSTOP).is_err() {
            // SAFETY: kill(2) has no memory-safety preconditions.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
    });
    let stdout = BufReader::new(netlings.stdout.take().unwrap());
    let mut started: Vec<Child> = Vec::new();
    let mut output = String::new();
    let mut asked = false;
    for line in stdout.lines() {
        let line = line.expect("netlings' output");
        output.push_str(&line);
        output.push('\n');
        if asked {
            asked = false;
            let env = environment(&line);
            assert!(!env.is_empty(), "no environment in {line:?}");
            started.push(
                Command::new(bin)
                    .envs(env)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("the program starts"),
            );
        }
        asked |= line.starts_with(">>> start your program");
    }
    let status = netlings.wait().expect("netlings ends");
    let _ = done.send(());
    backstop.join().unwrap();
    for mut child in started {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut stderr = String::new();
    if let Some(mut err) = netlings.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
    }
    output.push_str(&stderr);
    (status.code(), output)
}

async fn passes(exercise: &str, bin: &str) {
    let bin = program(bin).await;
    let seed = common::seed();
    let (code, output) = tokio::task::spawn_blocking({
        let exercise = exercise.to_string();
        move || peer(&exercise, &bin, seed)
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains(&format!("PASS {exercise}")), "{output}");
    assert!(!output.contains('✗'), "{output}");
    // What crossed the wire was printed as it happened.
    assert!(output.contains("[your program]"), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_server_started_by_hand_passes() {
    passes("tcp_echo_server", "tcp_echo_server_sol").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_server_started_by_hand_passes() {
    passes("ws_echo_server", "ws_echo_server_sol").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_client_started_by_hand_passes_and_its_output_is_not_judged() {
    let bin = program("http_get_json_sol").await;
    let seed = common::seed();
    let (code, output) = tokio::task::spawn_blocking(move || peer("http_get_json", &bin, seed))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{output}");
    assert!(output.contains("PASS http_get_json"), "{output}");
    assert!(
        output.contains("NETLINGS_BASE_URL=http://127.0.0.1:"),
        "{output}"
    );
    assert!(output.contains("not judged in peer mode"), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_server_started_by_hand_passes() {
    passes("grpc_unary_server", "grpc_unary_server_sol").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zeromq_server_started_by_hand_passes() {
    passes("zmq_req_rep", "zmq_req_rep_sol").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_amqp_client_started_by_hand_passes() {
    if std::net::TcpStream::connect("127.0.0.1:5672").is_err() {
        common::shout(
            "*** SKIPPED: no RabbitMQ at 127.0.0.1:5672, so `netlings peer` was NOT tried on AMQP ***",
        );
        return;
    }
    passes("amqp_topic_routing", "amqp_topic_routing_sol").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stub_started_by_hand_fails_on_the_wire() {
    let bin = program("ws_echo_server").await;
    let seed = common::seed();
    let (code, output) = tokio::task::spawn_blocking(move || peer("ws_echo_server", &bin, seed))
        .await
        .unwrap();
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("FAIL ws_echo_server"), "{output}");
    assert!(output.contains("✗ "), "{output}");
}

#[test]
fn a_quiz_and_a_program_have_no_peer() {
    for (name, says) in [
        ("quiz_q01", "is a quiz"),
        ("protobuf_wire", "talks to no one"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_netlings"))
            .current_dir(common::repo_root())
            .args(["peer", name])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
}

#[test]
fn command_lines_are_read_as_a_shell_would() {
    assert_eq!(
        environment("A=1 B='x y' C=$'a\\nb\\'c' cargo run -q --bin x"),
        [
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "x y".to_string()),
            ("C".to_string(), "a\nb'c".to_string()),
        ]
    );
}
