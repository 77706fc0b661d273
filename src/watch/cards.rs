//! The card from watch mode: its quiz asked in place (the engine of
//! `netlings quiz`), its model answer once the card is done, and the
//! exercise opened in the learner's editor.

use colored::Colorize;
use tokio::sync::mpsc::UnboundedReceiver;

use super::{View, Watch};
use crate::cards;
use crate::catalog::Question;
use crate::screen::{Frame, Scroll};
use crate::terminal::{self, Input};

/// Said when neither $VISUAL nor $EDITOR names an editor.
pub const NO_EDITOR: &str = "no editor is set: `export EDITOR=nano` (or vim, hx, `code --wait`…) \
in your shell's profile, then `e` opens the exercise in it";

/// A page of markdown (a model answer) that scrolls.
pub struct TextView {
    pub title: String,
    pub markdown: String,
    pub scroll: Scroll,
}

impl TextView {
    pub fn frame(&self, width: usize) -> Frame {
        Frame {
            header: vec![self.title.bold().to_string(), String::new()],
            body: cards::render_markdown(&self.markdown, width)
                .lines()
                .map(str::to_string)
                .collect(),
            footer: vec![
                "↑/↓ j/k PgUp/PgDn scroll · any other key goes back"
                    .dimmed()
                    .to_string(),
            ],
        }
    }
}

impl Watch {
    /// The card of the current exercise (its first question).
    fn card(&self) -> Option<Question> {
        let id = self.exercise().questions.first()?;
        self.app.catalog.question(id).cloned()
    }

    /// Asks the current card's quiz right here, then comes back.
    pub(super) async fn quiz(&mut self, inputs: &mut UnboundedReceiver<Input>) {
        let Some(question) = self.card() else {
            self.note = Some("this exercise belongs to no card".into());
            return;
        };
        let asking = match cards::prepare_quiz(&self.app, &question) {
            Ok(asking) => asking,
            Err(e) => {
                self.note = Some(format!("{e:#}"));
                return;
            }
        };
        self.note = Some(match asking.ask(inputs).await {
            Ok((right, total)) => {
                match cards::after_quiz(&self.app, &mut self.state, &asking, right, total) {
                    Ok((_, said)) => crate::grade::strip_ansi(&said.join(" ")),
                    Err(e) => format!("{e:#}"),
                }
            }
            Err(e) => format!("{e:#}"),
        });
    }

    /// The current card's model answer, once the card is done.
    pub(super) fn model_answer(&mut self) {
        let Some(question) = self.card() else {
            self.note = Some("this exercise belongs to no card".into());
            return;
        };
        let pending = cards::pending_for(&self.app.catalog, &self.state, &question);
        if !pending.is_empty() {
            self.note = Some(format!(
                "The model answer of {} opens once its card is done. Still to do: {} (z asks the quiz).",
                question.label(),
                pending.join(", ")
            ));
            return;
        }
        match cards::model_answer(&self.app, &question) {
            Ok(markdown) => {
                self.view = View::Text(TextView {
                    title: format!(
                        "netlings · model answer of {}. {}",
                        question.label(),
                        question.text
                    ),
                    markdown,
                    scroll: Scroll::default(),
                });
            }
            Err(e) => self.note = Some(format!("{e:#}")),
        }
    }

    /// Opens the current exercise in $VISUAL or $EDITOR. A terminal
    /// editor gets the terminal (netlings' screen is put away and comes
    /// back when it ends); a save is graded as usual.
    pub(super) async fn edit(&mut self, guard: &terminal::Guard) {
        let editor = ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.trim().is_empty());
        let Some(editor) = editor else {
            self.note = Some(NO_EDITOR.into());
            return;
        };
        let path = self.app.ws.exercise_path(self.exercise());
        // "code --wait": the program, then its arguments.
        let mut words = editor.split_whitespace();
        let program = words.next().unwrap_or_default().to_string();
        let mut command = tokio::process::Command::new(&program);
        command.args(words).arg(&path);
        let ended = guard.lend(async { command.status().await }).await;
        self.note = match ended {
            Ok(status) if status.success() => None,
            Ok(status) => Some(format!("the editor `{editor}` ended with {status}")),
            Err(e) => Some(format!("could not start the editor `{editor}`: {e}")),
        };
    }
}
