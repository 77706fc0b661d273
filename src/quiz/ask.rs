//! `netlings quiz`: asks a quiz in the terminal - arrow keys or letters,
//! feedback and the explanation after each answer - and records every
//! answer in the learner's answer file, so the file and the terminal are
//! two ways to the same grade.

use std::path::Path;

use anyhow::{Context, Result, bail};
use colored::Colorize;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::UnboundedReceiver;

use super::{Answer, AnswerKey, Item, ItemKind, KeyItem, Quiz, Verdict, judge, letter};
use crate::screen::{Frame, Scroll};
use crate::terminal::{self, Input};

/// Shows `frame` and waits for a key, drawing it again whenever the
/// terminal is resized. `None` when input has ended.
async fn next_key(inputs: &mut UnboundedReceiver<Input>, frame: &Frame) -> Option<KeyEvent> {
    let mut scroll = Scroll::default();
    loop {
        terminal::show(frame, &mut scroll);
        match inputs.recv().await? {
            Input::Key(key) => return Some(key),
            Input::Resize => {}
        }
    }
}

/// What the learner did with one item.
enum Response {
    Answered(Answer),
    Stop,
}

/// The TOML text of an answer, as it goes into the answer file.
pub fn answer_literal(answer: &Answer) -> String {
    match answer {
        Answer::Empty => "\"\"".to_string(),
        Answer::Letters(l) if l.len() == 1 => format!("\"{}\"", l[0]),
        Answer::Letters(l) => {
            let items: Vec<String> = l.iter().map(|c| format!("\"{c}\"")).collect();
            format!("[{}]", items.join(", "))
        }
        Answer::Bool(b) => b.to_string(),
        Answer::Text(t) => toml::Value::String(t.clone()).to_string(),
    }
}

/// `text` (an answer file) with the answer of item `id` set to `literal`,
/// everything else - comments, layout - untouched.
pub fn with_answer(text: &str, id: &str, literal: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let is_item = |l: &str| l.trim() == "[[item]]";
    let id_line = lines.iter().position(|l| {
        let t = l.trim();
        t.starts_with("id")
            && t.split_once('=')
                .is_some_and(|(k, v)| k.trim() == "id" && v.trim().trim_matches('"') == id)
    })?;
    let start = (0..id_line).rev().find(|&i| is_item(lines[i])).unwrap_or(0);
    let end = (id_line..lines.len())
        .find(|&i| is_item(lines[i]))
        .unwrap_or(lines.len());
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let answer_at = (start..end).find(|&i| {
        lines[i]
            .split_once('=')
            .is_some_and(|(k, _)| k.trim() == "answer")
    });
    match answer_at {
        Some(i) => {
            // An array may span lines: replace through its closing bracket.
            let mut last = i;
            let value = lines[i].split_once('=').map_or("", |(_, v)| v).trim();
            if value.starts_with('[') && !value.contains(']') {
                last = (i..end).find(|&j| lines[j].contains(']')).unwrap_or(i);
            }
            out.splice(i..=last, [format!("answer = {literal}")]);
        }
        None => {
            let mut at = end;
            while at > start + 1 && lines[at - 1].trim().is_empty() {
                at -= 1;
            }
            out.insert(at, format!("answer = {literal}"));
        }
    }
    let mut new = out.join("\n");
    if text.ends_with('\n') {
        new.push('\n');
    }
    Some(new)
}

/// Asks every item of `quiz` not yet answered right; writes each answer to
/// `path` as it is given. Returns (right, total).
pub async fn ask(
    path: &Path,
    rel: &str,
    heading: &str,
    quiz: &Quiz,
    key: &AnswerKey,
    keys: &mut UnboundedReceiver<Input>,
) -> Result<(usize, usize)> {
    let total = key.items.len();
    let mut right = key
        .items
        .iter()
        .filter(|k| {
            quiz.item(&k.id)
                .is_some_and(|i| judge(&i.answer, k) == Verdict::Correct)
        })
        .count();
    for (n, k) in key.items.iter().enumerate() {
        let Some(item) = quiz.item(&k.id) else {
            continue;
        };
        if judge(&item.answer, k) == Verdict::Correct {
            continue;
        }
        let position = format!("item {} of {total} · {}", n + 1, item.kind.describe());
        let answer = match ask_item(heading, &position, item, keys).await? {
            Response::Stop => break,
            Response::Answered(a) => a,
        };
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {rel}"))?;
        let Some(new) = with_answer(&text, &item.id, &answer_literal(&answer)) else {
            bail!(
                "{rel} has no item `{}` any more: `netlings reset` restores the file",
                item.id
            );
        };
        Quiz::parse(Path::new(rel), &new)
            .with_context(|| format!("{rel} would not read after recording the answer"))?;
        crate::state::write_atomically(path, new.as_bytes())
            .with_context(|| format!("writing {rel}"))?;
        let verdict = judge(&answer, k);
        if verdict == Verdict::Correct {
            right += 1;
        }
        let shown = feedback(heading, &position, item, k, &answer, &verdict);
        match next_key(keys, &shown).await {
            Some(key) if is_stop(&key) => break,
            None => break,
            _ => {}
        }
    }
    Ok((right, total))
}

fn is_stop(key: &KeyEvent) -> bool {
    key.code == KeyCode::Esc
        || key.code == KeyCode::Char('q')
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c'))
}

/// Shows one item and collects its answer.
async fn ask_item(
    heading: &str,
    position: &str,
    item: &Item,
    keys: &mut UnboundedReceiver<Input>,
) -> Result<Response> {
    let mut cursor = 0usize;
    let mut chosen: Vec<bool> = vec![false; item.options.len().max(2)];
    let mut text = String::new();
    loop {
        let shown = screen(heading, position, item, cursor, &chosen, &text);
        let Some(key) = next_key(keys, &shown).await else {
            return Ok(Response::Stop);
        };
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Ok(Response::Stop);
        }
        if key.code == KeyCode::Esc {
            return Ok(Response::Stop);
        }
        let choices = match item.kind {
            ItemKind::TrueFalse => 2,
            _ => item.options.len(),
        };
        match item.kind {
            ItemKind::Short => match key.code {
                KeyCode::Enter if !text.trim().is_empty() => {
                    return Ok(Response::Answered(Answer::Text(text.trim().to_string())));
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            },
            _ => match key.code {
                KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(choices - 1),
                KeyCode::Char('q') => return Ok(Response::Stop),
                KeyCode::Char(' ') if item.kind == ItemKind::Multiple => {
                    chosen[cursor] = !chosen[cursor]
                }
                KeyCode::Enter => match item.kind {
                    ItemKind::Single => {
                        return Ok(Response::Answered(Answer::Letters(vec![letter(cursor)])));
                    }
                    ItemKind::TrueFalse => {
                        return Ok(Response::Answered(Answer::Bool(cursor == 0)));
                    }
                    _ => {
                        let letters: Vec<char> =
                            (0..choices).filter(|&i| chosen[i]).map(letter).collect();
                        if !letters.is_empty() {
                            return Ok(Response::Answered(Answer::Letters(letters)));
                        }
                    }
                },
                KeyCode::Char(c) if item.kind == ItemKind::TrueFalse => {
                    match c.to_ascii_lowercase() {
                        't' | 'y' => return Ok(Response::Answered(Answer::Bool(true))),
                        'f' | 'n' => return Ok(Response::Answered(Answer::Bool(false))),
                        _ => {}
                    }
                }
                KeyCode::Char(c) => {
                    let i = (c.to_ascii_lowercase() as u8).wrapping_sub(b'a') as usize;
                    if i < choices {
                        cursor = i;
                        if item.kind == ItemKind::Single {
                            return Ok(Response::Answered(Answer::Letters(vec![letter(i)])));
                        }
                        chosen[i] = !chosen[i];
                    }
                }
                _ => {}
            },
        }
    }
}

fn screen(
    heading: &str,
    position: &str,
    item: &Item,
    cursor: usize,
    chosen: &[bool],
    text: &str,
) -> Frame {
    let mut body: Vec<String> = item.prompt.lines().map(str::to_string).collect();
    body.push(String::new());
    let help = match item.kind {
        ItemKind::Short => {
            body.push(format!("your answer: {text}▏"));
            "type, then Enter · Esc stops (answers so far are kept)"
        }
        kind => {
            let options: Vec<String> = match kind {
                ItemKind::TrueFalse => vec!["true".into(), "false".into()],
                _ => item.options.clone(),
            };
            for (i, option) in options.iter().enumerate() {
                let pointer = if i == cursor { "▶" } else { " " };
                let mark = match kind {
                    ItemKind::Multiple if chosen[i] => "[x] ",
                    ItemKind::Multiple => "[ ] ",
                    _ => "",
                };
                let label = if kind == ItemKind::TrueFalse {
                    option.clone()
                } else {
                    format!("{}) {option}", letter(i))
                };
                let line = format!("{pointer} {mark}{label}");
                body.push(if i == cursor {
                    line.bold().to_string()
                } else {
                    line
                });
            }
            match kind {
                ItemKind::Single => {
                    "a, b, c… or ↑/↓ and Enter · Esc stops (answers so far are kept)"
                }
                ItemKind::Multiple => {
                    "letters or Space toggle, ↑/↓ move, Enter answers · choose every correct option · Esc stops"
                }
                _ => "t or f, or ↑/↓ and Enter · Esc stops (answers so far are kept)",
            }
        }
    };
    Frame {
        header: header(heading, position),
        body,
        footer: vec![help.dimmed().to_string()],
    }
}

fn feedback(
    heading: &str,
    position: &str,
    item: &Item,
    key: &KeyItem,
    given: &Answer,
    verdict: &Verdict,
) -> Frame {
    let mut body: Vec<String> = item.prompt.lines().map(str::to_string).collect();
    body.push(String::new());
    if *verdict == Verdict::Correct {
        body.push(format!("{} {}", "✓ right:".green().bold(), given));
    } else {
        body.push(format!(
            "{} you answered {}",
            "✗ not right:".red().bold(),
            given
        ));
        body.push(format!(
            "the answer: {}",
            describe_answer(item, &key.answer)
        ));
    }
    body.push(String::new());
    body.extend(key.explanation.lines().map(str::to_string));
    Frame {
        header: header(heading, position),
        body,
        footer: vec!["any key: next item · Esc stops".dimmed().to_string()],
    }
}

fn header(heading: &str, position: &str) -> Vec<String> {
    vec![
        heading.bold().to_string(),
        position.dimmed().to_string(),
        String::new(),
    ]
}

fn describe_answer(item: &Item, answer: &Answer) -> String {
    match answer {
        Answer::Letters(letters) => letters
            .iter()
            .map(|&c| {
                let i = (c as u8 - b'a') as usize;
                format!("{c}) {}", item.options.get(i).map_or("", String::as_str))
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# my notes\nquestion = \"q01\"\n\n[[item]]\nid = \"a\"\nkind = \"single\"\nprompt = \"?\"\noptions = [\"x\", \"y\"]\nanswer = \"\"\n\n[[item]]\nid = \"b\"\nkind = \"multiple\"\nprompt = \"?\"\noptions = [\"x\", \"y\"]\nanswer = [\n  \"a\",\n]\n\n[[item]]\nid = \"c\"\nkind = \"truefalse\"\nprompt = \"?\"\n";

    #[test]
    fn records_answers_in_place_keeping_the_rest() {
        let one = with_answer(FILE, "a", "\"b\"").unwrap();
        assert!(one.contains("# my notes") && one.contains("answer = \"b\""));
        let two = with_answer(&one, "b", "[\"a\", \"b\"]").unwrap();
        assert!(two.contains("answer = [\"a\", \"b\"]\n\n[[item]]"), "{two}");
        let three = with_answer(&two, "c", "true").unwrap();
        assert!(three.trim_end().ends_with("answer = true"), "{three}");
        let quiz = Quiz::parse(Path::new("q.toml"), &three).unwrap();
        assert_eq!(quiz.item("a").unwrap().answer, Answer::Letters(vec!['b']));
        assert_eq!(
            quiz.item("b").unwrap().answer,
            Answer::Letters(vec!['a', 'b'])
        );
        assert_eq!(quiz.item("c").unwrap().answer, Answer::Bool(true));
        assert!(with_answer(FILE, "zz", "true").is_none());
    }

    #[test]
    fn literals_round_trip() {
        for text in ["say \"hi\"", "it's", "back\\slash", "ünïcode"] {
            let literal = answer_literal(&Answer::Text(text.into()));
            let value: toml::Table = toml::from_str(&format!("answer = {literal}")).unwrap();
            assert_eq!(value["answer"].as_str(), Some(text), "{literal}");
        }
        assert_eq!(
            answer_literal(&Answer::Letters(vec!['a', 'c'])),
            "[\"a\", \"c\"]"
        );
    }
}
