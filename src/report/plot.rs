//! A timing plot as SVG, for `--report`: what a grader measured, drawn
//! against the bounds it judged by ([`Plot`]), written as maud markup.
//!
//! Steps: each series a step line over time, the allowed band shaded,
//! marked moments (a deadline) as vertical lines. Gaps: one bar per wait
//! between attempts, over the range it was allowed to fall in.

use std::time::Duration;

use maud::{Markup, html};

use super::diagram::time;
use super::{Plot, PlotKind, Series};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
/// The plot area inside the axes.
const LEFT: f64 = 72.0;
const RIGHT: f64 = WIDTH - 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = HEIGHT - 48.0;

/// One color class per series, in turn.
const SERIES: [&str; 4] = ["s0", "s1", "s2", "s3"];

/// `plot` as an `<svg>`.
pub fn render(plot: &Plot) -> Markup {
    let body = match &plot.kind {
        PlotKind::Steps {
            y,
            series,
            band,
            marks,
        } => steps(y, series, *band, marks),
        PlotKind::Gaps { measured, expected } => gaps(measured, expected),
    };
    html! {
        svg.plot xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(plot.title)
            width=(WIDTH) height=(HEIGHT) viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) {
            title { (plot.title) }
            (body)
        }
    }
}

/// A linear scale from `0..=max` onto `lo..=hi` (`hi` may be below `lo`).
struct Scale {
    max: f64,
    lo: f64,
    hi: f64,
}

impl Scale {
    fn at(&self, v: f64) -> f64 {
        self.lo + (v.clamp(0.0, self.max) / self.max) * (self.hi - self.lo)
    }
}

/// Round numbers up to `max`: about five ticks, each 1, 2 or 5 × 10ⁿ.
fn ticks(max: f64) -> Vec<f64> {
    let raw = (max / 5.0).max(f64::MIN_POSITIVE);
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    (0..)
        .map(|i| i as f64 * step)
        .take_while(|v| *v <= max + step * 1e-9)
        .collect()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The axes: x in seconds (labelled as moments) when it is time, y counted
/// or in seconds (`y_ms`).
fn axes(x: Option<&Scale>, y: &Scale, x_name: &str, y_name: &str, y_ms: bool) -> Markup {
    html! {
        line.axis x1=(LEFT) y1=(BOTTOM) x2=(RIGHT) y2=(BOTTOM) {}
        line.axis x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(BOTTOM) {}
        @if let Some(x) = x { @for t in ticks(x.max) {
            line.tick x1=(x.at(t)) y1=(BOTTOM) x2=(x.at(t)) y2=(BOTTOM + 4.0) {}
            text.tick x=(x.at(t)) y=(BOTTOM + 16.0) text-anchor="middle" {
                (time(Duration::from_secs_f64(t)))
            }
        } }
        // Counts tick at whole numbers only.
        @for v in ticks(y.max).into_iter().filter(|v| y_ms || v.fract() == 0.0) {
            line.grid x1=(LEFT) y1=(y.at(v)) x2=(RIGHT) y2=(y.at(v)) {}
            text.tick x=(LEFT - 6.0) y=(y.at(v) + 4.0) text-anchor="end" {
                @if y_ms { (time(Duration::from_secs_f64(v))) } @else { (v) }
            }
        }
        text.axis-name x=(RIGHT) y=(HEIGHT - 8.0) text-anchor="end" { (x_name) }
        text.axis-name x="12" y=((TOP + BOTTOM) / 2.0) text-anchor="middle"
            transform=(format!("rotate(-90 12 {})", (TOP + BOTTOM) / 2.0)) { (y_name) }
    }
}

fn steps(
    y_name: &str,
    series: &[Series],
    band: Option<(f64, f64)>,
    marks: &[(Duration, String)],
) -> Markup {
    let last_at = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(at, _)| secs(*at)))
        .chain(marks.iter().map(|(at, _)| secs(*at)))
        .fold(0.0, f64::max);
    let top = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, v)| *v))
        .chain(band.map(|(_, hi)| hi))
        .fold(1.0, f64::max);
    // A little room after the last change, and above the highest value.
    let x = Scale {
        max: (last_at * 1.08).max(0.01),
        lo: LEFT,
        hi: RIGHT,
    };
    let y = Scale {
        max: (top * 1.15).ceil(),
        lo: BOTTOM,
        hi: TOP,
    };
    html! {
        @if let Some((lo, hi)) = band {
            rect.band x=(LEFT) y=(y.at(hi)) width=(RIGHT - LEFT) height=(y.at(lo) - y.at(hi)) {
                title { (format!("allowed: {lo} to {hi}")) }
            }
            text.band-label x=(RIGHT - 4.0) y=(y.at(hi) - 4.0) text-anchor="end" {
                (format!("allowed: {lo}–{hi}"))
            }
        }
        (axes(Some(&x), &y, "time since the check began", y_name, false))
        @for (i, s) in series.iter().enumerate() {
            polyline class=(format!("series {}", SERIES[i % SERIES.len()]))
                data-series=(s.name) points=(step_points(s, &x, &y)) {
                title { (s.name) }
            }
        }
        @for (at, what) in marks {
            line.mark x1=(x.at(secs(*at))) y1=(TOP) x2=(x.at(secs(*at))) y2=(BOTTOM) {}
            text.mark x=(x.at(secs(*at)) + 4.0) y=(TOP + 12.0) { (what) }
        }
        @if series.len() > 1 {
            @for (i, s) in series.iter().enumerate() {
                rect class=(format!("key {}", SERIES[i % SERIES.len()]))
                    x=(LEFT + i as f64 * 120.0) y=(HEIGHT - 18.0) width="10" height="10" {}
                text.key x=(LEFT + 14.0 + i as f64 * 120.0) y=(HEIGHT - 9.0) { (s.name) }
            }
        }
    }
}

/// "x,y x,y …": a step line holding each value until the next point, and
/// the last to the right edge.
fn step_points(s: &Series, x: &Scale, y: &Scale) -> String {
    let mut out = Vec::new();
    let mut before: Option<f64> = None;
    for (at, v) in &s.points {
        let px = x.at(secs(*at));
        if let Some(prev) = before {
            out.push(format!("{px:.1},{:.1}", y.at(prev)));
        }
        out.push(format!("{px:.1},{:.1}", y.at(*v)));
        before = Some(*v);
    }
    if let Some(v) = before {
        out.push(format!("{RIGHT:.1},{:.1}", y.at(v)));
    }
    out.join(" ")
}

fn gaps(measured: &[Duration], expected: &[(Duration, Duration)]) -> Markup {
    let n = measured.len().max(expected.len()).max(1);
    // The bars set the scale: a generous upper bound would flatten them;
    // a range that goes past the top says how far it goes.
    let top = measured
        .iter()
        .chain(expected.iter().map(|(lo, _)| lo))
        .map(|d| secs(*d))
        .fold(0.001, f64::max)
        * 2.0;
    let y = Scale {
        max: top,
        lo: BOTTOM,
        hi: TOP,
    };
    let slot = (RIGHT - LEFT) / n as f64;
    let bar = (slot * 0.4).min(60.0);
    html! {
        (axes(None, &y, "wait before attempt", "measured wait", true))
        @for i in 0..n {
            @let cx = LEFT + slot * (i as f64 + 0.5);
            @if let Some((lo, hi)) = expected.get(i) {
                rect.band x=(cx - bar) y=(y.at(secs(*hi))) width=(bar * 2.0)
                    height=(y.at(secs(*lo)) - y.at(secs(*hi))) {
                    title { (format!("allowed: {} to {}", time(*lo), time(*hi))) }
                }
                text.band-label x=(cx) y=(y.at(secs(*hi)) + 12.0) text-anchor="middle" {
                    (format!("{}–{}", time(*lo), time(*hi)))
                }
            }
            @if let Some(got) = measured.get(i) {
                @let fits = expected.get(i).is_some_and(|(lo, hi)| got >= lo && got <= hi);
                rect class=(if fits { "bar fits" } else { "bar outside" })
                    x=(cx - bar / 2.0) y=(y.at(secs(*got))) width=(bar)
                    height=(BOTTOM - y.at(secs(*got))) {
                    title { (format!("waited {}", time(*got))) }
                }
                text.value x=(cx) y=(y.at(secs(*got)) - 4.0) text-anchor="middle" { (time(*got)) }
            }
            text.tick x=(cx) y=(BOTTOM + 16.0) text-anchor="middle" { (format!("attempt {}", i + 2)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(10.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.7), [0.0, 0.2, 0.4, 0.6000000000000001]);
    }

    #[test]
    fn steps_draw_the_band_the_series_and_the_marks() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let plot = Plot {
            title: "requests in flight".into(),
            kind: PlotKind::Steps {
                y: "in flight".into(),
                series: vec![Series::counting(
                    "requests",
                    t0,
                    [(t0 + ms(10), 1), (t0 + ms(20), 1), (t0 + ms(300), -2)],
                )],
                band: Some((5.0, 8.0)),
                marks: vec![(ms(200), "deadline".into())],
            },
        };
        let svg = render(&plot).into_string();
        assert!(svg.contains("<rect class=\"band\""), "{svg}");
        assert!(svg.contains("allowed: 5–8"));
        assert!(svg.contains("data-series=\"requests\""));
        assert!(svg.contains(">deadline</text>"));
        assert_eq!(svg.matches("<line").count(), svg.matches("</line>").count());
    }

    #[test]
    fn gaps_mark_a_wait_outside_its_range() {
        let ms = Duration::from_millis;
        let plot = Plot {
            title: "waits".into(),
            kind: PlotKind::Gaps {
                measured: vec![ms(100), ms(5)],
                expected: vec![(ms(80), ms(2200)), (ms(160), ms(2400))],
            },
        };
        let svg = render(&plot).into_string();
        assert_eq!(svg.matches("class=\"bar fits\"").count(), 1, "{svg}");
        assert_eq!(svg.matches("class=\"bar outside\"").count(), 1);
        assert!(svg.contains("attempt 3"));
    }
}
