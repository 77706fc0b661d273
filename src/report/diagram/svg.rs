//! The sequence diagram as SVG, for `--report`: the lanes and rows that
//! [`super::Diagram`] lays out (the terminal's [`super::text`] draws the
//! same ones), written as maud markup so every label is escaped.
//!
//! Unlike the terminal, the page has room: every row is drawn, labels keep
//! up to [`LABEL_CHARS`] characters (the whole text is the row's tooltip),
//! and connections get lanes of their own up to [`MAX_CONN_LANES`].

use maud::{Markup, html};

use super::{Diagram, Lane, Party, Row, Shape, size, text, time};
use crate::report::{Kind, TranscriptLine, Who};

/// Connections of netlings drawn on lanes of their own, at most.
pub const MAX_CONN_LANES: usize = 6;
/// Characters of a label shown; the rest is in its tooltip.
pub const LABEL_CHARS: usize = 100;
/// Height of a row, width of a character of the 12 px monospace font.
const ROW: f64 = 20.0;
const CHAR: f64 = 7.2;
/// The time column, the header above the rows.
const TIME: f64 = 64.0;
const HEAD: f64 = 40.0;
/// Between two of netlings' lanes, and before a lane across the wire.
const NEAR: f64 = 48.0;
const ACROSS: f64 = 150.0;

/// The x of each lane.
fn positions(lanes: &[Lane]) -> Vec<f64> {
    Lane::positions(lanes, TIME + 40.0, NEAR, ACROSS)
}

/// The CSS class of what `who` sends: its color.
fn who_class(who: Who) -> &'static str {
    match who {
        Who::Netlings => "netlings",
        Who::Program => "program",
        Who::Broker => "broker",
        Who::Event => "event",
    }
}

/// `lines` as an `<svg>` sequence diagram.
pub fn render(lines: &[TranscriptLine]) -> Markup {
    let d = Diagram::of(lines, MAX_CONN_LANES);
    let xs = positions(&d.lanes);
    let last = xs.last().copied().unwrap_or(TIME);
    let label_x = last + 20.0;
    let width = label_x + LABEL_CHARS as f64 * CHAR + 10.0;
    let rows_end = HEAD + d.rows.len() as f64 * ROW;
    let height = rows_end + d.legend.len() as f64 * ROW + 10.0;
    // "netlings" over its connections' lanes when it has no lane itself.
    let conn_xs: Vec<f64> = d
        .lanes
        .iter()
        .zip(&xs)
        .filter(|(l, _)| matches!(l.party, Party::Conn(_)))
        .map(|(_, x)| *x)
        .collect();
    let netlings_over_conns = !conn_xs.is_empty() && d.lanes[0].party != Party::Netlings;
    html! {
        svg.diagram xmlns="http://www.w3.org/2000/svg" role="img"
            aria-label="sequence diagram of what crossed the wire"
            width=(width) height=(height) viewBox=(format!("0 0 {width} {height}")) {
            text.head x=(TIME - 6.0) y="16" text-anchor="end" { "time" }
            @if netlings_over_conns {
                text.party x=((conn_xs[0] + conn_xs[conn_xs.len() - 1]) / 2.0) y="14"
                    text-anchor="middle" { "netlings" }
            }
            @for (lane, x) in d.lanes.iter().zip(&xs) {
                text.party data-lane=(lane.name) x=(x)
                    y=(if matches!(lane.party, Party::Conn(_)) { "30" } else { "16" })
                    text-anchor="middle" { (lane.name) }
            }
            @for (i, row) in d.rows.iter().enumerate() {
                (draw(row, HEAD + i as f64 * ROW, &xs, label_x))
            }
            @for (i, line) in d.legend.iter().enumerate() {
                text.legend x="8" y=(rows_end + i as f64 * ROW + 14.0) { (line) }
            }
        }
    }
}

/// One row at `top`: its lanes, its arrow or mark, its time and label.
fn draw(row: &Row, top: f64, xs: &[f64], label_x: f64) -> Markup {
    let mid = top + ROW / 2.0;
    let lane_class = if row.shape == Shape::Gap {
        "lane gap"
    } else {
        "lane"
    };
    let color = if row.wrong {
        "wrong"
    } else {
        who_class(row.who)
    };
    let mut label = row.label.clone();
    if let Some(n) = row.size.filter(|_| row.kind.is_message()) {
        label = format!("{label} · {}", size(n));
    }
    if row.wrong || row.shape == Shape::Verdict {
        label = format!("✗ {label}");
    }
    let shown = short(&label);
    let label_class = match row.shape {
        _ if row.wrong => "label wrong",
        Shape::Verdict => "label wrong verdict",
        Shape::Note { .. } | Shape::Gap | Shape::Divider => "label note",
        _ if row.earlier => "label earlier",
        _ => "label",
    };
    html! {
        g.row data-kind=(kind_name(row)) {
            @if row.shape != Shape::Divider {
                @for x in xs {
                    line class=(lane_class) x1=(x) y1=(top) x2=(x) y2=(top + ROW) {}
                }
            }
            @if !matches!(row.shape, Shape::Gap | Shape::Divider) {
                text.time x=(TIME - 6.0) y=(mid + 4.0) text-anchor="end" { (time(row.at)) }
            }
            @match row.shape {
                Shape::Arrow { from, to } => {
                    (arrow(xs[from], xs[to], mid, &format!("arrow {color}"), false))
                }
                Shape::Mark { from, to } => {
                    (arrow(xs[from], xs[to], mid, &format!("arrow mark {color}"), true))
                    (glyph(xs[from], mid, row.kind))
                }
                Shape::Point { lane } => (glyph(xs[lane], mid, row.kind)),
                Shape::Note { lane: Some(lane) } => {
                    circle.dot cx=(xs[lane]) cy=(mid) r="3" {}
                }
                Shape::Divider => {
                    line.rule x1="4" y1=(mid) x2=(label_x - 8.0) y2=(mid) {}
                }
                Shape::Note { lane: None } | Shape::Gap | Shape::Verdict => {}
            }
            text class=(label_class) x=(label_x) y=(mid + 4.0) {
                title { (label) }
                (shown)
            }
        }
    }
}

/// A line from `a` to `b` with its head at `b` (dashed for a mark).
fn arrow(a: f64, b: f64, y: f64, class: &str, dashed: bool) -> Markup {
    let dir = if b >= a { 1.0 } else { -1.0 };
    let tip = b - dir * 2.0;
    let head = format!(
        "{tip},{y} {},{} {},{}",
        tip - dir * 8.0,
        y - 4.0,
        tip - dir * 8.0,
        y + 4.0
    );
    html! {
        g class=(class) {
            line x1=(a) y1=(y) x2=(tip - dir * 6.0) y2=(y)
                stroke-dasharray=[dashed.then_some("4 3")] {}
            polygon points=(head) {}
        }
    }
}

/// What happened to a connection or the program, on its lane: the glyph
/// the terminal draws.
fn glyph(x: f64, y: f64, kind: Kind) -> Markup {
    html! {
        text.glyph x=(x) y=(y + 4.0) text-anchor="middle" { (text::mark(kind, true)) }
    }
}

/// The row's kind, for the page's readers and tests: "bytes", "gap", …
fn kind_name(row: &Row) -> &'static str {
    match row.shape {
        Shape::Gap => "gap",
        Shape::Divider => "divider",
        Shape::Verdict => "verdict",
        _ => match row.kind {
            Kind::Bytes => "bytes",
            Kind::Datagram => "datagram",
            Kind::Message => "message",
            Kind::Open => "open",
            Kind::Close => "close",
            Kind::HalfClose => "half_close",
            Kind::Reset => "reset",
            Kind::Start => "start",
            Kind::Exit => "exit",
            Kind::Note => "note",
            Kind::Verdict => "verdict",
        },
    }
}

/// At most [`LABEL_CHARS`] characters, control characters as spaces.
fn short(label: &str) -> String {
    let clean: String = label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= LABEL_CHARS {
        return clean;
    }
    let cut: String = clean.chars().take(LABEL_CHARS - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::diagram::tests::line;

    /// The markup of a small failed conversation: its lanes, arrows, the
    /// wrong message, the silence and the verdict, each labelled.
    #[test]
    fn a_failed_echo_as_svg() {
        let mut wrong = line(Who::Program, Some(1), Kind::Bytes, "hellp\\n", 5);
        wrong.wrong = true;
        wrong.size = Some(6);
        let lines = [
            line(Who::Event, None, Kind::Start, "started your program", 0),
            line(Who::Netlings, Some(1), Kind::Open, "netlings connected", 3),
            line(Who::Netlings, Some(1), Kind::Bytes, "hello\\n", 4),
            wrong,
            line(Who::Event, None, Kind::Verdict, "the check failed", 5010),
        ];
        let svg = render(&lines).into_string();
        assert!(svg.starts_with("<svg class=\"diagram\" xmlns=\"http://www.w3.org/2000/svg\""));
        for lane in ["netlings", "your program"] {
            assert!(svg.contains(&format!("data-lane=\"{lane}\"")), "{svg}");
        }
        assert_eq!(svg.matches("<g class=\"row\"").count(), 6, "{svg}");
        assert_eq!(svg.matches("class=\"arrow netlings\"").count(), 1);
        assert_eq!(svg.matches("class=\"arrow wrong\"").count(), 1);
        assert_eq!(svg.matches("class=\"arrow mark netlings\"").count(), 1);
        assert!(svg.contains("✗ hellp\\n · 6 B</text>"), "{svg}");
        assert!(svg.contains("data-kind=\"gap\""));
        assert!(svg.contains("5.0 s: nothing"));
        assert!(svg.contains("✗ the check failed"));
        assert!(svg.contains(">5.01 s</text>"));
        // Every element is closed: inline SVG in HTML nests what is not.
        assert_eq!(svg.matches("<line").count(), svg.matches("</line>").count());
    }

    #[test]
    fn labels_are_escaped_and_shortened() {
        let long = format!("<script>{}", "x".repeat(300));
        let svg = render(&[line(Who::Netlings, None, Kind::Bytes, &long, 0)]).into_string();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("x…</text>"));
    }
}
