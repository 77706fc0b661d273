//! The hostile-program matrix: the programs under tests/mutants/hostile/
//! (never listens, listens elsewhere, panics, floods its output, forks and
//! hangs, speaks garbage, half-answers then stalls; and for the newer
//! topics HTTP/2 garbage frames, a ZeroMQ port that speaks HTTP, an AMQP
//! client that never completes its handshake) graded as the answer to one
//! exercise of every grader family. Each must end in the verdict its row
//! names (the first check that is not a pass, and a word of its message),
//! within its deadline, leaving no process and no broker object behind.
//!
//! tests/mutants.rs grades each hostile program against the exercise its
//! header names; this test grades them against the others.
//! `NETLINGS_HOSTILE=grpc_` runs only the rows whose exercise or program
//! holds it.

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use netlings::cargo::{Show, build_package};
use netlings::catalog::Catalog;
use netlings::dev::MUTANTS_PACKAGE;
use netlings::grade::grade_program;
use netlings::harness::Limits;
use netlings::report::Status;

/// A hostile program must get its verdict within this: the readiness
/// deadline plus the rest of a grade (as in tests/mutants.rs).
const VERDICT_WITHIN: Duration = Duration::from_secs(45);

/// One cell of the matrix: `hostile_<program>` graded as `exercise` fails
/// first at the check whose name starts with `fails`, with a message that
/// holds `says`.
struct Row {
    program: &'static str,
    exercise: &'static str,
    fails: &'static str,
    says: &'static str,
}

const fn row(
    program: &'static str,
    exercise: &'static str,
    fails: &'static str,
    says: &'static str,
) -> Row {
    Row {
        program,
        exercise,
        fails,
        says,
    }
}

const MATRIX: &[Row] = &[
    // TCP: a server and a client.
    row(
        "never_listens",
        "line_protocol",
        "listens on NETLINGS_ADDR",
        "no TCP socket bound at all",
    ),
    row(
        "panics",
        "line_protocol",
        "listens on NETLINGS_ADDR",
        "panicked before listening",
    ),
    row(
        "floods_output",
        "line_protocol",
        "listens on NETLINGS_ADDR",
        "so netlings stopped it",
    ),
    row(
        "listens_elsewhere",
        "line_protocol",
        "listens on NETLINGS_ADDR",
        "bind the address in NETLINGS_ADDR",
    ),
    row(
        "forks_and_hangs",
        "line_protocol",
        "answers `ADD a b`",
        "nothing was received",
    ),
    row(
        "speaks_garbage",
        "line_protocol",
        "answers `ADD a b`",
        "received only",
    ),
    row(
        "half_answers_then_stalls",
        "line_protocol",
        "answers `ADD a b`",
        "received only",
    ),
    row(
        "never_listens",
        "tcp_client",
        "connects to NETLINGS_ADDR",
        "did not connect to NETLINGS_ADDR",
    ),
    row(
        "panics",
        "tcp_client",
        "connects to NETLINGS_ADDR",
        "panicked and did not connect",
    ),
    row(
        "floods_output",
        "tcp_client",
        "connects to NETLINGS_ADDR",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "tcp_client",
        "connects to NETLINGS_ADDR",
        "did not connect to NETLINGS_ADDR",
    ),
    // UDP: a server and a client.
    row(
        "never_listens",
        "udp_kv_server",
        "answers UDP on NETLINGS_ADDR",
        "no UDP socket bound at all",
    ),
    row(
        "panics",
        "udp_kv_server",
        "answers UDP on NETLINGS_ADDR",
        "panicked before answering UDP",
    ),
    row(
        "never_listens",
        "udp_retry_client",
        "sends the request datagram",
        "no datagram came",
    ),
    row(
        "floods_output",
        "udp_retry_client",
        "sends the request datagram",
        "so netlings stopped it",
    ),
    // WebSocket: a server and a client.
    row(
        "never_listens",
        "ws_echo_server",
        "listens on NETLINGS_ADDR",
        "no TCP socket bound at all",
    ),
    row(
        "panics",
        "ws_echo_server",
        "listens on NETLINGS_ADDR",
        "panicked before listening",
    ),
    row(
        "floods_output",
        "ws_echo_server",
        "listens on NETLINGS_ADDR",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "ws_echo_server",
        "completes the WebSocket handshake",
        "did not answer the WebSocket handshake",
    ),
    row(
        "speaks_garbage",
        "ws_echo_server",
        "completes the WebSocket handshake",
        "the WebSocket handshake failed",
    ),
    row(
        "half_answers_then_stalls",
        "ws_echo_server",
        "completes the WebSocket handshake",
        "the WebSocket handshake failed",
    ),
    row(
        "never_listens",
        "ws_ticker_client",
        "connects to NETLINGS_WS_URL",
        "did not connect to NETLINGS_WS_URL",
    ),
    row(
        "panics",
        "ws_ticker_client",
        "connects to NETLINGS_WS_URL",
        "panicked and did not connect",
    ),
    // HTTP clients.
    row(
        "never_listens",
        "http_get_json",
        "sends GET /v1/weather/",
        "received 0 requests on 0 connections",
    ),
    row(
        "panics",
        "http_get_json",
        "sends GET /v1/weather/",
        "panicked before sending any request",
    ),
    row(
        "floods_output",
        "http_get_json",
        "sends GET /v1/weather/",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "http_retry",
        "sends GET /v1/orders/",
        "received 0 requests on 0 connections",
    ),
    // gRPC: servers and a client.
    row(
        "never_listens",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "no TCP socket bound at all",
    ),
    row(
        "panics",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "panicked before listening",
    ),
    row(
        "floods_output",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "sent nothing within",
    ),
    row(
        "speaks_garbage",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "does not speak HTTP/2",
    ),
    row(
        "half_answers_then_stalls",
        "grpc_unary_server",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "does not speak HTTP/2",
    ),
    row(
        "h2_garbage_frames",
        "grpc_streaming",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "does not speak HTTP/2",
    ),
    row(
        "h2_garbage_frames",
        "grpc_status_deadlines",
        "listens on NETLINGS_ADDR and speaks gRPC",
        "does not speak HTTP/2",
    ),
    row(
        "never_listens",
        "grpc_client",
        "calls the KeyValue server at NETLINGS_URL",
        "made no call to NETLINGS_URL",
    ),
    row(
        "panics",
        "grpc_client",
        "calls the KeyValue server at NETLINGS_URL",
        "panicked without calling the server",
    ),
    // XML-RPC: a server and a client.
    row(
        "never_listens",
        "xmlrpc_server",
        "listens on NETLINGS_ADDR",
        "no TCP socket bound at all",
    ),
    row(
        "floods_output",
        "xmlrpc_server",
        "listens on NETLINGS_ADDR",
        "so netlings stopped it",
    ),
    row(
        "speaks_garbage",
        "xmlrpc_server",
        "math.add:",
        "not an HTTP response",
    ),
    row(
        "half_answers_then_stalls",
        "xmlrpc_server",
        "math.add:",
        "not an HTTP response",
    ),
    row(
        "h2_garbage_frames",
        "xmlrpc_server",
        "math.add:",
        "not an HTTP response",
    ),
    row(
        "never_listens",
        "xmlrpc_client",
        "POSTs to NETLINGS_URL",
        "received 0 requests on 0 connections",
    ),
    row(
        "panics",
        "xmlrpc_client",
        "POSTs to NETLINGS_URL",
        "panicked before sending any request",
    ),
    // ZeroMQ: a REP server, a publisher, a pipeline worker.
    row(
        "never_listens",
        "zmq_req_rep",
        "binds a REP socket at NETLINGS_ENDPOINT",
        "no ZeroMQ REP socket answered",
    ),
    row(
        "panics",
        "zmq_req_rep",
        "binds a REP socket at NETLINGS_ENDPOINT",
        "panicked and did not bind a REP socket",
    ),
    row(
        "floods_output",
        "zmq_req_rep",
        "binds a REP socket at NETLINGS_ENDPOINT",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "zmq_req_rep",
        "binds a REP socket at NETLINGS_ENDPOINT",
        "no ZeroMQ REP socket answered",
    ),
    row(
        "zmq_speaks_http",
        "zmq_pub_sub",
        "binds a PUB socket at NETLINGS_ENDPOINT",
        "does not speak ZeroMQ",
    ),
    row(
        "never_listens",
        "zmq_pipeline",
        "both copies connect PULL",
        "0 of 2 copies connected a PULL",
    ),
    row(
        "panics",
        "zmq_pipeline",
        "both copies connect PULL",
        "panicked before it connected both its sockets",
    ),
    // AMQP clients.
    row(
        "never_listens",
        "amqp_publish",
        "connects to NETLINGS_AMQP_URL",
        "connecting to NETLINGS_AMQP_URL: not on the wire",
    ),
    row(
        "panics",
        "amqp_publish",
        "connects to NETLINGS_AMQP_URL",
        "panicked before connecting",
    ),
    row(
        "floods_output",
        "amqp_subscribe",
        "both copies connect to NETLINGS_AMQP_URL",
        "so netlings stopped it",
    ),
    row(
        "forks_and_hangs",
        "amqp_subscribe",
        "both copies connect to NETLINGS_AMQP_URL",
        "not on the wire",
    ),
    row(
        "amqp_stalls_handshake",
        "amqp_subscribe",
        "both copies connect to NETLINGS_AMQP_URL",
        "did not complete the AMQP handshake",
    ),
    row(
        "amqp_stalls_handshake",
        "amqp_work_queue",
        "both workers connect to NETLINGS_AMQP_URL",
        "did not complete the AMQP handshake",
    ),
    row(
        "amqp_stalls_handshake",
        "amqp_topic_routing",
        "connects to NETLINGS_AMQP_URL",
        "did not complete the AMQP handshake",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_program_gets_a_precise_verdict_in_every_family() {
    let root = common::repo_root();
    let seed = common::seed();
    let catalog = Catalog::load(&root).expect("exercises.toml loads");
    let mut rows: Vec<&Row> = MATRIX.iter().collect();
    if let Ok(only) = std::env::var("NETLINGS_HOSTILE") {
        rows.retain(|r| {
            only.split(',')
                .any(|o| r.exercise.contains(o) || r.program.contains(o))
        });
    }
    let mut bins: Vec<String> = rows
        .iter()
        .map(|r| format!("hostile_{}", r.program))
        .collect();
    bins.sort();
    bins.dedup();
    let build = build_package(&root, MUTANTS_PACKAGE, &bins, Show::Quiet, None)
        .await
        .expect("cargo runs");
    let broker = common::broker_up();
    // One program's rows one after another (what it leaves running is
    // then its row's), different programs at once.
    let by_program: Vec<Vec<&Row>> = bins
        .iter()
        .map(|bin| {
            rows.iter()
                .copied()
                .filter(|r| *bin == format!("hostile_{}", r.program))
                .collect()
        })
        .collect();
    let mut problems: Vec<String> = futures_util::stream::iter(by_program)
        .map(|rows| {
            let (catalog, build, root) = (&catalog, &build, &root);
            async move {
                let mut problems = Vec::new();
                for r in rows {
                    if let Err(e) = judge(catalog, build, root, r, seed, broker).await {
                        problems.push(e);
                    }
                }
                problems
            }
        })
        .buffer_unordered(4)
        .flat_map(futures_util::stream::iter)
        .collect()
        .await;
    if broker
        && let Some(left) = common::broker_names_of(std::process::id())
        && !left.is_empty()
    {
        problems.push(format!("left on the broker: {left:?}"));
    }
    assert!(
        problems.is_empty(),
        "seed {seed}:\n\n{}",
        problems.join("\n\n")
    );
}

async fn judge(
    catalog: &Catalog,
    build: &netlings::cargo::Build,
    root: &std::path::Path,
    r: &Row,
    seed: u64,
    broker: bool,
) -> Result<(), String> {
    let bin = format!("hostile_{}", r.program);
    let cell = format!("{bin} as {}", r.exercise);
    let exercise = catalog
        .exercise(r.exercise)
        .ok_or_else(|| format!("{cell}: no such exercise"))?;
    let exe = build.bins.get(&bin).ok_or_else(|| {
        format!(
            "{cell}: not built: {:?} {:?}",
            build.errors.get(&bin),
            build.cargo_error
        )
    })?;
    let started = Instant::now();
    let report = grade_program(exercise, exe, root, seed, Limits::default()).await;
    let took = started.elapsed();
    if !broker && report.status == Status::Unavailable {
        return Ok(());
    }
    let mut problems = Vec::new();
    let failed = report.checks.iter().find(|c| c.status != Status::Pass);
    let (name, status, message) = match failed {
        Some(c) => (c.name.clone(), c.status.as_str(), c.full_message()),
        None => return Err(format!("{cell}: PASSED")),
    };
    if !name.starts_with(r.fails) {
        problems.push(format!("failed at `{name}` instead of `{}`", r.fails));
    }
    if !message.contains(r.says) {
        problems.push(format!("its verdict does not say `{}`", r.says));
    }
    if message.trim().is_empty() {
        problems.push("its verdict says nothing".to_string());
    }
    if took > VERDICT_WITHIN {
        problems.push(format!("its verdict took {took:?}"));
    }
    let left = common::processes_running(exe);
    if !left.is_empty() {
        problems.push(format!("processes left running: {left:?}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{cell} ({took:.1?}): {}\n--- its verdict ---\n{status}: {name}\n{message}",
            problems.join("; ")
        ))
    }
}
