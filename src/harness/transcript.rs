//! What crossed the wire during a check, prefixed by who spoke.
//!
//! Peers record every byte they send and receive; consecutive chunks in the
//! same direction on the same connection are joined, so the transcript reads
//! as the conversation, not as the kernel happened to split it.

use std::sync::{Arc, Mutex};

use crate::report::{TranscriptLine, Who, escape_abridged};

/// Bytes kept per transcript line (the rest is counted, not kept).
const KEEP_PER_LINE: usize = 160;
/// Lines kept per check; a flood of tiny messages stops being recorded.
const MAX_LINES: usize = 400;

#[derive(Debug)]
enum Entry {
    Data {
        who: Who,
        conn: u32,
        kept: Vec<u8>,
        total: usize,
    },
    Event {
        conn: Option<u32>,
        text: String,
    },
    Said {
        who: Who,
        conn: Option<u32>,
        text: String,
    },
}

#[derive(Debug, Default)]
struct Inner {
    entries: Vec<Entry>,
    dropped: usize,
    next_conn: u32,
}

/// Shared by every peer of one grade; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Transcript(Arc<Mutex<Inner>>);

impl Transcript {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A fresh connection number, for telling connections apart.
    pub fn new_conn(&self) -> u32 {
        let mut inner = self.inner();
        inner.next_conn += 1;
        inner.next_conn
    }

    pub fn sent(&self, conn: u32, bytes: &[u8]) {
        self.data(Who::Netlings, conn, bytes, true);
    }

    pub fn received(&self, conn: u32, bytes: &[u8]) {
        self.data(Who::Program, conn, bytes, true);
    }

    /// A datagram: its own line, never joined with its neighbours.
    pub fn datagram(&self, who: Who, socket: u32, bytes: &[u8]) {
        self.data(who, socket, bytes, false);
    }

    fn data(&self, who: Who, conn: u32, bytes: &[u8], join: bool) {
        if bytes.is_empty() && join {
            return;
        }
        let mut inner = self.inner();
        if join
            && let Some(Entry::Data {
                who: w,
                conn: c,
                kept,
                total,
            }) = inner.entries.last_mut()
            && *w == who
            && *c == conn
        {
            let room = KEEP_PER_LINE.saturating_sub(kept.len());
            kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
            *total += bytes.len();
            return;
        }
        if inner.entries.len() >= MAX_LINES {
            inner.dropped += 1;
            return;
        }
        inner.entries.push(Entry::Data {
            who,
            conn,
            kept: bytes[..KEEP_PER_LINE.min(bytes.len())].to_vec(),
            total: bytes.len(),
        });
    }

    /// A whole message someone sent, described (a WebSocket frame, an HTTP
    /// request): its own line, never joined.
    pub fn said(&self, who: Who, conn: Option<u32>, text: impl Into<String>) {
        let mut inner = self.inner();
        if inner.entries.len() >= MAX_LINES {
            inner.dropped += 1;
            return;
        }
        inner.entries.push(Entry::Said {
            who,
            conn,
            text: text.into(),
        });
    }

    /// Something that is not bytes: a connect, a half-close, an exit.
    pub fn event(&self, conn: Option<u32>, text: impl Into<String>) {
        let mut inner = self.inner();
        if inner.entries.len() >= MAX_LINES {
            inner.dropped += 1;
            return;
        }
        inner.entries.push(Entry::Event {
            conn,
            text: text.into(),
        });
    }

    /// Takes the lines recorded so far (one check's worth) and starts afresh.
    pub fn take(&self) -> Vec<TranscriptLine> {
        let mut inner = self.inner();
        let entries = std::mem::take(&mut inner.entries);
        let dropped = std::mem::take(&mut inner.dropped);
        let mut lines: Vec<TranscriptLine> = entries
            .into_iter()
            .map(|e| match e {
                Entry::Data {
                    who,
                    conn,
                    kept,
                    total,
                } => TranscriptLine {
                    who,
                    conn: Some(conn),
                    text: if total > kept.len() {
                        format!(
                            "{}… ({total} bytes in all)",
                            escape_abridged(&kept, KEEP_PER_LINE).trim_end_matches('…')
                        )
                    } else {
                        escape_abridged(&kept, KEEP_PER_LINE)
                    },
                },
                Entry::Event { conn, text } => TranscriptLine {
                    who: Who::Event,
                    conn,
                    text,
                },
                Entry::Said { who, conn, text } => TranscriptLine { who, conn, text },
            })
            .collect();
        if dropped > 0 {
            lines.push(TranscriptLine {
                who: Who::Event,
                conn: None,
                text: format!("… {dropped} more exchanges not recorded"),
            });
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
