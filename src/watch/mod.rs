//! Watch mode: the learner's loop from save to verdict.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::App;

pub const NO_TTY: &str = "watch mode needs a terminal (stdin and stdout are not one here). \
In scripts and CI, use `netlings verify` (all exercises) or `netlings run NAME` (one).";

#[derive(Debug, Default, Clone)]
pub struct WatchOptions {
    pub poll: bool,
}

pub async fn run(app: App, _options: WatchOptions) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(NO_TTY);
    }
    let _ = app;
    bail!("watch mode is not built yet; use `netlings run`")
}
