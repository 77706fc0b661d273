//! What each key does in watch mode.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::draw::ALL_DONE;
use super::{Grade, Next, View, Watch, list};
use crate::report::Status;

impl Watch {
    pub(super) fn key(&mut self, key: KeyEvent) -> Next {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Next::Quit;
        }
        match &mut self.view {
            View::List(list) => {
                self.note = None;
                let action = list.key(key, &self.app.catalog, &self.state);
                match action {
                    list::Action::Stay => {}
                    list::Action::Back => self.view = View::Exercise,
                    list::Action::Quit => return Next::Quit,
                    list::Action::Continue(name) => {
                        self.view = View::Exercise;
                        self.note = None;
                        self.go_to(&name);
                    }
                    list::Action::Reset(name) => {
                        self.reset(&name);
                        if name == self.current {
                            self.start_grade();
                        }
                    }
                }
                return Next::Continue;
            }
            View::CheckAll(all) => {
                if all.scroll.key(key.code) {
                    return Next::Continue;
                }
                if self.check_all.is_none() {
                    self.view = View::Exercise;
                } else if key.code == KeyCode::Char('q') {
                    return Next::Quit;
                }
                return Next::Continue;
            }
            View::Text(text) => {
                if !text.scroll.key(key.code) {
                    self.view = View::Exercise;
                }
                return Next::Continue;
            }
            View::ConfirmReset => {
                self.view = View::Exercise;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    let name = self.current.clone();
                    self.reset(&name);
                    self.start_grade();
                } else {
                    self.note = Some("reset cancelled".into());
                }
                return Next::Continue;
            }
            View::Exercise => {}
        }
        if self.scroll.key(key.code) {
            return Next::Continue;
        }
        self.note = None;
        match key.code {
            KeyCode::Char('q') => return Next::Quit,
            KeyCode::Char('n') => self.next(),
            KeyCode::Char('p') => {
                match self.app.catalog.position(&self.current).filter(|&i| i > 0) {
                    Some(i) => {
                        let name = self.app.catalog.exercises[i - 1].name.clone();
                        self.go_to(&name);
                    }
                    None => self.note = Some("this is the first exercise".into()),
                }
            }
            KeyCode::Char('h') => {
                self.show_hint = !self.show_hint;
                self.keep_in_view();
            }
            KeyCode::Char('t') => {
                self.wire_as_list = !self.wire_as_list;
                self.note = Some(
                    if self.wire_as_list {
                        "what crossed the wire: as a list of lines (t: as a diagram)"
                    } else {
                        "what crossed the wire: as a sequence diagram (t: as a list)"
                    }
                    .into(),
                );
                self.keep_in_view();
            }
            KeyCode::Char('z') => return Next::Quiz,
            KeyCode::Char('m') => self.model_answer(),
            KeyCode::Char('e') => return Next::Edit,
            KeyCode::Char('l') => {
                self.view = View::List(list::List::new(&self.app.catalog, &self.current));
            }
            KeyCode::Char('r') => self.start_grade(),
            KeyCode::Char('c') => self.check_all(),
            KeyCode::Char('x') => self.view = View::ConfirmReset,
            _ => {}
        }
        Next::Continue
    }

    /// On to the next exercise not done - only when this one passes now
    /// (its latest grade), not because it passed once.
    fn next(&mut self) {
        match &self.grade {
            Grade::Done(report) if report.status == Status::Pass => {}
            Grade::Running { .. } => {
                self.note = Some(format!(
                    "{} is being checked: n works once it passes",
                    self.current
                ));
                return;
            }
            _ => {
                self.note = Some(format!(
                    "{} does not pass yet: make it pass first (or `l` to pick another exercise)",
                    self.current
                ));
                return;
            }
        }
        match self
            .state
            .next_pending(&self.app.catalog, &self.current)
            .map(str::to_string)
        {
            Some(next) => self.go_to(&next),
            None => self.note = Some(ALL_DONE.to_string()),
        }
    }

    fn reset(&mut self, name: &str) {
        let Some(exercise) = self.app.catalog.exercise(name).cloned() else {
            return;
        };
        self.note = Some(match self.app.reset_stub(&exercise) {
            Ok(said) => said,
            Err(e) => format!("could not reset {name}: {e:#}"),
        });
        if let Err(e) = self.app.unmark(&mut self.state, name) {
            self.note = Some(format!("could not save progress: {e:#}"));
        }
    }
}
