//! netlings: network programming exercises in Rust, graded on the wire.
//!
//! The split (ARCHITECTURE.md, at the root of the repository, is the map):
//! [`catalog`] is the curriculum as data; [`harness`] runs programs and
//! owns their processes; [`peers`] speak the protocols; [`graders`] decide
//! what is judged; [`report`] shows it; [`cli`] dispatches to [`commands`],
//! [`cards`], [`watch`] and [`dev`], which work on an [`app::App`].
//!
//! netlings runs on Unix (Linux, macOS): it starts learners' programs in
//! process groups and signals them. On Windows this library is empty and
//! the binary only says to use WSL; what is Linux-only beyond that (reading
//! `/proc`) sits behind `cfg(target_os = "linux")` with a fallback.
#![cfg(unix)]

/// `print!` to stdout that ignores a closed pipe (`netlings list | head`):
/// the output is not wanted any more, which is no reason to panic.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `println!` that ignores a closed pipe; see [`out!`].
#[macro_export]
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod app;
pub mod cards;
pub mod cargo;
pub mod catalog;
pub mod classroom;
pub mod cli;
pub mod commands;
pub mod dev;
pub mod fastbuild;
pub mod grade;
pub mod graders;
pub mod harness;
pub mod peer_cmd;
pub mod peers;
pub mod pinned;
pub mod provenance;
pub mod quiz;
pub mod report;
pub mod screen;
pub mod state;
pub mod terminal;
pub mod watch;
pub mod workspace;
