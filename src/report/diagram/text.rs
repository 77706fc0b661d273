//! The sequence diagram in a terminal: a time column, the lanes, and a
//! label per row, fitted to the terminal's width; box-drawing characters
//! where the terminal speaks UTF-8, plain ASCII where it does not (or where
//! `NO_COLOR` asks for plain output).
//!
//! ```text
//!    time  netlings    your program
//!    0 ms                ▶  started your program with NETLINGS_ADDR=…
//!    3 ms  ●╌╌╌╌╌╌╌╌╌╌►│  netlings connected to 127.0.0.1:4000
//!    4 ms  │──────────►│  "hello\n" · 6 B
//!    5 ms  │◄──────────│  ✗ "hellp\n" · 6 B
//!          ┆           ┆  5.0 s: nothing
//!  5.01 s  │           │  ✗ the check failed
//! ```

use std::io::IsTerminal;

use colored::Colorize;

use super::{Diagram, Lane, Party, Row, Shape, time};
use crate::report::{Kind, TranscriptLine, Who};

/// How the terminal draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Columns to fit in.
    pub width: usize,
    /// Box-drawing characters and arrows (else ASCII only).
    pub unicode: bool,
    pub color: bool,
}

/// Narrower than this, the labels would be too short to read.
const MIN_WIDTH: usize = 60;
/// Columns a label keeps at least, when lanes compete for the width.
const MIN_LABEL: usize = 30;
/// The time column and the space after it.
const TIME: usize = 7;
/// Between two of netlings' lanes, and before a lane across the wire.
const NEAR: usize = 4;
const ACROSS: usize = 12;

impl Style {
    /// The terminal's: its width (or `COLUMNS`, or 80), UTF-8 if the locale
    /// says so and `NO_COLOR` is not set, colors as `colored` decided.
    pub fn from_env() -> Style {
        let width = std::io::stdout()
            .is_terminal()
            .then(|| crossterm::terminal::size().ok())
            .flatten()
            .map(|(cols, _)| cols as usize)
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
            .unwrap_or(80);
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let utf8 = locale.contains("utf-8") || locale.contains("utf8");
        Style {
            width,
            unicode: utf8 && std::env::var_os("NO_COLOR").is_none(),
            color: colored::control::SHOULD_COLORIZE.should_colorize(),
        }
    }

    /// How many of netlings' connections get a lane of their own.
    pub fn max_conn_lanes(&self) -> usize {
        let room = self
            .width
            .max(MIN_WIDTH)
            .saturating_sub(TIME + 2 + 2 + MIN_LABEL + ACROSS + 1);
        room / NEAR + 1
    }
}

struct Glyphs {
    lane: char,
    gap: char,
    line: char,
    dash: char,
    right: char,
    left: char,
    rule: char,
    wrong: &'static str,
    more: &'static str,
}

const UNICODE: Glyphs = Glyphs {
    lane: '│',
    gap: '┆',
    line: '─',
    dash: '╌',
    right: '►',
    left: '◄',
    rule: '┄',
    wrong: "✗ ",
    more: "…",
};

const ASCII: Glyphs = Glyphs {
    lane: '|',
    gap: ':',
    line: '-',
    dash: '.',
    right: '>',
    left: '<',
    rule: '-',
    wrong: "X ",
    more: "...",
};

/// The mark of what happened to a connection or the program.
pub(super) fn mark(kind: Kind, unicode: bool) -> char {
    match (kind, unicode) {
        (Kind::Open, true) => '●',
        (Kind::Open, false) => 'o',
        (Kind::Close | Kind::Exit, true) => '✕',
        (Kind::Close | Kind::Exit, false) => 'x',
        (Kind::HalfClose, true) => '⊣',
        (Kind::HalfClose, false) => ']',
        (Kind::Reset, true) => '↯',
        (Kind::Reset, false) => '!',
        (Kind::Start, true) => '▶',
        (Kind::Start, false) => '>',
        (_, true) => '·',
        (_, false) => '.',
    }
}

/// The diagram of `lines`, one string per terminal line (no newlines),
/// at most `max_rows` rows of it (the last ones: where it went wrong).
pub fn render(lines: &[TranscriptLine], style: &Style, max_rows: usize) -> Vec<String> {
    let d = Diagram::of(lines, style.max_conn_lanes());
    let g = if style.unicode { &UNICODE } else { &ASCII };
    let xs = positions(&d.lanes);
    let area = xs.last().copied().unwrap_or(0) + 1;
    let label_width = style
        .width
        .max(MIN_WIDTH)
        .saturating_sub(TIME + 2 + area + 2)
        .max(12);
    let paint = Paint(style.color);
    let mut out = header(&d.lanes, &xs, area, g);
    let skipped = d.rows.len().saturating_sub(max_rows);
    if skipped > 0 {
        out.push(paint.dim(&format!(
            "{:>TIME$}  {}  {}",
            "",
            lanes_only(&xs, area, g.gap),
            fit(
                &format!("{skipped} earlier rows not shown (`--report` draws them all)"),
                label_width,
                g,
                style.unicode
            )
        )));
    }
    for row in &d.rows[skipped..] {
        out.push(draw(row, &xs, area, label_width, g, style.unicode, paint));
    }
    for line in &d.legend {
        out.push(paint.dim(&fit(line, style.width.max(MIN_WIDTH), g, style.unicode)));
    }
    out
}

/// The column of each lane in the lanes' area.
fn positions(lanes: &[Lane]) -> Vec<usize> {
    Lane::positions(lanes, 0, NEAR, ACROSS)
}

/// The parties' names over their lanes; connections' numbers on a second
/// line when they have lanes.
fn header(lanes: &[Lane], xs: &[usize], area: usize, g: &Glyphs) -> Vec<String> {
    let mut parties = vec![' '; area + 16];
    let mut conns = vec![' '; area + 16];
    let mut netlings_named = false;
    for (lane, &x) in lanes.iter().zip(xs) {
        let (name, row) = match lane.party {
            Party::Conn(_) => (lane.name.as_str(), &mut conns),
            Party::Netlings => {
                netlings_named = true;
                (lane.name.as_str(), &mut parties)
            }
            _ => (lane.name.as_str(), &mut parties),
        };
        put(row, x, name);
        if !netlings_named && matches!(lane.party, Party::Conn(_)) {
            put(&mut parties, x, "netlings");
            netlings_named = true;
        }
    }
    let mut out = vec![format!("{:>TIME$}  {}", "time", collect(&parties))];
    if conns.iter().any(|c| *c != ' ') {
        out.push(format!("{:>TIME$}  {}", "", collect(&conns)));
    }
    out.push(format!("{:>TIME$}  {}", "", lanes_only(xs, area, g.lane)));
    out
}

fn put(row: &mut Vec<char>, x: usize, text: &str) {
    for (i, c) in text.chars().enumerate() {
        if x + i >= row.len() {
            row.push(c);
        } else {
            row[x + i] = c;
        }
    }
}

fn collect(row: &[char]) -> String {
    row.iter().collect::<String>().trim_end().to_string()
}

fn lanes_only(xs: &[usize], area: usize, glyph: char) -> String {
    let mut cells = vec![' '; area];
    for &x in xs {
        cells[x] = glyph;
    }
    cells.into_iter().collect()
}

/// One row: its time, its lanes with the arrow or mark, its label.
fn draw(
    row: &Row,
    xs: &[usize],
    area: usize,
    label_width: usize,
    g: &Glyphs,
    unicode: bool,
    paint: Paint,
) -> String {
    let lane_glyph = match row.shape {
        Shape::Gap => g.gap,
        _ => g.lane,
    };
    let mut cells: Vec<char> = lanes_only(xs, area, lane_glyph).chars().collect();
    // The span of the cells an arrow or mark covers, to paint.
    let mut span: Option<(usize, usize)> = None;
    match row.shape {
        Shape::Arrow { from, to } | Shape::Mark { from, to } => {
            let (a, b) = (xs[from], xs[to]);
            let fill = if matches!(row.shape, Shape::Arrow { .. }) {
                g.line
            } else {
                g.dash
            };
            let (lo, hi) = (a.min(b), a.max(b));
            for c in &mut cells[lo + 1..hi] {
                *c = fill;
            }
            if a < b {
                cells[hi - 1] = g.right;
            } else {
                cells[lo + 1] = g.left;
            }
            if matches!(row.shape, Shape::Mark { .. }) {
                cells[a] = mark(row.kind, unicode);
            }
            span = Some((lo, hi));
        }
        Shape::Point { lane } => {
            cells[xs[lane]] = mark(row.kind, unicode);
            span = Some((xs[lane], xs[lane]));
        }
        Shape::Divider => cells.iter_mut().for_each(|c| *c = g.rule),
        Shape::Note { .. } | Shape::Gap | Shape::Verdict => {}
    }
    let lanes: String = match span {
        Some((lo, hi)) => {
            let before: String = cells[..lo].iter().collect();
            let mid: String = cells[lo..=hi].iter().collect();
            let after: String = cells[hi + 1..].iter().collect();
            let mid = if row.wrong {
                paint.wrong(&mid)
            } else {
                paint.who(&mid, row.who, row.kind)
            };
            format!("{before}{mid}{after}")
        }
        None => cells.into_iter().collect(),
    };
    let mut label = row.label.clone();
    if let Some(n) = row.size.filter(|_| row.kind.is_message()) {
        label = with_size(&label, &super::size(n), label_width, g, unicode);
    }
    if row.wrong {
        label = format!("{}{label}", g.wrong);
    }
    let label = fit(&label, label_width, g, unicode);
    let label = match row.shape {
        _ if row.wrong => paint.wrong(&label),
        Shape::Verdict => paint.wrong(&format!("{}{label}", g.wrong)),
        Shape::Note { .. } | Shape::Gap | Shape::Divider => paint.dim(&label),
        _ if row.earlier => paint.dim(&label),
        _ => label,
    };
    let when = match row.shape {
        Shape::Gap | Shape::Divider => String::new(),
        _ => time(row.at),
    };
    format!("{when:>TIME$}  {lanes}  {label}")
        .trim_end()
        .to_string()
}

/// `text · size`, the text shortened so that the size stays in view.
fn with_size(text: &str, size: &str, width: usize, g: &Glyphs, unicode: bool) -> String {
    let sep = if unicode { " · " } else { " - " };
    let room = width.saturating_sub(size.chars().count() + sep.len() + 2);
    format!("{}{sep}{size}", fit(text, room, g, unicode))
}

/// `text` in at most `width` columns (ASCII only unless `unicode`), its
/// end replaced by an ellipsis when it does not fit.
fn fit(text: &str, width: usize, g: &Glyphs, unicode: bool) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = if unicode { text } else { asciify(&text) };
    if text.chars().count() <= width {
        return text;
    }
    let keep = width.saturating_sub(g.more.chars().count());
    let cut: String = text.chars().take(keep).collect();
    format!("{cut}{}", g.more)
}

/// Plain ASCII: the few non-ASCII characters netlings writes itself in
/// words, anything else as `?`.
pub fn asciify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '…' => out.push_str("..."),
            '·' | '–' | '—' => out.push('-'),
            '×' => out.push('x'),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '✗' => out.push('X'),
            '✓' => out.push('v'),
            _ => out.push('?'),
        }
    }
    out
}

/// Colors, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn dim(self, s: &str) -> String {
        if self.0 {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }

    fn wrong(self, s: &str) -> String {
        if self.0 {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }

    fn who(self, s: &str, who: Who, kind: Kind) -> String {
        if !self.0 {
            return s.to_string();
        }
        if kind.is_connection() || matches!(kind, Kind::Start | Kind::Exit) {
            return s.dimmed().to_string();
        }
        match who {
            Who::Netlings => s.cyan().to_string(),
            Who::Program => s.magenta().to_string(),
            Who::Broker => s.blue().to_string(),
            Who::Event => s.dimmed().to_string(),
        }
    }
}
