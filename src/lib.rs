//! netlings: network programming exercises in Rust, graded on the wire.
//!
//! The split (see DESIGN.md): [`catalog`] is the curriculum as data;
//! [`harness`] runs programs and owns their processes; [`peers`] speak the
//! protocols; [`graders`] decide what is judged; [`report`] shows it.

pub mod cargo;
pub mod catalog;
pub mod cli;
pub mod dev;
pub mod grade;
pub mod graders;
pub mod harness;
pub mod peers;
pub mod quiz;
pub mod report;
pub mod state;
pub mod watch;
pub mod workspace;
