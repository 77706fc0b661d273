//! A check's conversation as a sequence diagram: one lane per party
//! (netlings, each of its connections when there are a few, the broker,
//! your program), one row per message or event, at its time. This module
//! lays it out; [`text`] draws it in a terminal, [`svg`] for `--report`.
//!
//! The layout decides nothing about the verdict: which line was wrong,
//! which were recalled from earlier checks, is in the transcript.

pub mod svg;
pub mod text;

use std::time::Duration;

use super::{Kind, TranscriptLine, Who};

/// A silence at least this long between two rows is drawn as a gap.
pub const SILENCE: Duration = Duration::from_secs(1);

/// A party with a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// netlings as a whole (its connections share this lane).
    Netlings,
    /// netlings' side of one connection (or socket).
    Conn(u32),
    Broker,
    Program,
}

#[derive(Debug, Clone)]
pub struct Lane {
    pub party: Party,
    /// "netlings", "#2", "broker", "your program".
    pub name: String,
}

impl Lane {
    /// Whether this lane sits close to the one before it: netlings'
    /// connections are drawn as a group beside netlings.
    fn near(previous: &Lane, lane: &Lane) -> bool {
        matches!(previous.party, Party::Netlings | Party::Conn(_))
            && matches!(lane.party, Party::Conn(_))
    }

    /// Where each lane goes, from `first` on: `near` after the lane
    /// before it when it sits close to it, else `across` (columns in the
    /// terminal, pixels in SVG).
    pub fn positions<T: Copy + std::ops::AddAssign>(
        lanes: &[Lane],
        first: T,
        near: T,
        across: T,
    ) -> Vec<T> {
        let mut x = first;
        let mut xs = Vec::with_capacity(lanes.len());
        for (i, lane) in lanes.iter().enumerate() {
            if i > 0 {
                x += if Lane::near(&lanes[i - 1], lane) {
                    near
                } else {
                    across
                };
            }
            xs.push(x);
        }
        xs
    }
}

/// What a row draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A message from lane `from` to lane `to`.
    Arrow { from: usize, to: usize },
    /// Something done to a connection by the party on `from`, seen by `to`:
    /// open, close, half-close, reset (`kind` says which).
    Mark { from: usize, to: usize },
    /// Something on one lane only: the program started or exited.
    Point { lane: usize },
    /// A remark, on no lane (or with a dot on `lane`).
    Note { lane: Option<usize> },
    /// A silence: nothing happened for `Row::gap`.
    Gap,
    /// The verdict.
    Verdict,
    /// Where the lines of earlier checks end and this check's begin
    /// (`earlier`: the heading of the earlier ones).
    Divider,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub shape: Shape,
    pub kind: Kind,
    pub who: Who,
    pub at: Duration,
    /// The text, with the connection's number when its lane is shared.
    pub label: String,
    pub size: Option<usize>,
    pub wrong: bool,
    pub earlier: bool,
    /// For a gap: how long nothing happened.
    pub gap: Duration,
}

impl Row {
    fn bare(shape: Shape, at: Duration, label: impl Into<String>) -> Row {
        Row {
            shape,
            kind: Kind::Note,
            who: Who::Event,
            at,
            label: label.into(),
            size: None,
            wrong: false,
            earlier: false,
            gap: Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Diagram {
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    /// Lines under the diagram: what a merged lane holds.
    pub legend: Vec<String>,
}

impl Diagram {
    /// Lays out `lines`, giving each connection of netlings a lane of its
    /// own when there are at most `max_conn_lanes` of them (else they share
    /// netlings' lane, and each row names its connection).
    pub fn of(lines: &[TranscriptLine], max_conn_lanes: usize) -> Diagram {
        let broker_conns: Vec<u32> = distinct(
            lines
                .iter()
                .filter(|l| l.who == Who::Broker)
                .filter_map(|l| l.conn),
        );
        let all_conns = distinct(lines.iter().filter_map(|l| l.conn));
        let netlings_conns: Vec<u32> = all_conns
            .iter()
            .copied()
            .filter(|c| !broker_conns.contains(c))
            .collect();
        let own_lanes = (2..=max_conn_lanes).contains(&netlings_conns.len());
        let has_broker = !broker_conns.is_empty();
        // A shared netlings lane: for merged connections, and for messages
        // on no connection.
        let needs_netlings = !own_lanes
            || lines
                .iter()
                .any(|l| l.kind.is_message() && l.conn.is_none() && l.who != Who::Broker)
            || has_broker;
        let mut lanes = Vec::new();
        if needs_netlings {
            lanes.push(Lane {
                party: Party::Netlings,
                name: "netlings".into(),
            });
        }
        if own_lanes {
            lanes.extend(netlings_conns.iter().map(|c| Lane {
                party: Party::Conn(*c),
                name: format!("#{c}"),
            }));
        }
        if has_broker {
            lanes.push(Lane {
                party: Party::Broker,
                name: "broker".into(),
            });
        }
        lanes.push(Lane {
            party: Party::Program,
            name: "your program".into(),
        });
        let index = |p: Party| lanes.iter().position(|l| l.party == p);
        let program = lanes.len() - 1;
        let netlings_side = |conn: Option<u32>| -> usize {
            match conn {
                Some(c) if broker_conns.contains(&c) => index(Party::Broker),
                Some(c) => index(Party::Conn(c)).or(index(Party::Netlings)),
                None if has_broker => index(Party::Netlings),
                None => index(Party::Netlings),
            }
            .unwrap_or(0)
        };
        // Connection numbers are told in the label when lanes are shared.
        let tag_conns = all_conns.len() > 1;
        let mut rows = Vec::new();
        let mut last_at: Option<Duration> = None;
        let mut in_earlier = false;
        for line in lines {
            if line.earlier && !in_earlier {
                rows.push(Row::bare(Shape::Divider, line.at, "during earlier checks"));
                in_earlier = true;
            } else if !line.earlier && in_earlier {
                rows.push(Row::bare(Shape::Divider, line.at, "during this check"));
                in_earlier = false;
                last_at = None;
            }
            if let Some(before) = last_at {
                let gap = line.at.saturating_sub(before);
                if gap >= SILENCE {
                    let mut row = Row::bare(Shape::Gap, before, silence(gap));
                    row.gap = gap;
                    row.earlier = line.earlier;
                    rows.push(row);
                }
            }
            last_at = Some(line.at);
            let other = netlings_side(line.conn);
            let has_own_lane = line.conn.is_some_and(|c| index(Party::Conn(c)).is_some());
            let shape = match line.kind {
                Kind::Bytes
                | Kind::Datagram
                | Kind::Message
                | Kind::Open
                | Kind::Close
                | Kind::HalfClose
                | Kind::Reset => {
                    let (from, to) = match line.who {
                        Who::Program => (program, other),
                        Who::Broker if line.conn.is_none() => (other, program),
                        Who::Netlings if line.conn.is_none() && has_broker => {
                            (netlings_side(None), index(Party::Broker).unwrap_or(program))
                        }
                        _ => (other, program),
                    };
                    if line.kind.is_message() {
                        Shape::Arrow { from, to }
                    } else {
                        Shape::Mark { from, to }
                    }
                }
                Kind::Start | Kind::Exit => Shape::Point { lane: program },
                Kind::Note => Shape::Note {
                    lane: line.conn.map(|_| other),
                },
                Kind::Verdict => Shape::Verdict,
            };
            let label = match line.conn {
                Some(c) if tag_conns && !has_own_lane && line.kind != Kind::Note => {
                    format!("#{c} {}", line.text)
                }
                _ => line.text.clone(),
            };
            rows.push(Row {
                shape,
                kind: line.kind,
                who: line.who,
                at: line.at,
                label,
                size: line.size,
                wrong: line.wrong,
                earlier: line.earlier,
                gap: Duration::ZERO,
            });
        }
        let mut legend = Vec::new();
        if !own_lanes && netlings_conns.len() > 1 {
            legend.push(format!(
                "connections {} share netlings' lane: each row names its own",
                span(&netlings_conns)
            ));
        }
        if has_broker && broker_conns.len() > 1 {
            legend.push(format!(
                "your program's connections {} to the broker share its lane",
                span(&broker_conns)
            ));
        }
        Diagram {
            lanes,
            rows,
            legend,
        }
    }
}

fn distinct(it: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for c in it {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// "#1–#30", or "#1, #4" for two.
fn span(conns: &[u32]) -> String {
    let (lo, hi) = (
        conns.iter().min().copied().unwrap_or(0),
        conns.iter().max().copied().unwrap_or(0),
    );
    if conns.len() == 2 {
        format!("#{lo} and #{hi}")
    } else {
        format!("#{lo}–#{hi}")
    }
}

/// "2.0 s: nothing".
pub fn silence(gap: Duration) -> String {
    format!("{:.1} s: nothing", gap.as_secs_f64())
}

/// A moment or a span, short: "0 ms", "12 ms", "1.23 s", "12.3 s".
pub fn time(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{} ms", ms.floor() as u64)
    } else if ms < 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A size, short: "6 B", "64 KiB", "1.5 MiB".
pub fn size(n: usize) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if n < 1024 {
        format!("{n} B")
    } else if f < KIB * KIB {
        trim_point(f / KIB, "KiB")
    } else {
        trim_point(f / KIB / KIB, "MiB")
    }
}

fn trim_point(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{} {unit}", v.round() as u64)
    } else {
        format!("{v:.1} {unit}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn line(
        who: Who,
        conn: Option<u32>,
        kind: Kind,
        text: &str,
        ms: u64,
    ) -> TranscriptLine {
        TranscriptLine {
            at: Duration::from_millis(ms),
            ..TranscriptLine::new(who, conn, kind, text)
        }
    }

    #[test]
    fn connections_get_lanes_of_their_own_when_few() {
        let lines = [
            line(Who::Netlings, Some(1), Kind::Bytes, "a", 0),
            line(Who::Netlings, Some(2), Kind::Bytes, "b", 1),
            line(Who::Program, Some(2), Kind::Bytes, "c", 2),
        ];
        let d = Diagram::of(&lines, 4);
        let names: Vec<&str> = d.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["#1", "#2", "your program"]);
        assert_eq!(d.rows[2].shape, Shape::Arrow { from: 2, to: 1 });
        assert_eq!(d.rows[2].label, "c");
        let merged = Diagram::of(&lines, 1);
        let names: Vec<&str> = merged.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["netlings", "your program"]);
        assert_eq!(merged.rows[2].label, "#2 c");
        assert_eq!(merged.legend.len(), 1);
    }

    #[test]
    fn silences_become_gaps() {
        let lines = [
            line(Who::Netlings, Some(1), Kind::Bytes, "a", 0),
            line(Who::Event, None, Kind::Verdict, "the check timed out", 5000),
        ];
        let d = Diagram::of(&lines, 4);
        assert_eq!(d.rows[1].shape, Shape::Gap);
        assert_eq!(d.rows[1].label, "5.0 s: nothing");
    }

    #[test]
    fn the_broker_sits_between() {
        let lines = [
            line(Who::Program, Some(3), Kind::Message, "basic.publish", 0),
            line(Who::Broker, Some(3), Kind::Message, "basic.ack", 1),
            line(Who::Netlings, None, Kind::Message, "queue.declare", 2),
        ];
        let d = Diagram::of(&lines, 4);
        let names: Vec<&str> = d.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["netlings", "broker", "your program"]);
        assert_eq!(d.rows[0].shape, Shape::Arrow { from: 2, to: 1 });
        assert_eq!(d.rows[1].shape, Shape::Arrow { from: 1, to: 2 });
        assert_eq!(d.rows[2].shape, Shape::Arrow { from: 0, to: 1 });
    }

    #[test]
    fn short_numbers() {
        assert_eq!(time(Duration::from_micros(12_700)), "12 ms");
        assert_eq!(time(Duration::from_millis(2000)), "2.00 s");
        assert_eq!(time(Duration::from_millis(12_340)), "12.3 s");
        assert_eq!(size(6), "6 B");
        assert_eq!(size(1 << 20), "1 MiB");
        assert_eq!(size(1536), "1.5 KiB");
    }
}
