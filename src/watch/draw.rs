//! What watch mode's screen shows: the current exercise and its verdict,
//! the list, a model answer, or the check of every exercise - each a
//! [`Frame`] whose header stays while its body scrolls.

use colored::Colorize;

use super::{CheckAll, Grade, View, Watch};
use crate::grade::strip_ansi;
use crate::report::{self, ExerciseReport, Status};
use crate::screen::Frame;
use crate::terminal;
use crate::workspace::Workspace;

/// The keys of the exercise view, two rows that fit 80 columns.
const KEYS: [&str; 2] = [
    "n next · p previous · l list · h hint · z quiz · m model answer · e edit",
    "r re-run · c check all · x reset · t wire · q quit · j/k PgUp/PgDn scroll",
];

impl Watch {
    pub(super) fn render(&mut self) {
        let (cols, _) = terminal::size();
        let mut cursor = None;
        let frame = match &self.view {
            View::List(list) => {
                let (frame, at) = list.frame(
                    &self.app.catalog,
                    &self.state,
                    &self.current,
                    self.note.as_deref(),
                );
                cursor = at;
                frame
            }
            View::CheckAll(all) => self.check_all_frame(all),
            View::Text(text) => text.frame(cols),
            View::Exercise | View::ConfirmReset => self.exercise_frame(),
        };
        let scroll = match &mut self.view {
            View::List(list) => {
                // The cursor is always on screen.
                list.scroll.reveal = cursor;
                &mut list.scroll
            }
            View::CheckAll(all) => &mut all.scroll,
            View::Text(text) => &mut text.scroll,
            View::Exercise | View::ConfirmReset => &mut self.scroll,
        };
        terminal::show(&frame, scroll);
    }

    fn exercise_frame(&self) -> Frame {
        let exercise = self.exercise();
        let catalog = &self.app.catalog;
        let mut header = Vec::new();
        let position = catalog.position(&exercise.name).map_or(0, |i| i + 1);
        header.push(format!(
            "{} {}  {}",
            "netlings ·".bold(),
            exercise.name.bold(),
            format!(
                "({}, exercise {position} of {})",
                exercise.topic,
                catalog.exercises.len()
            )
            .dimmed()
        ));
        for q in self.app.questions_of(exercise) {
            header.push(q.cyan().to_string());
        }
        let files: Vec<String> = Workspace::learner_files(exercise)
            .iter()
            .map(|rel| {
                terminal::link(&self.app.ws.root.join(rel), &rel.display().to_string())
                    .underline()
                    .to_string()
            })
            .collect();
        header.push(format!("edit {}", files.join(" and ")));
        header.push(self.status_line());

        let mut footer = Vec::new();
        if let View::ConfirmReset = self.view {
            footer.push(
                format!(
                    "Reset {} to its original stub? Your version is kept as a backup. (y/n)",
                    exercise.name
                )
                .yellow()
                .bold()
                .to_string(),
            );
        } else if let Some(note) = &self.note {
            footer.push(note.yellow().to_string());
        }
        footer.push(format!(
            "{} · saves noticed by {}",
            progress_bar(self.state.done.len(), catalog.exercises.len()),
            self.watching
        ));
        footer.extend(KEYS.iter().map(|k| k.dimmed().to_string()));
        Frame {
            header,
            body: self.exercise_body().0,
            footer,
        }
    }

    /// One line that says where the grade stands: always on screen.
    fn status_line(&self) -> String {
        match &self.grade {
            Grade::Running { build_line } => {
                let mut line = "Checking…".yellow().bold().to_string();
                if !build_line.is_empty() {
                    line = format!("{line} {}", build_line.dimmed());
                }
                line
            }
            Grade::Failed(_) => "netlings could not grade this exercise (below)"
                .red()
                .bold()
                .to_string(),
            Grade::Done(r) => {
                let counted = format!(
                    "{} {} — {}/{} checks passed",
                    report::human::status_word(r.status),
                    r.name.bold(),
                    r.passed(),
                    r.checks.len()
                );
                if r.status != Status::Pass {
                    return counted;
                }
                let next = if self
                    .state
                    .next_pending(&self.app.catalog, &self.current)
                    .is_none()
                {
                    ALL_DONE
                } else {
                    "Press n for the next exercise."
                };
                format!("{counted} · {}", next.green().bold())
            }
        }
    }

    /// The body of the exercise view, and the line to keep in view: the
    /// first failing check after a grade (or the hint when it is asked).
    pub(super) fn exercise_body(&self) -> (Vec<String>, Option<usize>) {
        let mut lines: Vec<String> = Vec::new();
        let mut anchor = None;
        match &self.grade {
            Grade::Running { .. } => {}
            Grade::Failed(e) => {
                lines.push(format!("{}", "netlings could not grade:".red().bold()));
                lines.extend(e.lines().map(str::to_string));
            }
            Grade::Done(report) => {
                let wire = if self.wire_as_list {
                    report::human::Wire::List
                } else {
                    report::human::Wire::from_env()
                };
                lines.extend(
                    report::human::exercise_as(report, wire)
                        .lines()
                        .map(str::to_string),
                );
                anchor = first_failing_line(report, &lines);
                if report.status == Status::Pass {
                    lines.push(String::new());
                    lines.push(
                        if self
                            .state
                            .next_pending(&self.app.catalog, &self.current)
                            .is_none()
                        {
                            ALL_DONE
                        } else {
                            "Passed! Press n for the next exercise."
                        }
                        .green()
                        .bold()
                        .to_string(),
                    );
                }
            }
        }
        if self.show_hint {
            lines.push(String::new());
            anchor = Some(lines.len());
            lines.push("hint:".bold().to_string());
            lines.extend(self.exercise().hint.lines().map(str::to_string));
        }
        (lines, anchor)
    }

    fn check_all_frame(&self, all: &CheckAll) -> Frame {
        let header = vec![format!(
            "{} {}/{} graded",
            "netlings · checking every exercise".bold(),
            all.reports.len(),
            all.total
        )];
        let mut body = Vec::new();
        for e in &self.app.catalog.exercises {
            body.push(match all.reports.iter().find(|r| r.name == e.name) {
                Some(r) => {
                    let failed = r.checks.iter().find(|c| c.status != Status::Pass);
                    format!(
                        "{} {:<26} {}",
                        report::human::status_mark(r.status),
                        e.name,
                        failed.map_or(String::new(), |c| c.name.dimmed().to_string())
                    )
                }
                None => format!("{} {:<26}", "…".dimmed(), e.name),
            });
        }
        let passed = all
            .reports
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count();
        let footer = if self.check_all.is_some() {
            vec![
                "grading in parallel… ↑/↓ PgUp/PgDn scroll · q quits"
                    .dimmed()
                    .to_string(),
            ]
        } else {
            vec![format!(
                "{passed}/{} pass. {}",
                all.total,
                "↑/↓ PgUp/PgDn scroll · any other key goes back.".dimmed()
            )]
        };
        Frame {
            header,
            body,
            footer,
        }
    }
}

/// The line of `lines` (the rendered report) that names its first check
/// that did not pass.
fn first_failing_line(report: &ExerciseReport, lines: &[String]) -> Option<usize> {
    let check = report.checks.iter().find(|c| c.status != Status::Pass)?;
    let named = format!(
        "{} {}",
        strip_ansi(&report::human::status_mark(check.status)),
        check.name
    );
    lines
        .iter()
        .position(|l| strip_ansi(l).trim() == named.trim())
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
