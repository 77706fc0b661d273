//! The list view: every exercise by topic with its status; move, filter,
//! search, continue at one, reset one. The list scrolls with its cursor,
//! which is always on screen.

use colored::Colorize;
use crossterm::event::{KeyCode, KeyEvent};

use crate::catalog::{Catalog, question_label};
use crate::screen::{Frame, Scroll};
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
    pub scroll: Scroll,
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
            scroll: Scroll::default(),
        }
    }

    /// The catalog indices shown under the current filter and search, by
    /// topic.
    fn visible(&self, catalog: &Catalog, state: &State) -> Vec<usize> {
        catalog
            .by_topic()
            .into_iter()
            .filter(|&i| {
                let e = &catalog.exercises[i];
                let shown = match self.filter {
                    Filter::All => true,
                    Filter::Pending => !state.done.contains(&e.name),
                    Filter::Done => state.done.contains(&e.name),
                };
                shown && (self.search.is_empty() || e.name.contains(&self.search))
            })
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
            KeyCode::PageUp | KeyCode::PageDown => {
                let page = self.scroll.page().max(1);
                if let Some(at) = at {
                    let to = if key.code == KeyCode::PageUp {
                        at.saturating_sub(page)
                    } else {
                        (at + page).min(visible.len() - 1)
                    };
                    self.selected = visible[to];
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

    /// The list as a frame, and the line of its cursor (to keep in view).
    pub fn frame(
        &self,
        catalog: &Catalog,
        state: &State,
        current: &str,
        note: Option<&str>,
    ) -> (Frame, Option<usize>) {
        let visible = self.visible(catalog, state);
        let header = vec![format!(
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
        )];
        let mut body = Vec::new();
        let mut cursor = None;
        let mut topic = "";
        for &i in &visible {
            let e = &catalog.exercises[i];
            if e.topic != topic {
                topic = &e.topic;
                body.push(String::new());
                body.push(topic_heading(catalog, topic));
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
            if i == self.selected {
                cursor = Some(body.len());
                body.push(line.reversed().to_string());
            } else {
                body.push(line);
            }
        }
        if visible.is_empty() {
            body.push(String::new());
            body.push("  (nothing matches)".into());
        }
        let mut footer = Vec::new();
        if self.confirm_reset {
            footer.push(format!(
                "Reset {} to its original stub? Your version is kept as a backup. (y/n)",
                catalog.exercises[self.selected].name.bold()
            ));
        } else if self.typing {
            footer.push(format!(
                "search: {}▏  (Enter to keep, Esc to clear)",
                self.search
            ));
        } else {
            if let Some(note) = note {
                footer.push(note.yellow().to_string());
            }
            footer.push(
                "↑/↓ j/k PgUp/PgDn move · c/Enter continue here · f filter (all/pending/done)"
                    .dimmed()
                    .to_string(),
            );
            footer.push(
                "/ search · r reset · l/Esc back · q quit"
                    .dimmed()
                    .to_string(),
            );
        }
        (
            Frame {
                header,
                body,
                footer,
            },
            cursor,
        )
    }
}

/// "06_zeromq ZeroMQ", saying so when the topic has no hands-on
/// exercises yet (only a quiz, or nothing).
pub fn topic_heading(catalog: &Catalog, topic: &str) -> String {
    let title = catalog.topic(topic).map_or("", |t| t.title.as_str());
    let mut line = format!("{} {}", topic.bold(), title.dimmed());
    if !catalog.has_programs(topic) {
        line.push_str(&format!(" {}", NO_PROGRAMS_YET.yellow()));
    }
    line
}

/// Said of a topic whose hands-on exercises are still to come.
pub const NO_PROGRAMS_YET: &str = "(hands-on exercises still to come)";
