//! The command line: clap's types, and the dispatch to the subcommands.
//! Nothing in netlings imports this module; it imports them.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use colored::Colorize;

use crate::app::{App, EXIT_CONFIG};
use crate::classroom::{self, ClassroomCommand};
use crate::commands::{self, Format, Shown};
use crate::dev::{self, DevCommand};
use crate::{cards, harness, peer_cmd, watch};

#[derive(Parser)]
#[command(
    name = "netlings",
    version,
    about = "Network programming exercises in Rust, graded on the wire",
    long_about = "Edit a stub in exercises/, and netlings builds it, starts it, and talks to it \
                  over real sockets to grade what crosses the wire."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Re-grade the current exercise on every save (the default command)
    Watch {
        /// Poll for changes instead of using file-system events
        #[arg(long)]
        poll: bool,
    },
    /// Every exercise with its topic, question and status
    List,
    /// Build and grade one exercise (the current one by default)
    Run {
        /// Exercise name (see `netlings list`)
        name: Option<String>,
        /// Replay a run's random choices
        #[arg(long)]
        seed: Option<u64>,
        /// Grade the reference solution instead of your program
        #[arg(long)]
        solution: bool,
        #[command(flatten)]
        shown: Shown,
    },
    /// Play netlings' side of an exercise against a program you start by
    /// hand (in a debugger, under `cargo run`, in another language)
    Peer {
        /// Exercise name (see `netlings list`)
        name: String,
        /// The scenario's address: where your server listens, or where
        /// netlings listens for your client (later ones: the next ports).
        /// Port 0: netlings picks free ports and says which.
        #[arg(long, default_value = "127.0.0.1:7000")]
        addr: String,
        /// Replay a run's random choices
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        shown: Shown,
    },
    /// Show the hint of an exercise (the current one by default)
    Hint { name: Option<String> },
    /// Grade many exercises in parallel, headless (for CI)
    Verify {
        /// Exercise names; all of them when none is given
        names: Vec<String>,
        /// Grade the reference solutions (`<name>_sol`) instead of the stubs
        #[arg(long)]
        solutions: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// How many exercises are graded at once (default: the number of CPUs)
        #[arg(long)]
        jobs: Option<usize>,
        /// Replay a run's random choices
        #[arg(long)]
        seed: Option<u64>,
        /// Grade the exercise files of a student's checkout at DIR with this
        /// netlings' own graders (nothing else is read from DIR)
        #[arg(long, value_name = "DIR", conflicts_with = "solutions")]
        learner: Option<PathBuf>,
        /// Also write the JUnit report to FILE (whatever --format says)
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        #[command(flatten)]
        shown: Shown,
    },
    /// Answer a card's quiz in the terminal (the current card's by default)
    Quiz {
        /// The question: q01 … q15 (or 1 … 15)
        question: Option<String>,
    },
    /// Show a card's model answer, once its quiz and exercises pass
    Answer {
        /// The question: q01 … q15 (or 1 … 15)
        question: String,
        /// Show it even though the card is not done yet
        #[arg(long)]
        force: bool,
    },
    /// Restore an exercise's original stub; your version is kept as a backup
    Reset { name: String },
    /// For instructors: a template repository that grades on push
    #[command(subcommand)]
    Classroom(ClassroomCommand),
    /// For exercise authors
    #[command(subcommand)]
    Dev(DevCommand),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any thread starts: it forks.
    harness::guardian::start();
    if !std::io::stdout().is_terminal() || std::env::var_os("NO_COLOR").is_some() {
        colored::control::set_override(false);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("netlings: cannot start its runtime: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let result = runtime.block_on(async {
        tokio::spawn(crate::app::end_on_signals());
        dispatch(cli).await
    });
    if harness::groups::closing() {
        // A signal is ending netlings: its handler exits when it is done.
        loop {
            std::thread::park();
        }
    }
    harness::groups::kill_all();
    // Every program is stopped; leftover tasks (the Ctrl-C listener, stdin
    // readers) need no orderly wind-down: do not wait for the workers.
    runtime.shutdown_background();
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{} {e:#}", "netlings:".red().bold());
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Watch { poll: false });
    // `dev sync` registers graders, so it must run before they all exist.
    let app = match command {
        Command::Dev(DevCommand::Sync { .. }) => App::load_unchecked()?,
        _ => App::load()?,
    };
    match command {
        Command::Watch { poll } => watch::run(app, watch::WatchOptions { poll }).await,
        Command::List => commands::list(&app),
        Command::Run {
            name,
            seed,
            solution,
            shown,
        } => commands::run(&app, name.as_deref(), seed, solution, &shown).await,
        Command::Peer {
            name,
            addr,
            seed,
            shown,
        } => {
            let args = peer_cmd::PeerArgs {
                name: &name,
                addr: &addr,
                seed,
                wire: shown.wire(),
            };
            peer_cmd::peer(&app, &args).await
        }
        Command::Hint { name } => commands::hint(&app, name.as_deref()),
        Command::Verify {
            names,
            solutions,
            format,
            jobs,
            seed,
            learner,
            junit,
            shown,
        } => {
            let args = commands::Verify {
                names,
                solutions,
                format,
                jobs,
                seed,
                learner,
                junit,
                shown,
            };
            commands::verify(&app, &args).await
        }
        Command::Reset { name } => commands::reset(&app, &name),
        Command::Quiz { question } => cards::quiz(&app, question.as_deref()).await,
        Command::Answer { question, force } => cards::answer(&app, &question, force),
        Command::Classroom(cmd) => classroom::run(&app, cmd),
        Command::Dev(cmd) => dev::run(&app, cmd).await,
    }
}
