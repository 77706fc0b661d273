//! The cards: each interview question with its quiz, its exercises and its
//! model answer. `netlings quiz` asks a card's quiz; `netlings answer`
//! shows the model answer once the card is done.

use std::io::IsTerminal;
use std::path::Path;
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
    let exercise = quiz_of(&app.catalog, question)
        .with_context(|| format!("{} has no quiz", question.label()))?
        .clone();
    let path = app.ws.exercise_path(&exercise);
    let rel = Workspace::exercise_rel(&exercise).display().to_string();
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "`netlings quiz` asks in a terminal, and this is not one. Answer in {rel} instead, then grade it with `netlings run {}`.",
            exercise.name
        );
    }
    let text = crate::catalog::read_text(&path, Path::new(&rel))?;
    let quiz = Quiz::parse(Path::new(&rel), &text)?;
    let key_path = app.ws.solution_path(&exercise);
    let key_text = std::fs::read_to_string(&key_path)
        .with_context(|| format!("reading {}", key_path.display()))?;
    let key = AnswerKey::parse(&key_path, &key_text, &quiz)?;
    let heading = format!(
        "{} · {}. {}",
        exercise.name,
        question.label(),
        question.text
    );

    let (key_tx, mut keys) = tokio::sync::mpsc::unbounded_channel();
    let guard = terminal::Guard::enter()?;
    terminal::read_keys(key_tx);
    let result = ask::ask(&path, &rel, &heading, &quiz, &key, &mut keys).await;
    drop(guard);
    let (right, total) = result?;

    let mut state = app.state()?;
    if right == total {
        app.mark_done(&mut state, [exercise.name.as_str()])?;
        crate::outln!(
            "{} {right}/{total} right. Your answers are in {rel}.",
            "✓".green().bold()
        );
        let pending = pending_for(&app.catalog, &state, question);
        if pending.is_empty() {
            crate::outln!(
                "The card is done: `netlings answer {}` shows the model answer.",
                question.id
            );
        } else {
            crate::outln!(
                "Still to do for {}: {}",
                question.label(),
                pending.join(", ")
            );
        }
        Ok(ExitCode::SUCCESS)
    } else {
        crate::outln!(
            "{right}/{total} right. Your answers are in {rel}; `netlings quiz {}` asks again what is not right yet.",
            question.id
        );
        Ok(ExitCode::from(EXIT_FAIL))
    }
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
    let path = app
        .ws
        .root
        .join("solutions")
        .join(&question.topic)
        .join(format!("{}.md", question.id));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the model answer {}", path.display()))?;
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
    crate::out!("{}", render_markdown(&text));
    Ok(ExitCode::SUCCESS)
}

/// Markdown for a terminal: headings bold, code dimmed, the rest as written.
fn render_markdown(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let shown = if in_code {
            format!("    {}", line.dimmed())
        } else if let Some(h) = line.strip_prefix("# ") {
            h.bold().underline().to_string()
        } else if let Some(h) = line.strip_prefix("## ") {
            h.bold().cyan().to_string()
        } else {
            line.to_string()
        };
        out.push_str(&shown);
        out.push('\n');
    }
    out
}
