//! The cards: each interview question with its quiz, its exercises and its
//! model answer. `netlings quiz` asks a card's quiz; `netlings answer`
//! shows the model answer once the card is done.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use colored::Colorize;

use crate::app::{App, EXIT_FAIL};
use crate::catalog::{Catalog, Exercise, Question};
use crate::quiz::{AnswerKey, Quiz, ask};
use crate::state::State;
use crate::terminal;
use crate::workspace::Workspace;

/// "q3", "Q03", "3", "quiz_q03" -> the question `q03`.
pub fn resolve<'c>(catalog: &'c Catalog, text: &str) -> Result<&'c Question> {
    let digits: String = text
        .trim()
        .to_ascii_lowercase()
        .trim_start_matches("quiz_")
        .trim_start_matches('q')
        .to_string();
    let id = digits
        .parse::<u32>()
        .ok()
        .map(|n| format!("q{n:02}"))
        .unwrap_or(digits);
    catalog.question(&id).with_context(|| {
        format!(
            "there is no question `{text}`: the cards are q01 … q{:02}",
            catalog.questions.len()
        )
    })
}

/// The quiz exercise of a question.
pub fn quiz_of<'c>(catalog: &'c Catalog, question: &Question) -> Option<&'c Exercise> {
    catalog
        .exercises
        .iter()
        .find(|e| e.is_quiz() && e.questions.contains(&question.id))
}

/// Everything a card needs done (its exercises and its quiz) that is not.
pub fn pending_for(catalog: &Catalog, state: &State, question: &Question) -> Vec<String> {
    catalog
        .exercises
        .iter()
        .filter(|e| e.questions.contains(&question.id) && !state.done.contains(&e.name))
        .map(|e| e.name.clone())
        .collect()
}

/// A card's quiz, read and checked, ready to ask - in `netlings quiz` or
/// from watch mode, the same engine.
pub struct Asking {
    pub exercise: Exercise,
    pub question: Question,
    pub path: PathBuf,
    /// The answer file, relative to the checkout.
    pub rel: String,
    pub quiz: Quiz,
    pub key: AnswerKey,
    pub heading: String,
}

/// The quiz of a card, or what stands in the way - said so the learner
/// can act on it (a damaged or missing answer file: its line, and
/// `netlings reset`).
pub fn prepare_quiz(app: &App, question: &Question) -> Result<Asking> {
    let exercise = quiz_of(&app.catalog, question)
        .with_context(|| format!("{} has no quiz", question.label()))?
        .clone();
    let path = app.ws.exercise_path(&exercise);
    let rel = Workspace::exercise_rel(&exercise).display().to_string();
    let text = match std::fs::read(&path) {
        Ok(bytes) => crate::catalog::utf8_text(bytes).map_err(|(line, message)| {
            anyhow::anyhow!(crate::quiz::not_utf8_file(
                &rel,
                line,
                &message,
                &exercise.name
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(crate::quiz::missing_file(&rel, &exercise.name))
        }
        Err(e) => return Err(e).with_context(|| format!("reading {rel}")),
    };
    let quiz = Quiz::parse(Path::new(&rel), &text)
        .map_err(|e| anyhow::anyhow!(crate::quiz::damaged_file(&e, &exercise.name)))?;
    let asked = crate::quiz::as_shipped(&exercise);
    if let Some(asked) = &asked
        && let Some(damage) = crate::quiz::damage(asked, &quiz, &rel, &exercise.name)
    {
        bail!(damage);
    }
    let key_path = app.ws.solution_path(&exercise);
    let key_text = std::fs::read_to_string(&key_path)
        .with_context(|| format!("reading {}", key_path.display()))?;
    let key = AnswerKey::parse(&key_path, &key_text, asked.as_ref().unwrap_or(&quiz))?;
    let heading = format!(
        "{} · {}. {}",
        exercise.name,
        question.label(),
        question.text
    );
    Ok(Asking {
        exercise,
        question: question.clone(),
        path,
        rel,
        quiz,
        key,
        heading,
    })
}

impl Asking {
    /// Asks every item not yet right, recording each answer in the file.
    /// Returns (right, total).
    pub async fn ask(
        &self,
        inputs: &mut tokio::sync::mpsc::UnboundedReceiver<terminal::Input>,
    ) -> Result<(usize, usize)> {
        ask::ask(
            &self.path,
            &self.rel,
            &self.heading,
            &self.quiz,
            &self.key,
            inputs,
        )
        .await
    }
}

/// After a quiz was asked: marks it done when every item is right, and
/// says where the card stands. Returns whether all were right.
pub fn after_quiz(
    app: &App,
    state: &mut State,
    asking: &Asking,
    right: usize,
    total: usize,
) -> Result<(bool, Vec<String>)> {
    let question = &asking.question;
    let rel = &asking.rel;
    if right < total {
        return Ok((
            false,
            vec![format!(
                "{right}/{total} right. Your answers are in {rel}; `netlings quiz {}` asks again what is not right yet.",
                question.id
            )],
        ));
    }
    app.mark_done(state, [asking.exercise.name.as_str()])?;
    let mut said = vec![format!(
        "{} {right}/{total} right. Your answers are in {rel}.",
        "✓".green().bold()
    )];
    let pending = pending_for(&app.catalog, state, question);
    if pending.is_empty() {
        said.push(format!(
            "The card is done: `netlings answer {}` shows the model answer.",
            question.id
        ));
    } else {
        said.push(format!(
            "Still to do for {}: {}",
            question.label(),
            pending.join(", ")
        ));
    }
    Ok((true, said))
}

pub async fn quiz(app: &App, question: Option<&str>) -> Result<ExitCode> {
    let question = match question {
        Some(q) => resolve(&app.catalog, q)?,
        None => {
            let state = app.state()?;
            let current = app.exercise(state.current_or_first_pending(&app.catalog))?;
            let id = current
                .questions
                .first()
                .context("the current exercise has no question")?;
            app.catalog
                .question(id)
                .context("the current exercise's question")?
        }
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        let exercise = quiz_of(&app.catalog, question)
            .with_context(|| format!("{} has no quiz", question.label()))?;
        bail!(
            "`netlings quiz` asks in a terminal, and this is not one. Answer in {} instead, then grade it with `netlings run {}`.",
            Workspace::exercise_rel(exercise).display(),
            exercise.name
        );
    }
    let asking = prepare_quiz(app, question)?;
    let (input_tx, mut inputs) = tokio::sync::mpsc::unbounded_channel();
    let guard = terminal::Guard::enter()?;
    terminal::read_input(input_tx);
    let result = asking.ask(&mut inputs).await;
    drop(guard);
    let (right, total) = result?;
    let mut state = app.state()?;
    let (all_right, said) = after_quiz(app, &mut state, &asking, right, total)?;
    for line in said {
        crate::outln!("{line}");
    }
    Ok(if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAIL)
    })
}

pub fn answer(app: &App, question: &str, force: bool) -> Result<ExitCode> {
    let question = resolve(&app.catalog, question)?;
    let state = app.state()?;
    let pending = pending_for(&app.catalog, &state, question);
    if !pending.is_empty() && !force {
        crate::outln!(
            "The model answer of {} opens once its card is done. Still to do: {}.\n\
             Work through them (`netlings run NAME`, `netlings quiz {}`), or see it now with `netlings answer {} --force`.",
            question.label(),
            pending.join(", "),
            question.id,
            question.id
        );
        return Ok(ExitCode::from(EXIT_FAIL));
    }
    let text = model_answer(app, question)?;
    if !pending.is_empty() {
        crate::outln!(
            "{}\n",
            format!(
                "(shown with --force: the card is not done yet — still to do: {})",
                pending.join(", ")
            )
            .yellow()
        );
    }
    let width = if std::io::stdout().is_terminal() {
        terminal::size().0
    } else {
        80
    };
    crate::out!("{}", render_markdown(&text, width));
    Ok(ExitCode::SUCCESS)
}

/// The model answer of a card, as markdown.
pub fn model_answer(app: &App, question: &Question) -> Result<String> {
    let path = app
        .ws
        .root
        .join("solutions")
        .join(&question.topic)
        .join(format!("{}.md", question.id));
    std::fs::read_to_string(&path)
        .with_context(|| format!("reading the model answer {}", path.display()))
}

/// Markdown for a terminal, `width` columns wide: bold, italics, lists,
/// code and headings as formatted text (termimad), plain when colours are
/// off.
pub fn render_markdown(text: &str, width: usize) -> String {
    let skin = if colored::control::SHOULD_COLORIZE.should_colorize() {
        termimad::MadSkin::default()
    } else {
        termimad::MadSkin::no_style()
    };
    skin.text(text, Some(width.max(20))).to_string()
}
