//! Fitting text to the terminal: lines wrapped to its width (colours kept
//! across the cut), and a frame of exactly its height - a fixed header, a
//! body that scrolls, a fixed footer - so that nothing important ever
//! scrolls off the top of an alternate screen, which has no scrollback.
//!
//! Every screen of netlings (watch mode's report, the list, a model answer,
//! the quiz) is a [`Frame`]; the body is any number of rendered lines, so a
//! longer report (a sequence diagram, a transcript) is just more lines.

use colored::Colorize;
use crossterm::event::KeyCode;
use unicode_width::UnicodeWidthChar;

/// The visible width of `text`: escape sequences (colours, links) take none.
pub fn width(text: &str) -> usize {
    let mut n = 0;
    for piece in pieces(text) {
        if let Piece::Char(c) = piece {
            n += char_width(c);
        }
    }
    n
}

fn char_width(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(0) }
}

enum Piece<'a> {
    Char(char),
    /// An escape sequence, written as it is and taking no column.
    Escape(&'a str),
}

/// Splits `text` into visible characters and escape sequences (CSI such as
/// colours, OSC such as hyperlinks).
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        if c != '\x1b' {
            rest = &rest[c.len_utf8()..];
            return Some(Piece::Char(c));
        }
        let bytes = rest.as_bytes();
        let end = match bytes.get(1) {
            // CSI: parameters, then one final byte in @..~.
            Some(b'[') => bytes[2..]
                .iter()
                .position(|b| (0x40..=0x7e).contains(b))
                .map_or(bytes.len(), |i| i + 3),
            // OSC: up to BEL or ESC \.
            Some(b']') => {
                let mut i = 2;
                loop {
                    match bytes.get(i) {
                        None => break bytes.len(),
                        Some(0x07) => break i + 1,
                        Some(0x1b) if bytes.get(i + 1) == Some(&b'\\') => break i + 2,
                        _ => i += 1,
                    }
                }
            }
            Some(_) => 2,
            None => 1,
        };
        let end = end.min(rest.len());
        // Escape sequences are ASCII; never cut inside a character.
        let end = (end..=rest.len())
            .find(|&i| rest.is_char_boundary(i))
            .unwrap_or(rest.len());
        let (seq, after) = rest.split_at(end);
        rest = after;
        Some(Piece::Escape(seq))
    })
}

/// `text` without its escape sequences (colours, links).
pub fn plain(text: &str) -> String {
    pieces(text)
        .filter_map(|p| match p {
            Piece::Char(c) => Some(c),
            Piece::Escape(_) => None,
        })
        .collect()
}

/// `line` in rows of at most `width` columns. A colour that is on where the
/// line is cut is switched off at the end of the row and on again at the
/// start of the next, so every row stands alone.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    // The colour codes in force (since the last reset).
    let mut style = String::new();
    for piece in pieces(line) {
        match piece {
            Piece::Escape(seq) => {
                if seq.starts_with("\x1b[") && seq.ends_with('m') {
                    if seq == "\x1b[0m" || seq == "\x1b[m" {
                        style.clear();
                    } else {
                        style.push_str(seq);
                    }
                }
                row.push_str(seq);
            }
            Piece::Char(c) => {
                if c == '\r' || (c.is_control() && c != '\t') {
                    continue;
                }
                let w = char_width(c);
                if used + w > width && used > 0 {
                    if !style.is_empty() {
                        row.push_str("\x1b[0m");
                    }
                    rows.push(std::mem::take(&mut row));
                    row.push_str(&style);
                    used = 0;
                }
                if c == '\t' {
                    row.push_str(&" ".repeat(w));
                } else {
                    row.push(c);
                }
                used += w;
            }
        }
    }
    rows.push(row);
    rows
}

/// Where a scrolling body stands.
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    /// The first row of the body shown (rows after wrapping).
    pub top: usize,
    /// A line of the body (before wrapping) kept in view until the learner
    /// scrolls: the first failing check after a grade, the hint when asked.
    pub anchor: Option<usize>,
    /// A line of the body (before wrapping) to bring into view at the next
    /// frame: the list's cursor.
    pub reveal: Option<usize>,
    /// Rows of body the last frame showed: a page.
    page: usize,
}

impl Scroll {
    /// Shows `line` (of the body, before wrapping) near the top from now on,
    /// also after a resize, until the learner scrolls.
    pub fn anchor_at(&mut self, line: Option<usize>) {
        self.top = 0;
        self.anchor = line;
    }

    /// Rows of body the last frame showed.
    pub fn page(&self) -> usize {
        self.page
    }

    /// Moves for a scrolling key; false when the key is not one.
    pub fn key(&mut self, code: KeyCode) -> bool {
        let page = self.page.max(1);
        match code {
            KeyCode::Down | KeyCode::Char('j') => self.top += 1,
            KeyCode::Up | KeyCode::Char('k') => self.top = self.top.saturating_sub(1),
            KeyCode::PageDown => self.top += page,
            KeyCode::PageUp => self.top = self.top.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => self.top = 0,
            KeyCode::End | KeyCode::Char('G') => self.top = usize::MAX / 2,
            _ => return false,
        }
        self.anchor = None;
        true
    }
}

/// One screen: a header and a footer that stay, a body that scrolls.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    pub header: Vec<String>,
    pub body: Vec<String>,
    pub footer: Vec<String>,
}

/// The fewest rows of body a frame keeps, cutting header and footer first.
const MIN_BODY: usize = 3;

impl Frame {
    /// Exactly `height` rows of at most `width` columns: the header, as
    /// much body as fits from `scroll` (with "more above / below" rows
    /// where it continues), blank rows, the footer at the bottom.
    pub fn render(&self, width: usize, height: usize, scroll: &mut Scroll) -> Vec<String> {
        let wrap_all = |lines: &[String]| -> Vec<String> {
            lines.iter().flat_map(|l| wrap(l, width)).collect()
        };
        let mut header = wrap_all(&self.header);
        let mut footer = wrap_all(&self.footer);
        // A tiny terminal: the first header row and the last footer row
        // (the keys) stay; the rest gives way to the body.
        while header.len() + footer.len() + MIN_BODY > height && header.len() > 1 {
            header.pop();
        }
        while header.len() + footer.len() + MIN_BODY > height && footer.len() > 1 {
            footer.remove(0);
        }
        let room = height.saturating_sub(header.len() + footer.len());

        let mut body = Vec::new();
        let mut first_row = Vec::with_capacity(self.body.len());
        for line in &self.body {
            first_row.push(body.len());
            body.extend(wrap(line, width));
        }
        let shown = fit_body(&body, &first_row, room, scroll);

        let mut rows = header;
        rows.extend(shown);
        while rows.len() + footer.len() < height {
            rows.push(String::new());
        }
        rows.extend(footer);
        rows.truncate(height);
        rows
    }
}

/// The rows of `body` shown in `room` rows, scrolled as `scroll` says
/// (which is updated: its top clamped, its page measured).
fn fit_body(body: &[String], first_row: &[usize], room: usize, scroll: &mut Scroll) -> Vec<String> {
    let total = body.len();
    if total <= room {
        scroll.top = 0;
        scroll.page = room;
        return body.to_vec();
    }
    if room < 2 {
        scroll.page = 1;
        scroll.top = scroll.top.min(total - 1);
        return body[scroll.top..(scroll.top + room).min(total)].to_vec();
    }
    // At the very end only the "more above" row is needed.
    let max_top = total - (room - 1);
    if let Some(line) = scroll.anchor {
        let row = first_row.get(line).copied().unwrap_or(0);
        // Near the top, one row of context above it: what follows it (a
        // failure's message, the wire) matters more than what came before.
        scroll.top = row.saturating_sub(1);
    }
    if let Some(line) = scroll.reveal.take() {
        let row = first_row.get(line).copied().unwrap_or(0);
        if row < scroll.top + 1 {
            scroll.top = row.saturating_sub(1);
        } else if row + 2 >= scroll.top + room {
            scroll.top = row + 3 - room;
        }
    }
    scroll.top = scroll.top.min(max_top);
    let top = scroll.top;
    let above = top > 0;
    let mut count = room - usize::from(above);
    let below = top + count < total;
    if below {
        count -= 1;
    }
    scroll.page = count.max(1);
    let mut rows = Vec::with_capacity(room);
    if above {
        rows.push(
            format!("  ↑ {top} more line{} above · k/PgUp/Home", plural(top))
                .dimmed()
                .to_string(),
        );
    }
    rows.extend(body[top..top + count].iter().cloned());
    if below {
        let rest = total - top - count;
        rows.push(
            format!("  ↓ {rest} more line{} below · j/PgDn/End", plural(rest))
                .dimmed()
                .to_string(),
        );
    }
    rows
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(rows: &[String]) -> Vec<String> {
        rows.iter().map(|r| super::plain(r)).collect()
    }

    #[test]
    fn widths_skip_escapes() {
        assert_eq!(width("\x1b[1;31mFAIL\x1b[0m x"), 6);
        assert_eq!(width("\x1b]8;;file:///a\x1b\\link\x1b]8;;\x1b\\"), 4);
        assert_eq!(width("✓ ok"), 4);
    }

    #[test]
    fn wrapping_keeps_colours_and_widths() {
        let line = format!("{}{}", "\x1b[31m", "abcdefghij\x1b[0m tail");
        let rows = wrap(&line, 4);
        assert_eq!(
            plain(&rows),
            vec!["abcd", "efgh", "ij t", "ail"],
            "{rows:?}"
        );
        assert!(rows[1].starts_with("\x1b[31m") && rows[1].ends_with("\x1b[0m"));
        assert!(!rows[3].contains("\x1b[31m"), "{rows:?}");
        assert!(rows.iter().all(|r| width(r) <= 4));
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    fn frame(body: usize) -> Frame {
        Frame {
            header: vec!["head".into()],
            body: (0..body).map(|i| format!("line {i}")).collect(),
            footer: vec!["keys".into()],
        }
    }

    #[test]
    fn a_frame_is_exactly_the_screen() {
        let mut scroll = Scroll::default();
        let rows = frame(3).render(20, 10, &mut scroll);
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[0], "head");
        assert_eq!(rows[9], "keys");
        let rows = plain(&frame(50).render(20, 10, &mut scroll));
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[1], "line 0");
        assert!(rows[8].contains("43 more lines below"), "{rows:?}");
    }

    #[test]
    fn scrolling_reaches_the_end_and_says_what_is_above() {
        let mut scroll = Scroll::default();
        let f = frame(50);
        f.render(30, 10, &mut scroll);
        scroll.key(KeyCode::End);
        let rows = plain(&f.render(30, 10, &mut scroll));
        assert!(rows[1].contains("more lines above"), "{rows:?}");
        assert_eq!(rows[8], "line 49");
        scroll.key(KeyCode::PageUp);
        let rows = plain(&f.render(30, 10, &mut scroll));
        assert!(rows[8].contains("more lines below"), "{rows:?}");
    }

    #[test]
    fn an_anchor_stays_in_view_whatever_the_size() {
        let f = frame(50);
        for height in [6, 10, 24, 40] {
            let mut scroll = Scroll::default();
            scroll.anchor_at(Some(30));
            let rows = plain(&f.render(30, height, &mut scroll));
            assert!(rows.contains(&"line 30".to_string()), "{height}: {rows:?}");
        }
        let mut scroll = Scroll::default();
        scroll.anchor_at(Some(5));
        let rows = plain(&f.render(30, 24, &mut scroll));
        assert_eq!(rows[2], "line 4", "one line of context above: {rows:?}");
    }

    #[test]
    fn a_revealed_row_is_in_view() {
        let f = frame(50);
        let mut scroll = Scroll::default();
        for row in [0, 20, 49, 3] {
            scroll.reveal = Some(row);
            let rows = plain(&f.render(30, 10, &mut scroll));
            assert!(rows.contains(&format!("line {row}")), "{row}: {rows:?}");
        }
    }
}
