//! The list view: every exercise by topic with its status; move, filter,
//! search, continue at one, reset one.

use std::fmt::Write as _;

use colored::Colorize;
use crossterm::event::{KeyCode, KeyEvent};

use crate::catalog::{Catalog, question_label};
use crate::state::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Pending,
    Done,
}

impl Filter {
    fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Pending,
            Filter::Pending => Filter::Done,
            Filter::Done => Filter::All,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Pending => "pending",
            Filter::Done => "done",
        }
    }
}

#[derive(Debug, Clone)]
pub struct List {
    /// Index into the catalog's exercises of the selected line.
    pub selected: usize,
    pub filter: Filter,
    pub search: String,
    /// Typing a search (keys go to the search text).
    pub typing: bool,
    /// Asking whether to reset the selected exercise.
    pub confirm_reset: bool,
}

/// What a key in the list asks the watch loop to do.
pub enum Action {
    Stay,
    Back,
    Continue(String),
    Reset(String),
    Quit,
}

impl List {
    pub fn new(catalog: &Catalog, current: &str) -> List {
        List {
            selected: catalog.position(current).unwrap_or(0),
            filter: Filter::All,
            search: String::new(),
            typing: false,
            confirm_reset: false,
        }
    }

    /// The catalog indices shown under the current filter and search.
    fn visible(&self, catalog: &Catalog, state: &State) -> Vec<usize> {
        catalog
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, e)| match self.filter {
                Filter::All => true,
                Filter::Pending => !state.done.contains(&e.name),
                Filter::Done => state.done.contains(&e.name),
            })
            .filter(|(_, e)| self.search.is_empty() || e.name.contains(&self.search))
            .map(|(i, _)| i)
            .collect()
    }

    fn keep_selection_visible(&mut self, visible: &[usize]) {
        if !visible.contains(&self.selected)
            && let Some(&first) = visible.first()
        {
            self.selected = first;
        }
    }

    pub fn key(&mut self, key: KeyEvent, catalog: &Catalog, state: &State) -> Action {
        let visible = self.visible(catalog, state);
        if self.confirm_reset {
            self.confirm_reset = false;
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    Action::Reset(catalog.exercises[self.selected].name.clone())
                }
                _ => Action::Stay,
            };
        }
        if self.typing {
            match key.code {
                KeyCode::Enter => self.typing = false,
                KeyCode::Esc => {
                    self.typing = false;
                    self.search.clear();
                }
                KeyCode::Backspace => {
                    self.search.pop();
                }
                KeyCode::Char(c) => self.search.push(c),
                _ => {}
            }
            let visible = self.visible(catalog, state);
            self.keep_selection_visible(&visible);
            return Action::Stay;
        }
        let at = visible.iter().position(|&i| i == self.selected);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => {
                if let Some(at) = at.filter(|&a| a > 0) {
                    self.selected = visible[at - 1];
                }
            }
            KeyCode::Down | KeyCode::Char('j') => {
                if let Some(&next) = at.and_then(|a| visible.get(a + 1)) {
                    self.selected = next;
                }
            }
            KeyCode::Home | KeyCode::Char('g') => {
                if let Some(&first) = visible.first() {
                    self.selected = first;
                }
            }
            KeyCode::End | KeyCode::Char('G') => {
                if let Some(&last) = visible.last() {
                    self.selected = last;
                }
            }
            KeyCode::Char('f') => {
                self.filter = self.filter.next();
                let visible = self.visible(catalog, state);
                self.keep_selection_visible(&visible);
            }
            KeyCode::Char('/') => {
                self.typing = true;
                self.search.clear();
            }
            KeyCode::Char('c') | KeyCode::Enter if at.is_some() => {
                return Action::Continue(catalog.exercises[self.selected].name.clone());
            }
            KeyCode::Char('r') if at.is_some() => self.confirm_reset = true,
            KeyCode::Esc | KeyCode::Char('l') | KeyCode::Char('b') => return Action::Back,
            KeyCode::Char('q') => return Action::Quit,
            _ => {}
        }
        Action::Stay
    }

    pub fn render(&self, catalog: &Catalog, state: &State, current: &str) -> String {
        let mut out = String::new();
        let visible = self.visible(catalog, state);
        let _ = writeln!(
            out,
            "{}  showing {} · {}/{} done{}",
            "netlings · exercises".bold(),
            self.filter.name(),
            state.done.len(),
            catalog.exercises.len(),
            if self.search.is_empty() {
                String::new()
            } else {
                format!(" · search: {}", self.search)
            }
        );
        let mut topic = "";
        for &i in &visible {
            let e = &catalog.exercises[i];
            if e.topic != topic {
                topic = &e.topic;
                let title = catalog.topic(topic).map_or("", |t| t.title.as_str());
                let _ = writeln!(out, "\n{} {}", topic.bold(), title.dimmed());
            }
            let pointer = if i == self.selected { "▶" } else { " " };
            let status = if state.done.contains(&e.name) {
                "done   ".green().to_string()
            } else {
                "pending".yellow().to_string()
            };
            let here = if e.name == current { " (current)" } else { "" };
            let questions: Vec<String> = e.questions.iter().map(|q| question_label(q)).collect();
            let line = format!(
                "{pointer} {status} {:<26} {:<8}{here}",
                e.name,
                questions.join(",")
            );
            let _ = writeln!(
                out,
                "{}",
                if i == self.selected {
                    line.reversed().to_string()
                } else {
                    line
                }
            );
        }
        if visible.is_empty() {
            let _ = writeln!(out, "\n  (nothing matches)");
        }
        out.push('\n');
        if self.confirm_reset {
            let _ = writeln!(
                out,
                "Reset {} to its original stub? Your version is kept as a backup. (y/n)",
                catalog.exercises[self.selected].name.bold()
            );
        } else if self.typing {
            let _ = writeln!(
                out,
                "search: {}▏  (Enter to keep, Esc to clear)",
                self.search
            );
        } else {
            let _ = writeln!(
                out,
                "{}",
                "↑/↓ or j/k move · c/Enter continue here · f filter (all/pending/done) · / search · r reset · l/Esc back · q quit"
                    .dimmed()
            );
        }
        out
    }
}
