//! One file per exercise: the script of the protocol its grader runs.
//! Adding an exercise is a stub, a solution, a grader file here, and an entry
//! in `exercises.toml`.

use std::future::Future;
use std::pin::Pin;

use std::net::SocketAddr;
use std::process::ExitStatus;
use std::time::Duration;

use crate::harness::net::{connect_when_ready, free_tcp_addr};
use crate::harness::process::describe_exit;
use crate::harness::{Failure, Grading, Outcome, Program, Stop};
use crate::peers::tcp::Conn;

pub type GradeFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;
pub type GradeFn = for<'a> fn(&'a Grading) -> GradeFuture<'a>;

// The modules are declared one by one (not by the macro) so that rustfmt
// and cargo fmt see them; the macro builds the lookup from the same names.
pub mod amqp_publish;
pub mod amqp_subscribe;
pub mod amqp_topic_routing;
pub mod amqp_work_queue;
pub mod client_timeouts;
pub mod concurrent_server;
pub mod http_async_concurrent;
pub mod http_get_json;
pub mod http_pooling;
pub mod http_retry;
pub mod http_timeouts;
pub mod length_prefixed;
pub mod line_protocol;
pub mod send_all;
pub mod tcp_client;
pub mod tcp_echo_server;
pub mod udp_kv_server;
pub mod udp_retry_client;
pub mod ws_chat;
pub mod ws_echo_server;
pub mod ws_handshake;
pub mod ws_ticker_client;
pub mod xmlrpc_client;
pub mod xmlrpc_server;

macro_rules! graders {
    ($($name:ident),* $(,)?) => {
        /// The grader named in `exercises.toml`.
        pub fn lookup(name: &str) -> Option<GradeFn> {
            match name {
                $(stringify!($name) => Some(|g| Box::pin($name::grade(g))),)*
                _ => None,
            }
        }
    };
}

graders! {
    tcp_echo_server,
    tcp_client,
    udp_kv_server,
    udp_retry_client,
    send_all,
    line_protocol,
    length_prefixed,
    concurrent_server,
    client_timeouts,
    ws_handshake,
    ws_echo_server,
    ws_chat,
    ws_ticker_client,
    http_get_json,
    http_async_concurrent,
    http_retry,
    http_timeouts,
    http_pooling,
    amqp_publish,
    amqp_subscribe,
    amqp_work_queue,
    amqp_topic_routing,
    xmlrpc_client,
    xmlrpc_server,
}

/// Starts a TCP server under test on a fresh `NETLINGS_ADDR` (plus `env`)
/// and returns it with its address and the first connection, made as soon
/// as it listens.
pub async fn start_tcp_server(
    g: &Grading,
    env: &[(&str, String)],
) -> Result<(Program, SocketAddr, Conn), Stop> {
    let addr = free_tcp_addr();
    let mut vars = vec![("NETLINGS_ADDR", addr.to_string())];
    vars.extend(env.iter().cloned());
    g.check("listens on NETLINGS_ADDR", async {
        let program = g.start(&vars)?;
        let stream = connect_when_ready(g, &program, addr).await?;
        Ok((program, addr, Conn::from_stream(g, stream)))
    })
    .await
}

/// Waits for the program under test (a client) to connect to `listener`,
/// whose address it got in the environment variable `var`; fails at once if
/// it exits first.
pub async fn accept_client(
    g: &Grading,
    program: &Program,
    listener: &tokio::net::TcpListener,
    var: &str,
) -> Result<Conn, Failure> {
    let within = g.limits.ready;
    tokio::select! {
        biased;
        accepted = listener.accept() => {
            let (stream, _) = accepted
                .map_err(|e| Failure::error(format!("accepting a connection: {e}")))?;
            Ok(Conn::from_stream(g, stream))
        }
        status = program.exited() => {
            let exit = describe_exit(status, &program.stderr_text());
            Err(Failure::fail(format!(
                "your program {} without connecting to {var}",
                exit.summary
            ))
            .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default()))
        }
        () = tokio::time::sleep(within) => Err(Failure::timeout(format!(
            "your program did not connect to {var} ({}) within {} s",
            listener.local_addr().map_or("?".into(), |a| a.to_string()),
            within.as_secs()
        ))),
    }
}

/// Waits for a client program to finish, at most `within`.
pub async fn client_exit(
    program: &mut Program,
    within: Duration,
    waiting_for: &str,
) -> Result<ExitStatus, Failure> {
    match program.wait(within).await {
        Some(status) => Ok(status),
        None => Err(Failure::timeout(format!(
            "your program was still running {:.1} s after {waiting_for}: it should have finished",
            within.as_secs_f64()
        ))),
    }
}

/// The program exited with status 0, or a failure that says how it ended.
pub fn expect_success(program: &Program, status: ExitStatus) -> Result<(), Failure> {
    if status.success() {
        return Ok(());
    }
    let exit = describe_exit(status, &program.stderr_text());
    Err(Failure::fail(format!("your program {}", exit.summary))
        .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default()))
}

/// The program printed `line` (trimmed) on a line of its own, or a failure
/// showing what it printed instead.
pub fn expect_printed(program: &Program, line: &str) -> Result<(), Failure> {
    if stdout_lines(program).iter().any(|l| l.trim() == line) {
        return Ok(());
    }
    Err(Failure::mismatch(
        format!("your program did not print `{line}` on a line of its own"),
        "your program's output",
        format!("{line}\n"),
        program.stdout_bytes(),
    ))
}

/// The program's stdout lines, without trailing `\r`.
pub fn stdout_lines(program: &Program) -> Vec<String> {
    program
        .stdout_text()
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect()
}

/// A reference server's listener on a fresh loopback port.
pub async fn listen() -> Result<tokio::net::TcpListener, Failure> {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::error(format!("netlings cannot bind 127.0.0.1:0: {e}")))
}

/// Sends `request` from `socket` to `server` and expects the datagram
/// `expected` back from `server`, asking again (up to 3 times) if nothing
/// comes: on loopback a datagram is rarely lost, but UDP promises nothing.
pub async fn expect_datagram(
    g: &Grading,
    socket: &crate::peers::udp::Socket,
    server: SocketAddr,
    request: &[u8],
    expected: &[u8],
    what: &str,
) -> Result<(), Failure> {
    let wait = g.limits.io / 3;
    for _ in 0..3 {
        socket.send_to(request, server).await?;
        let Some((reply, from)) = socket.recv(wait).await else {
            continue;
        };
        if from != server {
            return Err(Failure::fail(format!(
                "{what} came from {from}, not from the server's address {server}"
            ))
            .because("reply with the socket that received the request: clients accept answers only from the address they asked"));
        }
        return crate::harness::expect_bytes(what, expected, &reply, format!("{what} is wrong"));
    }
    Err(Failure::timeout(format!(
        "no reply to {} after asking 3 times ({:.1} s each), on socket #{} (port {})",
        crate::report::escape_abridged(request, 40),
        wait.as_secs_f64(),
        socket.id,
        socket.local_addr().port()
    ))
    .because(format!(
        "{what} should go to the address the request came from"
    )))
}
