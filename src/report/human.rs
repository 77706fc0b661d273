//! The colored, check-by-check view a learner reads in a terminal.

use std::fmt::Write as _;

use colored::Colorize;

use super::diagram::{self, text::Style};
use super::{Check, ExerciseReport, Kind, Mismatch, Status, Summary, TranscriptLine, Who, escape};

/// How many transcript lines a failed check shows before abridging.
const TRANSCRIPT_LINES: usize = 40;
/// How many rows of a diagram a failed check shows (the last ones).
const DIAGRAM_ROWS: usize = 48;
/// The diagram's indent under its check.
const DIAGRAM_INDENT: &str = "    ";
/// How many escaped characters of context a mismatch shows on each side.
const CONTEXT: usize = 32;

pub fn status_mark(status: Status) -> String {
    match status {
        Status::Pass => "✓".green().bold().to_string(),
        Status::Fail => "✗".red().bold().to_string(),
        Status::Error => "!".yellow().bold().to_string(),
        Status::Timeout => "⏱".red().bold().to_string(),
        Status::Unavailable => "–".yellow().bold().to_string(),
        Status::Skipped => "○".dimmed().to_string(),
    }
}

pub fn status_word(status: Status) -> String {
    match status {
        Status::Pass => "PASS".green().bold().to_string(),
        Status::Fail => "FAIL".red().bold().to_string(),
        Status::Error => "ERROR".yellow().bold().to_string(),
        Status::Timeout => "TIMEOUT".red().bold().to_string(),
        Status::Unavailable => "NOT GRADED HERE".yellow().bold().to_string(),
        Status::Skipped => "SKIPPED".dimmed().to_string(),
    }
}

/// How a failed check shows what crossed the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// A sequence diagram, drawn in this style.
    Diagram(Style),
    /// The lines, prefixed by who spoke (`--transcript list`).
    List,
}

impl Wire {
    /// The diagram, fitted to this terminal.
    pub fn from_env() -> Wire {
        Wire::Diagram(Style::from_env())
    }
}

/// One exercise, check by check; failed checks in full, each with its
/// conversation as a diagram fitted to the terminal.
pub fn exercise(report: &ExerciseReport) -> String {
    exercise_as(report, Wire::from_env())
}

/// [`exercise`], with the conversations shown as `wire` says.
pub fn exercise_as(report: &ExerciseReport, wire: Wire) -> String {
    let mut out = String::new();
    for check in &report.checks {
        render_check(&mut out, check, wire);
    }
    let passed = report.passed();
    let replay = if report.seeded {
        format!(" · seed {} (replay: --seed {})", report.seed, report.seed)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n{} {} — {}/{} checks passed in {:.1} s{replay}",
        status_word(report.status),
        report.name.bold(),
        passed,
        report.checks.len(),
        report.duration.as_secs_f64(),
    );
    out
}

fn render_check(out: &mut String, check: &Check, wire: Wire) {
    if check.status == Status::Skipped {
        // What is still ahead, without repeating why for each.
        let _ = writeln!(
            out,
            "  {} {}",
            status_mark(check.status),
            check.name.dimmed()
        );
        return;
    }
    let _ = writeln!(out, "  {} {}", status_mark(check.status), check.name);
    if check.status == Status::Pass {
        return;
    }
    for line in check.message.lines() {
        let _ = writeln!(out, "      {line}");
    }
    if let Some(m) = &check.mismatch {
        for line in mismatch_lines(m, true) {
            let _ = writeln!(out, "      {line}");
        }
    }
    if let Some(output) = &check.program_output {
        let _ = writeln!(
            out,
            "      {}",
            "your program's output (last lines):".dimmed()
        );
        for line in output.lines() {
            let _ = writeln!(out, "      │ {line}");
        }
    }
    let listed: Vec<&TranscriptLine> = check
        .transcript
        .iter()
        .filter(|l| l.kind != Kind::Verdict)
        .collect();
    if let (Wire::Diagram(style), false) = (wire, listed.is_empty()) {
        let _ = writeln!(out, "      {}", "what crossed the wire:".dimmed());
        let style = Style {
            width: style.width.saturating_sub(DIAGRAM_INDENT.len()),
            ..style
        };
        for line in diagram::text::render(&check.transcript, &style, DIAGRAM_ROWS) {
            let _ = writeln!(out, "{DIAGRAM_INDENT}{line}");
        }
    } else if !listed.is_empty() {
        let _ = writeln!(out, "      {}", "what crossed the wire:".dimmed());
        let shown = listed.len().min(TRANSCRIPT_LINES);
        let skipped = listed.len() - shown;
        if skipped > 0 {
            let _ = writeln!(out, "        … {skipped} earlier lines");
        }
        for line in &listed[skipped..] {
            let _ = writeln!(out, "        {}", transcript_line(line, true));
        }
    }
    if let Some(cmd) = &check.reproduce {
        let _ = writeln!(out, "      {} {}", "try it yourself:".dimmed(), cmd);
    }
}

pub fn transcript_line(line: &TranscriptLine, color: bool) -> String {
    // Who opened or closed a connection is in the words of the line.
    let speaker = if line.kind.is_message() {
        line.who
    } else {
        Who::Event
    };
    let who = match speaker {
        Who::Netlings => "[netlings]",
        Who::Program => "[your program]",
        Who::Broker => "[broker]",
        Who::Event => "[event]",
    };
    let who = if color {
        match speaker {
            Who::Netlings => who.cyan().to_string(),
            Who::Program => who.magenta().to_string(),
            Who::Broker => who.blue().to_string(),
            Who::Event => who.dimmed().to_string(),
        }
    } else {
        who.to_string()
    };
    match line.conn {
        Some(c) => format!("{who} #{c} {}", line.text),
        None => format!("{who} {}", line.text),
    }
}

/// Expected vs actual, with a caret under the first differing byte.
pub fn mismatch_plain(m: &Mismatch) -> String {
    mismatch_lines(m, false).join("\n")
}

fn mismatch_lines(m: &Mismatch, color: bool) -> Vec<String> {
    let Some(at) = m.first_difference() else {
        return vec![format!("{} (identical)", m.what)];
    };
    let start = at.saturating_sub(CONTEXT);
    let window = |bytes: &[u8]| -> (String, usize) {
        let end = bytes.len().min(at + CONTEXT);
        let lead = if start > 0 { "…" } else { "" };
        let trail = if end < bytes.len() { "…" } else { "" };
        let before = escape(&bytes[start.min(bytes.len())..at.min(bytes.len())]);
        let body = escape(&bytes[start.min(bytes.len())..end.max(start.min(bytes.len()))]);
        (
            format!("{lead}\"{body}\"{trail}"),
            lead.chars().count() + 1 + before.chars().count(),
        )
    };
    let (expected, _) = window(&m.expected);
    let (actual, caret_at) = window(&m.actual);
    let where_ = if at >= m.actual.len() {
        format!(
            "your program's bytes end after {} of the {} expected",
            m.actual.len(),
            m.expected.len()
        )
    } else if at >= m.expected.len() {
        format!(
            "{} bytes more than expected",
            m.actual.len() - m.expected.len()
        )
    } else {
        format!("first difference at byte {at}")
    };
    let (label_e, label_a) = if color {
        (
            "expected:".green().to_string(),
            "actual:  ".red().to_string(),
        )
    } else {
        ("expected:".to_string(), "actual:  ".to_string())
    };
    vec![
        format!(
            "{} ({} bytes expected, {} received)",
            m.what,
            m.expected.len(),
            m.actual.len()
        ),
        format!("{label_e} {expected}"),
        format!("{label_a} {actual}"),
        format!("{}^ {where_}", " ".repeat(10 + caret_at)),
    ]
}

/// The closing lines of a `verify` run.
pub fn summary(reports: &[ExerciseReport], summary: &Summary) -> String {
    let mut out = String::new();
    for r in reports {
        let failed = r.checks.iter().find(|c| c.status != Status::Pass);
        let detail = failed.map_or(String::new(), |c| {
            format!(" — {}: {}", c.name, c.headline())
        });
        let _ = writeln!(
            out,
            "{} {:<24} {:>5.1} s{}",
            status_mark(r.status),
            r.name,
            r.duration.as_secs_f64(),
            detail.dimmed()
        );
    }
    let not_graded = if summary.unavailable > 0 {
        format!(", {} could not be graded here", summary.unavailable)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\n{}/{} passed ({} failed, {} timed out, {} errors{not_graded}) in {:.1} s",
        summary.pass,
        summary.total,
        summary.fail,
        summary.timeout,
        summary.error,
        summary.duration_ms as f64 / 1000.0
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_first_difference() {
        colored::control::set_override(false);
        let m = Mismatch {
            what: "the echo".into(),
            expected: b"hello\n".to_vec(),
            actual: b"hellp\n".to_vec(),
        };
        let text = mismatch_plain(&m);
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[2][caret..caret + 1], "p", "{text}");
        assert!(lines[3].contains("byte 4"));
    }

    #[test]
    fn short_actual_is_described() {
        let m = Mismatch {
            what: "reply".into(),
            expected: b"12\n".to_vec(),
            actual: b"1".to_vec(),
        };
        assert!(mismatch_plain(&m).contains("end after 1 of the 3 expected"));
    }
}
