//! `--report FILE.html`: one self-contained page (no network: the styles
//! are inline, the diagrams and plots inline SVG, and a Content Security
//! Policy forbids loading anything else) with every exercise, its checks
//! with their status and message, each check's conversation as a sequence
//! diagram ([`super::diagram::svg`]), and the timing plots of the checks
//! judged on time ([`super::plot`]).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::diagram::{svg, time};
use super::{Check, ExerciseReport, Kind, Status, Summary, plot};

/// Nothing but the page's own inline styles: a load of anything else is
/// refused by the browser, and said on its console.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const CSS: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #1d2125; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .3em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; }
.meta, .summary { color: #57606a; }
.status { display: inline-block; min-width: 5.5em; text-align: center; border-radius: 3px; font: bold 12px/1.7 ui-monospace, monospace; color: #fff; background: #8c959f; margin-right: .5em; }
.status.pass { background: #1a7f37; } .status.fail, .status.error { background: #cf222e; }
.status.timeout { background: #bc4c00; } .status.unavailable { background: #6e7781; }
.status.skipped { background: #d0d7de; color: #57606a; }
details.check { margin: .3em 0 .3em 1em; } details.check > summary { cursor: pointer; }
pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; white-space: pre-wrap; font-size: 13px; }
figure { margin: .6em 0; overflow-x: auto; } figcaption { color: #57606a; font-size: 13px; }
svg text { font: 12px ui-monospace, monospace; fill: #1d2125; }
svg .party { font-weight: bold; } svg .time, svg .tick, svg .note, svg .earlier, svg .legend { fill: #6e7781; }
svg .lane { stroke: #afb8c1; } svg .lane.gap { stroke-dasharray: 2 3; }
svg .rule { stroke: #afb8c1; stroke-dasharray: 6 3; } svg .dot { fill: #6e7781; }
svg .arrow line { stroke-width: 1.5; } svg .note { font-style: italic; }
svg .netlings line { stroke: #0969da; } svg .netlings polygon { fill: #0969da; }
svg .program line { stroke: #8250df; } svg .program polygon { fill: #8250df; }
svg .broker line { stroke: #1b7c83; } svg .broker polygon { fill: #1b7c83; }
svg .event line { stroke: #6e7781; } svg .event polygon { fill: #6e7781; }
svg .wrong line { stroke: #cf222e; stroke-width: 2; } svg .wrong polygon { fill: #cf222e; }
svg text.wrong { fill: #cf222e; font-weight: bold; }
svg .axis { stroke: #57606a; } svg line.tick { stroke: #57606a; } svg .grid { stroke: #eaeef2; }
svg .band { fill: #dafbe1; } svg .band-label { fill: #1a7f37; }
svg .series { fill: none; stroke-width: 2; }
svg .s0 { stroke: #0969da; fill: #0969da; } svg .s1 { stroke: #8250df; fill: #8250df; }
svg .s2 { stroke: #bc4c00; fill: #bc4c00; } svg .s3 { stroke: #1b7c83; fill: #1b7c83; }
svg polyline.series { fill: none; }
svg line.mark { stroke: #cf222e; stroke-dasharray: 5 3; } svg text.mark { fill: #cf222e; }
svg .bar.fits { fill: #0969da; } svg .bar.outside { fill: #cf222e; }
"#;

/// The whole page.
pub fn render(reports: &[ExerciseReport], summary: &Summary) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "netlings report" }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "netlings report" }
                p.summary {
                    (summary.pass) " of " (summary.total) " exercises pass · "
                    (summary.checks.pass) " of " (summary.checks.total) " checks · "
                    (summary.points) " of " (summary.max_points) " points"
                }
                ul.toc {
                    @for r in reports {
                        li { (badge(r.status)) a href=(format!("#{}", r.name)) { (r.name) } }
                    }
                }
                @for r in reports { (exercise(r)) }
            }
        }
    };
    page.into_string()
}

fn badge(status: Status) -> Markup {
    html! { span class=(format!("status {}", status.as_str())) { (status.as_str()) } }
}

fn exercise(r: &ExerciseReport) -> Markup {
    html! {
        section.exercise id=(r.name) {
            h2 { (badge(r.status)) (r.name) }
            p.meta {
                (r.topic) " · " (r.questions.join(", ")) " · "
                (r.passed()) " of " (r.checks.len()) " checks · "
                (r.points()) " of " (r.max_points()) " points · "
                (time(r.duration))
                @if r.seeded { " · seed " (r.seed) " (replay with --seed " (r.seed) ")" }
            }
            @for c in &r.checks { (check(c)) }
        }
    }
}

fn check(c: &Check) -> Markup {
    let message = c.full_message();
    // A failure, and what was measured, are shown open; a pass folded.
    let open = c.status != Status::Pass || !c.plots.is_empty();
    let conversation = c.transcript.iter().any(|l| l.kind != Kind::Verdict);
    html! {
        details.check data-status=(c.status.as_str()) open[open] {
            summary { (badge(c.status)) (c.name) " " span.meta { (time(c.duration)) } }
            @if !message.trim().is_empty() { pre.message { (message) } }
            @if let Some(cmd) = &c.reproduce {
                p.meta { "replay it by hand: " code { (cmd) } }
            }
            @if conversation {
                figure.conversation {
                    (svg::render(&c.transcript))
                    figcaption { "what crossed the wire" }
                }
            }
            @for p in &c.plots {
                figure.timing {
                    (plot::render(p))
                    figcaption { (p.title) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::report::{TranscriptLine, Who};

    #[test]
    fn a_page_holds_everything_inline() {
        let mut failed = Check {
            status: Status::Fail,
            message: "the echo <differs>".into(),
            ..Check::passed("echoes a line", Duration::from_millis(3))
        };
        failed.transcript = vec![TranscriptLine::new(
            Who::Netlings,
            Some(1),
            Kind::Bytes,
            "hello",
        )];
        let checks = vec![Check::passed("listens", Duration::ZERO), failed];
        let report = ExerciseReport {
            name: "tcp_echo_server".into(),
            topic: "01_sockets".into(),
            questions: vec!["q02".into()],
            status: ExerciseReport::status_of(&checks),
            duration: Duration::from_millis(40),
            build: Duration::ZERO,
            checks,
            seed: 7,
            seeded: true,
        };
        let reports = [report];
        let page = render(&reports, &Summary::of(&reports, Duration::ZERO));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains(CSP));
        assert!(page.contains("the echo &lt;differs&gt;"));
        assert!(page.contains("<svg class=\"diagram\""));
        assert!(!page.contains("src="), "nothing is loaded");
        assert!(!page.contains("<script"));
    }
}
