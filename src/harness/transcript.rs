//! What crossed the wire during a check: who said what, on which
//! connection, when; and what happened to the connections (opened, closed,
//! half-closed, reset) and to the program (started, exited).
//!
//! Peers record every byte they send and receive; consecutive chunks in the
//! same direction on the same connection are joined, so the transcript reads
//! as the conversation, not as the kernel happened to split it. Every entry
//! keeps its moment, so the conversation can be drawn on a time line.
//!
//! A check takes its own entries when it ends. A failed check that judged
//! what crossed the wire during earlier checks (its own entries hold no
//! message) shows those earlier entries too, marked as earlier: a verdict
//! always comes with the conversation it was reached from.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::report::{Kind, TranscriptLine, Who, escape_abridged};

/// Bytes kept per transcript line (the rest is counted, not kept).
const KEEP_PER_LINE: usize = 160;
/// Lines kept per check; a flood of tiny messages stops being recorded.
const MAX_LINES: usize = 400;
/// Lines of earlier checks kept, to show with a check judged from them.
const EARLIER_LINES: usize = 200;

#[derive(Debug)]
struct Entry {
    at: Instant,
    who: Who,
    conn: Option<u32>,
    kind: Kind,
    what: What,
    wrong: bool,
}

#[derive(Debug)]
enum What {
    /// Raw bytes: `total` of them, the first `kept` kept; a datagram's
    /// `peer`.
    Bytes {
        kept: Vec<u8>,
        total: usize,
        peer: Option<String>,
    },
    /// Described, with the size of what it describes where known.
    Text { text: String, size: Option<usize> },
}

#[derive(Debug, Default)]
struct Inner {
    entries: Vec<Entry>,
    dropped: usize,
    next_conn: u32,
    /// When the current check began.
    began: Option<Instant>,
    /// The lines of earlier checks, oldest first, each with its moment.
    earlier: VecDeque<(Instant, TranscriptLine)>,
    /// Told every line as it is recorded (`netlings peer` prints them).
    live: Option<Live>,
    /// The last line grew by more chunks since it was told.
    live_joined: bool,
}

/// Where a transcript's lines go as they are recorded.
pub type Sink = Arc<dyn Fn(&TranscriptLine) + Send + Sync>;

struct Live(Sink);

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Live")
    }
}

/// Shared by every peer of one grade; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Transcript(Arc<Mutex<Inner>>);

impl Transcript {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tells `sink` every line from now on, as it is recorded (each chunk
    /// of bytes on its own, before they are joined).
    pub fn live(&self, sink: Sink) {
        self.inner().live = Some(Live(sink));
    }

    /// A fresh connection number, for telling connections apart.
    pub fn new_conn(&self) -> u32 {
        let mut inner = self.inner();
        inner.next_conn += 1;
        inner.next_conn
    }

    pub fn sent(&self, conn: u32, bytes: &[u8]) {
        self.data(Who::Netlings, conn, bytes, None);
    }

    pub fn received(&self, conn: u32, bytes: &[u8]) {
        self.data(Who::Program, conn, bytes, None);
    }

    /// A datagram: its own line, never joined with its neighbours; `peer`
    /// says where it went or came from: `to 127.0.0.1:4000`.
    pub fn datagram(&self, who: Who, socket: u32, bytes: &[u8], peer: &str) {
        self.data(who, socket, bytes, Some(peer));
    }

    fn data(&self, who: Who, conn: u32, bytes: &[u8], datagram: Option<&str>) {
        let join = datagram.is_none();
        if bytes.is_empty() && join {
            return;
        }
        let mut inner = self.inner();
        if join
            && let Some(Entry {
                who: w,
                conn: Some(c),
                kind: Kind::Bytes,
                what: What::Bytes { kept, total, .. },
                ..
            }) = inner.entries.last_mut()
            && *w == who
            && *c == conn
        {
            let room = KEEP_PER_LINE.saturating_sub(kept.len());
            kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
            *total += bytes.len();
            // Live, a run of chunks is told once, with its size when it ends.
            inner.live_joined = inner.live.is_some();
            return;
        }
        let what = What::Bytes {
            kept: bytes[..KEEP_PER_LINE.min(bytes.len())].to_vec(),
            total: bytes.len(),
            peer: datagram.map(str::to_string),
        };
        let kind = if join { Kind::Bytes } else { Kind::Datagram };
        push(&mut inner, Instant::now(), who, Some(conn), kind, what);
    }

    /// A whole message someone sent, described (a WebSocket frame, an HTTP
    /// request): its own line, never joined.
    pub fn said(&self, who: Who, conn: Option<u32>, text: impl Into<String>) {
        self.record(Instant::now(), who, conn, Kind::Message, text, None);
    }

    /// [`said`](Transcript::said), with the size of the message in bytes.
    pub fn said_sized(&self, who: Who, conn: Option<u32>, text: impl Into<String>, size: usize) {
        self.record(Instant::now(), who, conn, Kind::Message, text, Some(size));
    }

    /// A message said at `at` (told again now, for a check judging what a
    /// server recorded; or recorded once whole), shown at its own moment;
    /// `size`: its bytes, where known.
    pub fn said_at(
        &self,
        at: Instant,
        who: Who,
        conn: Option<u32>,
        text: impl Into<String>,
        size: Option<usize>,
    ) {
        self.record(at, who, conn, Kind::Message, text, size);
    }

    /// Something netlings does or decides that is not on the wire.
    pub fn event(&self, conn: Option<u32>, text: impl Into<String>) {
        self.record(Instant::now(), Who::Event, conn, Kind::Note, text, None);
    }

    /// `by` opened connection (or socket, or stream) `conn`.
    pub fn opened(&self, conn: u32, by: Who, text: impl Into<String>) {
        self.record(Instant::now(), by, Some(conn), Kind::Open, text, None);
    }

    /// `by` closed `conn`.
    pub fn closed(&self, conn: u32, by: Who, text: impl Into<String>) {
        self.record(Instant::now(), by, Some(conn), Kind::Close, text, None);
    }

    /// `by` ended its sending side of `conn` and still reads.
    pub fn half_closed(&self, conn: u32, by: Who, text: impl Into<String>) {
        self.record(Instant::now(), by, Some(conn), Kind::HalfClose, text, None);
    }

    /// `by` reset `conn` (or dropped it without a close).
    pub fn reset(&self, conn: u32, by: Who, text: impl Into<String>) {
        self.record(Instant::now(), by, Some(conn), Kind::Reset, text, None);
    }

    /// netlings started the program.
    pub(crate) fn started(&self, text: impl Into<String>) {
        self.record(Instant::now(), Who::Netlings, None, Kind::Start, text, None);
    }

    /// The program ended by itself, at `at`.
    pub(crate) fn exited(&self, at: Instant, text: impl Into<String>) {
        self.record(at, Who::Program, None, Kind::Exit, text, None);
    }

    /// Marks the line recorded last as the first wrong message of the
    /// check (when a peer knows better than the harness's guess: the last
    /// thing the program did).
    pub fn mark_wrong(&self) {
        if let Some(last) = self.inner().entries.last_mut() {
            last.wrong = true;
        }
    }

    /// Any line, at `at`: for a peer that tells again what it recorded
    /// itself, each thing at its own moment.
    pub fn record(
        &self,
        at: Instant,
        who: Who,
        conn: Option<u32>,
        kind: Kind,
        text: impl Into<String>,
        size: Option<usize>,
    ) {
        let what = What::Text {
            text: text.into(),
            size,
        };
        push(&mut self.inner(), at, who, conn, kind, what);
    }

    /// A check begins: its lines are timed from now.
    pub(crate) fn begin(&self) {
        let mut inner = self.inner();
        inner.began = Some(Instant::now());
    }

    /// The lines of a passed check, and starts afresh.
    pub fn take(&self) -> Vec<TranscriptLine> {
        self.finish(None)
    }

    /// The lines of the check that just ended, and starts afresh. When it
    /// failed (`verdict`: what to call its end), the line that went wrong
    /// is marked - the one a peer marked, or else the last thing the
    /// program did - and the moment of the verdict ends the lines; a failed
    /// check with no message of its own shows those of earlier checks.
    pub(crate) fn finish(&self, verdict: Option<Failed>) -> Vec<TranscriptLine> {
        let now = Instant::now();
        let mut inner = self.inner();
        tell_joined(&mut inner);
        let mut entries = std::mem::take(&mut inner.entries);
        let dropped = std::mem::take(&mut inner.dropped);
        let began = inner.began.take().unwrap_or(now);
        entries.sort_by_key(|e| e.at);
        if let Some(v) = &verdict
            && v.guess_wrong
            && !entries.iter().any(|e| e.wrong)
            && let Some(last) = entries.iter_mut().rev().find(|e| {
                e.who == Who::Program
                    && (e.kind.is_message() || e.kind.is_connection() || e.kind == Kind::Exit)
            })
        {
            last.wrong = true;
        }
        let mut lines: Vec<(Instant, TranscriptLine)> =
            entries.into_iter().map(|e| (e.at, line_of(e))).collect();
        if dropped > 0 {
            let mut line = TranscriptLine::new(
                Who::Event,
                None,
                Kind::Note,
                format!("… {dropped} more exchanges not recorded"),
            );
            line.at = Duration::ZERO;
            lines.push((lines.last().map_or(now, |l| l.0), line));
        }
        let own_messages = lines.iter().any(|(_, l)| l.kind.is_message());
        let recalled: Vec<(Instant, TranscriptLine)> = if verdict.is_some() && !own_messages {
            inner
                .earlier
                .iter()
                .filter(|(_, l)| l.kind != Kind::Verdict)
                .cloned()
                .map(|(at, mut l)| {
                    l.earlier = true;
                    l.wrong = false;
                    (at, l)
                })
                .collect()
        } else {
            Vec::new()
        };
        for (at, line) in &lines {
            if inner.earlier.len() >= EARLIER_LINES {
                inner.earlier.pop_front();
            }
            inner.earlier.push_back((*at, line.clone()));
        }
        if let Some(v) = verdict {
            lines.push((
                v.at.max(lines.last().map_or(v.at, |l| l.0)),
                TranscriptLine::new(Who::Event, None, Kind::Verdict, v.text),
            ));
        }
        let mut all = recalled;
        all.extend(lines);
        let origin = all
            .iter()
            .map(|(at, _)| *at)
            .min()
            .unwrap_or(began)
            .min(began);
        all.into_iter()
            .map(|(at, mut line)| {
                line.at = at.saturating_duration_since(origin);
                line
            })
            .collect()
    }
}

/// How a failed check ended, for its transcript.
pub(crate) struct Failed {
    /// "the check failed", "no verdict in time".
    pub text: String,
    /// Mark the last thing the program did as the first wrong one (when
    /// no peer marked a line): for a failure, not a timeout.
    pub guess_wrong: bool,
    /// When the verdict was reached.
    pub at: Instant,
}

fn push(inner: &mut Inner, at: Instant, who: Who, conn: Option<u32>, kind: Kind, what: What) {
    tell_joined(inner);
    if inner.live.is_some() {
        let copy = match &what {
            What::Bytes { kept, total, peer } => What::Bytes {
                kept: kept.clone(),
                total: *total,
                peer: peer.clone(),
            },
            What::Text { text, size } => What::Text {
                text: text.clone(),
                size: *size,
            },
        };
        tell(
            inner,
            Entry {
                at,
                who,
                conn,
                kind,
                what: copy,
                wrong: false,
            },
        );
    }
    if inner.entries.len() >= MAX_LINES {
        inner.dropped += 1;
        return;
    }
    inner.entries.push(Entry {
        at,
        who,
        conn,
        kind,
        what,
        wrong: false,
    });
}

/// Tells the live sink the size of the run of chunks it was told the
/// first of, once the run has ended.
fn tell_joined(inner: &mut Inner) {
    if !std::mem::take(&mut inner.live_joined) {
        return;
    }
    let Some(Entry {
        who,
        conn,
        what: What::Bytes { total, .. },
        ..
    }) = inner.entries.last()
    else {
        return;
    };
    let line = Entry {
        at: Instant::now(),
        who: *who,
        conn: *conn,
        kind: Kind::Bytes,
        what: What::Text {
            text: format!("… {total} bytes in all"),
            size: Some(*total),
        },
        wrong: false,
    };
    tell(inner, line);
}

/// Tells the live sink one line, timed from the start of its check.
fn tell(inner: &Inner, e: Entry) {
    let Some(Live(sink)) = &inner.live else {
        return;
    };
    let at = inner
        .began
        .map_or(Duration::ZERO, |b| e.at.saturating_duration_since(b));
    let mut line = line_of(e);
    line.at = at;
    sink(&line);
}

fn line_of(e: Entry) -> TranscriptLine {
    let (text, size) = match e.what {
        What::Bytes { kept, total, peer } => {
            let mut text = if total > kept.len() {
                format!(
                    "{}… ({total} bytes in all)",
                    escape_abridged(&kept, KEEP_PER_LINE).trim_end_matches('…')
                )
            } else {
                escape_abridged(&kept, KEEP_PER_LINE)
            };
            if let Some(peer) = peer {
                text = format!("{text} ({peer})");
            }
            (text, Some(total))
        }
        What::Text { text, size } => (text, size),
    };
    TranscriptLine {
        size,
        wrong: e.wrong,
        ..TranscriptLine::new(e.who, e.conn, e.kind, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed() -> Option<Failed> {
        Some(Failed {
            text: "the check failed".into(),
            guess_wrong: true,
            at: Instant::now(),
        })
    }

    #[test]
    fn joins_chunks_in_one_direction() {
        let t = Transcript::default();
        let c = t.new_conn();
        t.sent(c, b"he");
        t.sent(c, b"llo\n");
        t.received(c, b"hello\n");
        let lines = t.take();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "\"hello\\n\"");
        assert_eq!(lines[0].size, Some(6));
        assert_eq!(lines[1].who, Who::Program);
        assert!(t.take().is_empty());
    }

    #[test]
    fn abridges_big_payloads() {
        let t = Transcript::default();
        let c = t.new_conn();
        t.sent(c, &vec![b'x'; 100_000]);
        let lines = t.take();
        assert!(
            lines[0].text.ends_with("(100000 bytes in all)"),
            "{}",
            lines[0].text
        );
        assert_eq!(lines[0].size, Some(100_000));
    }

    #[test]
    fn times_lines_from_the_check_start() {
        let t = Transcript::default();
        t.begin();
        let c = t.new_conn();
        let before = Instant::now() - Duration::from_millis(300);
        t.said_at(before, Who::Program, Some(c), "GET / HTTP/1.1", None);
        t.closed(c, Who::Program, "your program closed the connection");
        let lines = t.take();
        assert_eq!(
            lines[0].at,
            Duration::ZERO,
            "the earliest line is the origin"
        );
        assert!(
            lines[1].at >= Duration::from_millis(300),
            "{:?}",
            lines[1].at
        );
        assert_eq!(lines[1].kind, Kind::Close);
    }

    #[test]
    fn a_failed_check_marks_the_last_thing_the_program_did() {
        let t = Transcript::default();
        t.begin();
        let c = t.new_conn();
        t.sent(c, b"ADD 1 2\n");
        t.received(c, b"4\n");
        t.event(Some(c), "netlings waits");
        let lines = t.finish(failed());
        let wrong: Vec<&str> = lines
            .iter()
            .filter(|l| l.wrong)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(wrong, ["\"4\\n\""]);
        assert_eq!(lines.last().unwrap().kind, Kind::Verdict);
    }

    #[test]
    fn a_peer_marks_the_wrong_line_itself() {
        let t = Transcript::default();
        let c = t.new_conn();
        t.received(c, b"first\n");
        t.mark_wrong();
        t.received(c, b"x");
        t.sent(c, b"y");
        let lines = t.finish(failed());
        assert!(lines[0].wrong);
        assert_eq!(lines.iter().filter(|l| l.wrong).count(), 1);
    }

    #[test]
    fn a_failed_check_without_messages_recalls_earlier_ones() {
        let t = Transcript::default();
        t.begin();
        let c = t.new_conn();
        t.sent(c, b"ping");
        t.received(c, b"pong");
        assert_eq!(t.take().len(), 2);
        t.begin();
        t.event(None, "netlings counts");
        let lines = t.finish(Some(Failed {
            text: "the check failed".into(),
            guess_wrong: false,
            at: Instant::now(),
        }));
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].earlier && lines[1].earlier);
        assert!(!lines[2].earlier);
        assert!(lines.iter().all(|l| !l.wrong));
        // A failed check with messages of its own shows only those.
        t.begin();
        t.sent(c, b"again");
        assert_eq!(t.finish(failed()).len(), 2);
    }
}
