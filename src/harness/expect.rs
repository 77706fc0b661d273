//! What graders expect of the program as a process, each with one name:
//! it finishes in time, exits 0 (or non-zero after a failure), does not
//! exit while it is still awaited, and prints a line.

use std::future::Future;
use std::process::ExitStatus;
use std::time::Duration;

use super::Failure;
use super::crash::describe_exit;
use super::process::{FLOOD_LIMIT, Program, is_by_hand};

/// What came first while waiting on something the program should do.
pub enum Race<T> {
    /// The awaited thing happened.
    Done(T),
    /// The program exited first.
    Exited(ExitStatus),
    /// Neither, within the time given.
    TimedOut,
}

/// Waits for `event` while the program runs, at most `within`: whichever
/// comes first of the event, the program's exit, or the deadline. If the
/// event and the exit are both there, the event wins.
pub async fn race<T>(
    program: &Program,
    within: Duration,
    event: impl Future<Output = T>,
) -> Race<T> {
    tokio::select! {
        biased;
        done = event => Race::Done(done),
        status = program.exited() => Race::Exited(status),
        () = tokio::time::sleep(within) => Race::TimedOut,
    }
}

/// The program ended when it should not have: "your program panicked
/// {context}:" and the panic's message, or "exited with status 1", and -
/// when it flooded its output - that netlings stopped it. `context` says
/// what it should have done instead ("and did not connect to NETLINGS_ADDR").
pub fn ended_early(program: &Program, status: ExitStatus, context: &str) -> Failure {
    let exit = describe_exit(status, &program.stderr_text());
    let mut failure = Failure::fail(format!("your program {} {context}", exit.summary).trim_end())
        .and(exit.detail.map(|d| format!("  {d}")).unwrap_or_default());
    failure.tells_exit = true;
    if let Some(stream) = program.flooded() {
        failure = failure.and(format!(
            "it wrote more than {} to {stream}, so netlings stopped it",
            crate::report::size(FLOOD_LIMIT)
        ));
        failure.tells_flood = true;
    }
    failure
}

/// Waits for a program that should finish by itself (a client), at most
/// `within` after `since` ("netlings answered").
pub async fn expect_exit(
    program: &mut Program,
    within: Duration,
    since: &str,
) -> Result<ExitStatus, Failure> {
    program.not_judged(&format!(
        "how it ended: whether it finished in time after {since}, and its exit status"
    ));
    match program.wait(within).await {
        Some(status) => Ok(status),
        None => Err(Failure::timeout(format!(
            "your program was still running {:.1} s after {since}: it should have finished",
            within.as_secs_f64()
        ))),
    }
}

/// The program exited with status 0, or a failure that says how it ended.
pub fn expect_success(program: &Program, status: ExitStatus) -> Result<(), Failure> {
    if status.success() || (is_by_hand(status) && program.not_judged("its exit status (0)")) {
        return Ok(());
    }
    Err(ended_early(program, status, ""))
}

/// After a failure (`after`: "after giving up", "after a timeout") the
/// program must exit with a non-zero status, so that scripts see it failed.
/// (Not judged for a program run by hand, whose status netlings cannot see.)
pub fn expect_failure_status(status: ExitStatus, after: &str) -> Result<(), Failure> {
    if !status.success() || is_by_hand(status) {
        return Ok(());
    }
    Err(Failure::fail(format!(
        "your program exited with status 0 {after}: a failure must exit non-zero"
    )))
}

/// The program printed a line that `matches` - `what` ("`timeout`", "the
/// order's JSON") on a line of its own - or a failure that shows `example`,
/// such a line, against what it printed.
pub fn expect_line(
    program: &Program,
    what: &str,
    example: &str,
    matches: impl Fn(&str) -> bool,
) -> Result<(), Failure> {
    if program.not_judged(&format!("whether it printed {what}, such as `{example}`")) {
        return Ok(());
    }
    if program.stdout_lines().iter().any(|l| matches(l.trim())) {
        return Ok(());
    }
    Err(Failure::mismatch(
        format!("your program did not print {what} on a line of its own"),
        "your program's output",
        format!("{example}\n"),
        program.stdout_bytes(),
    ))
}

/// The program printed `line` (trimmed) on a line of its own.
pub fn expect_printed(program: &Program, line: &str) -> Result<(), Failure> {
    expect_line(program, &format!("`{line}`"), line, |l| l == line)
}
