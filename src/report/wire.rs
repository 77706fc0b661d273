//! What crossed the wire during a check, as data: who said what on which
//! connection, when, and what happened to the connections - enough to draw
//! the conversation as a sequence diagram ([`super::diagram`]) or to list it.
//! And the timing plots a grader attaches to the checks it judges on time.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Who spoke a transcript line, or did what it tells (opened, closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    Netlings,
    Program,
    /// A message broker between them (RabbitMQ): what it sent the program.
    Broker,
    /// Nobody on the wire: a remark of netlings, the check's verdict.
    Event,
}

/// What a transcript line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Bytes on a stream (consecutive chunks in one direction joined).
    Bytes,
    /// One datagram.
    Datagram,
    /// One whole message, described: a frame, a request, a call.
    Message,
    /// A connection (or socket, or stream) opened by `who`.
    Open,
    /// `who` closed it.
    Close,
    /// `who` ended its sending side and still reads (shutdown(Write),
    /// END_STREAM).
    HalfClose,
    /// `who` reset it, or dropped it without a close.
    Reset,
    /// netlings started the program.
    Start,
    /// The program ended by itself.
    Exit,
    /// What netlings does or decides that is not on the wire.
    Note,
    /// The moment the check's verdict was reached.
    Verdict,
}

impl Kind {
    /// A message (bytes, a datagram, a described message): an arrow.
    pub fn is_message(self) -> bool {
        matches!(self, Kind::Bytes | Kind::Datagram | Kind::Message)
    }

    /// Something that happened to a connection: a mark on its lane.
    pub fn is_connection(self) -> bool {
        matches!(
            self,
            Kind::Open | Kind::Close | Kind::HalfClose | Kind::Reset
        )
    }
}

/// One line of a transcript. Serialized (recorded transcripts, for tests
/// and reports) with its moment in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranscriptLine {
    pub who: Who,
    /// Which connection (or socket) carried it, numbered from 1 per grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conn: Option<u32>,
    /// What it was, escaped or described.
    pub text: String,
    pub kind: Kind,
    /// Since the first line the check shows (its start, or the earliest
    /// earlier line it recalls).
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
    /// The bytes it carried, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    /// The first wrong message of a failed check.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wrong: bool,
    /// Recorded during an earlier check: shown because this check judged
    /// what crossed the wire then.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier: bool,
}

impl TranscriptLine {
    /// A line of `kind` at `at`, nothing more known.
    pub fn new(who: Who, conn: Option<u32>, kind: Kind, text: impl Into<String>) -> Self {
        TranscriptLine {
            who,
            conn,
            text: text.into(),
            kind,
            at: Duration::ZERO,
            size: None,
            wrong: false,
            earlier: false,
        }
    }
}

/// A moment as milliseconds (fractional: to the microsecond).
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64((d.as_secs_f64() * 1e6).round() / 1e3)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Ok(Duration::from_secs_f64(ms.max(0.0) / 1e3))
    }
}

/// A timing plot: what a grader measured against the bounds it judged by.
/// Serialized with its moments and spans in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Plot {
    pub title: String,
    pub kind: PlotKind,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotKind {
    /// Counts over time as step lines (requests in flight, tasks done per
    /// worker), with the band of allowed values and marked moments.
    Steps {
        /// What is counted: "requests in flight".
        y: String,
        series: Vec<Series>,
        /// Allowed values, inclusive: (low, high).
        band: Option<(f64, f64)>,
        /// Vertical marks: (when, what), e.g. the deadline.
        #[serde(serialize_with = "ms::marks")]
        marks: Vec<(Duration, String)>,
    },
    /// The waits between attempts against the expected ones: one bar per
    /// wait, with the range it was allowed to fall in.
    Gaps {
        #[serde(serialize_with = "ms::list")]
        measured: Vec<Duration>,
        /// (shortest, longest) allowed, per wait.
        #[serde(serialize_with = "ms::ranges")]
        expected: Vec<(Duration, Duration)>,
    },
}

/// One step line: the value from each point's moment on.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub name: String,
    #[serde(serialize_with = "ms::points")]
    pub points: Vec<(Duration, f64)>,
}

impl Series {
    /// A count that changes by `+n`/`-n` at moments after `origin`: the
    /// value starts at 0 and steps at each change, in order of time.
    pub fn counting(
        name: impl Into<String>,
        origin: Instant,
        changes: impl IntoIterator<Item = (Instant, i64)>,
    ) -> Series {
        let mut changes: Vec<(Instant, i64)> = changes.into_iter().collect();
        changes.sort_by_key(|(at, _)| *at);
        let mut value = 0i64;
        let mut points = vec![(Duration::ZERO, 0.0)];
        for (at, by) in changes {
            value += by;
            let at = at.saturating_duration_since(origin);
            // Changes at one moment make one step.
            match points.last_mut() {
                Some(last) if last.0 == at => last.1 = value as f64,
                _ => points.push((at, value as f64)),
            }
        }
        Series {
            name: name.into(),
            points,
        }
    }
}

/// Moments and spans as milliseconds (fractional: to the microsecond).
mod ms {
    use std::time::Duration;

    use serde::Serializer;

    fn of(d: &Duration) -> f64 {
        (d.as_secs_f64() * 1e6).round() / 1e3
    }

    pub fn list<S: Serializer>(v: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(of))
    }

    pub fn ranges<S: Serializer>(v: &[(Duration, Duration)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(lo, hi)| (of(lo), of(hi))))
    }

    pub fn points<S: Serializer>(v: &[(Duration, f64)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(at, y)| (of(at), *y)))
    }

    pub fn marks<S: Serializer>(v: &[(Duration, String)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|(at, what)| (of(at), what)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_steps_at_each_change_and_serializes_in_milliseconds() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let s = Series::counting(
            "in flight",
            t0,
            [
                (t0 + ms(5), 1),
                (t0 + ms(1), 1),
                (t0 + ms(5), -1),
                (t0 + ms(9), -1),
            ],
        );
        assert_eq!(
            s.points,
            [(ms(0), 0.0), (ms(1), 1.0), (ms(5), 1.0), (ms(9), 0.0)]
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["points"][1], serde_json::json!([1.0, 1.0]));
    }
}
