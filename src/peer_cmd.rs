//! `netlings peer NAME --addr HOST:PORT`: the reference side of one
//! exercise's scenario, played against a program the learner started by
//! hand (in a debugger, under `cargo run`, in another language), with what
//! crosses the wire printed as it happens.
//!
//! The exercise's own grader runs, unchanged, in the harness's peer mode
//! ([`crate::harness::peer`]): it asks the learner to start the program
//! (with the exact environment), uses `--addr` for the scenario's
//! addresses, and waits without deadlines; the learner ends it with Ctrl-C.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use colored::Colorize;

use crate::app::{App, EXIT_CONFIG, exit_for};
use crate::catalog::ExerciseKind;
use crate::grade;
use crate::harness::peer::PeerMode;
use crate::harness::{Grading, Limits, Rng};
use crate::report;
use crate::report::human::Wire;

/// What `netlings peer` was asked.
pub struct PeerArgs<'a> {
    pub name: &'a str,
    pub addr: &'a str,
    pub seed: Option<u64>,
    pub wire: Wire,
}

pub async fn peer(app: &App, args: &PeerArgs<'_>) -> Result<ExitCode> {
    let exercise = app.exercise(args.name)?.clone();
    if !grade::has_peer(&exercise) {
        let why = match exercise.kind {
            ExerciseKind::Quiz => format!(
                "{} is a quiz: nothing talks on the wire. Answer it with `netlings quiz {}`.",
                exercise.name,
                exercise.questions.first().map_or("", String::as_str)
            ),
            _ => format!(
                "{} talks to no one on the network (it reads its input and prints), so there is \
                 no peer to play: `netlings run {}` grades it, and its failures show the command \
                 that replays them.",
                exercise.name, exercise.name
            ),
        };
        eprintln!("{} {why}", "netlings:".red().bold());
        return Ok(ExitCode::from(EXIT_CONFIG));
    }
    let addr: SocketAddr = args.addr.parse().with_context(|| {
        format!(
            "--addr {}: expected HOST:PORT, such as 127.0.0.1:7000",
            args.addr
        )
    })?;
    let seed = args.seed.unwrap_or_else(Rng::fresh_seed);
    app.print_header(&exercise);
    crate::outln!(
        "netlings plays its side of {}'s scenario (seed {seed}; `--seed {seed}` replays it) \
         against your program, which you start yourself when told, in another terminal: \
         under `cargo run`, in a debugger, or written in another language. Nothing here \
         times out - take your time at a breakpoint; Ctrl-C ends it. What netlings cannot \
         see (what your program prints, how it exits) is not judged.\n",
        exercise.name
    );
    let color = std::io::stdout().is_terminal();
    let say: crate::harness::peer::Say = Arc::new(move |text: &str| {
        if color {
            crate::outln!("{}", text.bold());
        } else {
            crate::outln!("{text}");
        }
    });
    let bin = grade::bin_name(&exercise, grade::Which::Exercise);
    let g = Grading::new(
        &exercise.name,
        Path::new(&bin),
        &app.ws.root,
        seed,
        Limits::default(),
    )
    .in_peer_mode(PeerMode::new(addr, say));
    g.transcript.live(Arc::new(move |line| {
        crate::outln!("    {}", report::human::transcript_line(line, color));
    }));
    let report = grade::grade_with(&exercise, g).await;
    crate::outln!("\n{}", "── verdict ──".bold());
    crate::out!("{}", report::human::exercise_as(&report, args.wire));
    Ok(exit_for(&[report]))
}
