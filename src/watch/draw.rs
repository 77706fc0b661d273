//! What watch mode's screen shows: the current exercise and its verdict,
//! the list, or the check of every exercise.

use std::fmt::Write as _;

use colored::Colorize;

use super::{CheckAll, Grade, View, Watch};
use crate::report::{self, Status};
use crate::terminal;
use crate::workspace::Workspace;

impl Watch {
    pub(super) fn render(&self) {
        let text = match &self.view {
            View::List(list) => list.render(&self.app.catalog, &self.state, &self.current),
            View::CheckAll(all) => self.render_check_all(all),
            View::Exercise | View::ConfirmReset => self.render_exercise(),
        };
        terminal::draw(&text);
    }

    fn render_exercise(&self) -> String {
        let exercise = self.exercise();
        let catalog = &self.app.catalog;
        let mut out = String::new();
        let position = catalog.position(&exercise.name).map_or(0, |i| i + 1);
        let _ = writeln!(
            out,
            "{} {}  {}",
            "netlings ·".bold(),
            exercise.name.bold(),
            format!(
                "({}, exercise {position} of {})",
                exercise.topic,
                catalog.exercises.len()
            )
            .dimmed()
        );
        for q in self.app.questions_of(exercise) {
            let _ = writeln!(out, "{}", q.cyan());
        }
        let rel = Workspace::exercise_rel(exercise);
        let _ = writeln!(
            out,
            "edit {}\n",
            terminal::link(&self.current_path(), &rel.display().to_string()).underline()
        );

        let mut body = String::new();
        match &self.grade {
            Grade::Running { build_line } => {
                let _ = writeln!(body, "{}", "Checking…".yellow().bold());
                if !build_line.is_empty() {
                    let _ = writeln!(body, "{}", build_line.dimmed());
                }
            }
            Grade::Failed(e) => {
                let _ = writeln!(body, "{} {e}", "netlings could not grade:".red().bold());
            }
            Grade::Done(report) => {
                body.push_str(&report::human::exercise(report));
                if report.status == Status::Pass {
                    if self.state.next_pending(catalog, &self.current).is_none() {
                        let _ = writeln!(body, "\n{}", ALL_DONE.green().bold());
                    } else {
                        let _ = writeln!(
                            body,
                            "\n{}",
                            "Passed! Press n for the next exercise.".green().bold()
                        );
                    }
                }
            }
        }
        if self.show_hint {
            let _ = writeln!(body, "\n{}\n{}", "hint:".bold(), exercise.hint);
        }
        out.push_str(&fit(&body, terminal::rows().map(|r| r.saturating_sub(12))));

        out.push('\n');
        if let View::ConfirmReset = self.view {
            let _ = writeln!(
                out,
                "{}",
                format!(
                    "Reset {} to its original stub? Your version is kept as a backup. (y/n)",
                    exercise.name
                )
                .yellow()
                .bold()
            );
        } else if let Some(note) = &self.note {
            let _ = writeln!(out, "{}", note.yellow());
        }
        let _ = writeln!(
            out,
            "{}",
            progress_bar(self.state.done.len(), catalog.exercises.len())
        );
        let _ = writeln!(
            out,
            "{}",
            format!(
                "n next · p previous · h hint · l list · r re-run · c check all · x reset · q quit   (saves noticed by {})",
                self.watching
            )
            .dimmed()
        );
        out
    }

    fn render_check_all(&self, all: &CheckAll) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {}/{} graded\n",
            "netlings · checking every exercise".bold(),
            all.reports.len(),
            all.total
        );
        for e in &self.app.catalog.exercises {
            match all.reports.iter().find(|r| r.name == e.name) {
                Some(r) => {
                    let failed = r.checks.iter().find(|c| c.status != Status::Pass);
                    let _ = writeln!(
                        out,
                        "{} {:<26} {}",
                        report::human::status_mark(r.status),
                        e.name,
                        failed.map_or(String::new(), |c| c.name.dimmed().to_string())
                    );
                }
                None => {
                    let _ = writeln!(out, "{} {:<26}", "…".dimmed(), e.name);
                }
            }
        }
        let passed = all
            .reports
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count();
        if self.check_all.is_some() {
            let _ = writeln!(out, "\n{}", "grading in parallel… (q quits)".dimmed());
        } else {
            let _ = writeln!(
                out,
                "\n{passed}/{} pass. {}",
                all.total,
                "Press any key to go back.".dimmed()
            );
        }
        out
    }
}

pub(super) const ALL_DONE: &str =
    "Every exercise passes. Well done! `netlings answer qNN` shows the model answers.";

fn progress_bar(done: usize, total: usize) -> String {
    const WIDTH: usize = 30;
    let filled = (done * WIDTH).checked_div(total).unwrap_or(0);
    format!(
        "{}{} {done}/{total} done",
        "█".repeat(filled).green(),
        "░".repeat(WIDTH - filled).dimmed()
    )
}

/// At most `rows` lines of `text`, saying how many were left out.
fn fit(text: &str, rows: Option<usize>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match rows {
        Some(rows) if rows > 4 && lines.len() > rows => {
            let mut out = lines[..rows - 1].join("\n");
            let _ = write!(
                out,
                "\n{}\n",
                format!(
                    "… {} more lines (a bigger window, or `netlings run`, shows them all)",
                    lines.len() - rows + 1
                )
                .dimmed()
            );
            out
        }
        _ => format!("{text}\n"),
    }
}
