//! What grading found, independent of how it is shown.
//!
//! A grader returns checks; a renderer (human, json, junit) shows them and
//! decides nothing.

pub mod classroom;
pub mod diagram;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
mod plot;
mod points;
mod wire;

pub use points::Points;

use std::time::Duration;

use serde::Serialize;

pub use wire::{Kind, Plot, PlotKind, Series, TranscriptLine, Who};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// netlings could not judge: an internal fault.
    Error,
    /// The learner's program did not answer within the check's deadline.
    Timeout,
    /// Could not be graded on this machine: something the exercise needs
    /// and netlings does not provide (a RabbitMQ broker) is missing. Not a
    /// failure of the learner's program, and not a pass either.
    Unavailable,
    /// Not run: an earlier check of the exercise failed (or its program
    /// did not compile). Listed all the same, worth nothing, so that an
    /// exercise's maximum never depends on how far the learner got.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Unavailable => "unavailable",
            Status::Skipped => "skipped",
        }
    }
}

/// Expected vs actual bytes; rendered with the first difference marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What was compared, e.g. "the echo of 1 MiB of random bytes".
    pub what: String,
    pub expected: Vec<u8>,
    pub actual: Vec<u8>,
}

impl Mismatch {
    pub fn first_difference(&self) -> Option<usize> {
        let common = self.expected.len().min(self.actual.len());
        (0..common)
            .find(|&i| self.expected[i] != self.actual[i])
            .or((self.expected.len() != self.actual.len()).then_some(common))
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub status: Status,
    /// What went wrong, in the learner's terms; empty when it passed.
    pub message: String,
    pub mismatch: Option<Mismatch>,
    pub transcript: Vec<TranscriptLine>,
    /// Timing plots: what was measured against the bounds, for checks
    /// judged on time.
    pub plots: Vec<Plot>,
    /// A command line the learner can run to replay the check by hand.
    pub reproduce: Option<String>,
    /// The tail of the program's stderr, when it explains the failure.
    pub program_output: Option<String>,
    pub duration: Duration,
    /// What passing it earns (the runner's own checks, such as `compiles`,
    /// are worth nothing: a gate, not the learner's work).
    pub worth: Points,
}

impl Check {
    pub fn passed(name: impl Into<String>, duration: Duration) -> Check {
        Check {
            name: name.into(),
            status: Status::Pass,
            message: String::new(),
            mismatch: None,
            transcript: Vec::new(),
            plots: Vec::new(),
            reproduce: None,
            program_output: None,
            duration,
            worth: Points::ZERO,
        }
    }

    /// A check that was not run, and why.
    pub fn skipped(name: impl Into<String>, why: impl Into<String>) -> Check {
        Check {
            status: Status::Skipped,
            message: why.into(),
            ..Check::passed(name, Duration::ZERO)
        }
    }

    /// What this check earned: its worth if it passed, else nothing.
    pub fn earned(&self) -> Points {
        if self.status == Status::Pass {
            self.worth
        } else {
            Points::ZERO
        }
    }

    /// What a one-line summary shows: the message's first thought, whole -
    /// its first line, with the lines a line ending in `:` introduces and
    /// the indented lines that detail it (a panic's message).
    pub fn headline(&self) -> String {
        let mut out = String::new();
        let mut lines = self.message.lines().skip_while(|l| l.trim().is_empty());
        let Some(first) = lines.next() else {
            return out;
        };
        out.push_str(first.trim());
        for line in lines {
            let detail = line.starts_with(char::is_whitespace) && !line.trim().is_empty();
            if !(out.ends_with(':') || detail) || line.trim().is_empty() {
                break;
            }
            out.push_str(if out.ends_with(':') { " " } else { ": " });
            out.push_str(line.trim());
        }
        out
    }

    /// The message with the mismatch spelled out, as plain text.
    pub fn full_message(&self) -> String {
        let mut text = self.message.clone();
        if let Some(m) = &self.mismatch {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&human::mismatch_plain(m));
        }
        if let Some(out) = &self.program_output {
            text.push_str("\nyour program's output (last lines):\n");
            text.push_str(out);
        }
        text
    }
}

#[derive(Debug, Clone)]
pub struct ExerciseReport {
    pub name: String,
    pub topic: String,
    pub questions: Vec<String>,
    pub status: Status,
    /// Build and grade, start to verdict.
    pub duration: Duration,
    /// Of which building (shared by every exercise of one `verify`).
    pub build: Duration,
    pub checks: Vec<Check>,
    pub seed: u64,
    /// The grade drew on the seed (a quiz does not: its verdict offers no
    /// replay).
    pub seeded: bool,
}

impl ExerciseReport {
    /// The exercise's status: that of its first check that did not pass
    /// (a check skipped with none failed before it is a failure too).
    pub fn status_of(checks: &[Check]) -> Status {
        checks
            .iter()
            .map(|c| c.status)
            .find(|s| *s != Status::Pass)
            .map(|s| {
                if s == Status::Skipped {
                    Status::Fail
                } else {
                    s
                }
            })
            .unwrap_or(if checks.is_empty() {
                Status::Error
            } else {
                Status::Pass
            })
    }

    /// How many of its checks passed.
    pub fn passed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Pass)
            .count()
    }

    /// The points its passed checks earned.
    pub fn points(&self) -> Points {
        self.checks.iter().map(Check::earned).sum()
    }

    /// What it is worth in all: the same for a stub, a half-done program
    /// and a solution, since every check is listed, run or not.
    pub fn max_points(&self) -> Points {
        self.checks.iter().map(|c| c.worth).sum()
    }
}

/// Totals over many exercises.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub timeout: usize,
    /// Exercises that could not be graded here (see [`Status::Unavailable`]).
    pub unavailable: usize,
    /// Every check of every exercise, by status.
    pub checks: CheckCounts,
    pub points: Points,
    pub max_points: Points,
    pub duration_ms: u128,
}

/// Checks by status; `skipped` are those not run after an earlier failure.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckCounts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub timeout: usize,
    pub unavailable: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(reports: &[ExerciseReport], duration: Duration) -> Summary {
        let mut s = Summary {
            total: reports.len(),
            duration_ms: duration.as_millis(),
            ..Summary::default()
        };
        for r in reports {
            match r.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Error => s.error += 1,
                Status::Timeout => s.timeout += 1,
                Status::Unavailable => s.unavailable += 1,
                // Never an exercise's status (see `status_of`).
                Status::Skipped => s.fail += 1,
            }
            s.points = s.points + r.points();
            s.max_points = s.max_points + r.max_points();
            for c in &r.checks {
                let n = &mut s.checks;
                n.total += 1;
                *match c.status {
                    Status::Pass => &mut n.pass,
                    Status::Fail => &mut n.fail,
                    Status::Error => &mut n.error,
                    Status::Timeout => &mut n.timeout,
                    Status::Unavailable => &mut n.unavailable,
                    Status::Skipped => &mut n.skipped,
                } += 1;
            }
        }
        s
    }
}

/// Bytes as a Rust-like string literal body: printable ASCII as is, the rest
/// escaped, so a learner sees exactly what crossed the wire.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        push_escaped(&mut out, b);
    }
    out
}

fn push_escaped(out: &mut String, b: u8) {
    match b {
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        b'\\' => out.push_str("\\\\"),
        b'"' => out.push_str("\\\""),
        0x20..=0x7e => out.push(b as char),
        _ => out.push_str(&format!("\\x{b:02x}")),
    }
}

/// At most `max` bytes of `bytes`, escaped, with what was left out said.
pub fn escape_abridged(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        return format!("\"{}\"", escape(bytes));
    }
    format!(
        "\"{}\"… ({} bytes in all)",
        escape(&bytes[..max]),
        bytes.len()
    )
}

/// Human-readable byte counts: "512 bytes", "64 KiB", "1 MiB", "1.5 MiB".
pub fn size(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if n >= MIB {
        if n.is_multiple_of(MIB) {
            format!("{} MiB", n / MIB)
        } else {
            format!("{:.1} MiB", n as f64 / MIB as f64)
        }
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_is_a_whole_first_thought() {
        let check = |message: &str| Check {
            message: message.into(),
            ..Check::passed("c", Duration::ZERO)
        };
        assert_eq!(
            check("your program panicked before listening on 127.0.0.1:34637\n  not yet implemented: bind\nmore").headline(),
            "your program panicked before listening on 127.0.0.1:34637: not yet implemented: bind"
        );
        assert_eq!(
            check("the reply differs:\nexpected 5\n\nhint").headline(),
            "the reply differs: expected 5"
        );
        assert_eq!(check("one line\nanother").headline(), "one line");
    }

    #[test]
    fn escapes_like_a_literal() {
        assert_eq!(escape(b"hi\n\0\xff\"\\"), r#"hi\n\x00\xff\"\\"#);
    }

    #[test]
    fn first_difference() {
        let m = |e: &[u8], a: &[u8]| Mismatch {
            what: String::new(),
            expected: e.to_vec(),
            actual: a.to_vec(),
        };
        assert_eq!(m(b"abc", b"abd").first_difference(), Some(2));
        assert_eq!(m(b"abc", b"ab").first_difference(), Some(2));
        assert_eq!(m(b"abc", b"abc").first_difference(), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(100), "100 bytes");
    }
}
