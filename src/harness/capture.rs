//! One output stream of a program, kept with a cap: its head and its
//! tail, and how much was written in all.

use std::sync::{Arc, Mutex};

/// How much of each output stream is kept from the start…
const KEEP_HEAD: usize = 1024 * 1024;
/// …and from the end, so a panic after a lot of output is still seen.
const KEEP_TAIL: usize = 16 * 1024;
/// More output than this is a flood: the program is stopped.
pub const FLOOD_LIMIT: usize = 16 * 1024 * 1024;
/// One output stream, kept with a cap.
#[derive(Debug)]
pub struct Captured {
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Every byte the program wrote, kept or not.
    pub total: usize,
    /// The stream passed [`FLOOD_LIMIT`] and the program was stopped.
    pub flooded: bool,
    /// The pipe's file descriptor while it is open (-1 after), to ask the
    /// kernel whether bytes are still waiting to be read.
    pub(super) fd: i32,
}

impl Default for Captured {
    fn default() -> Captured {
        Captured {
            head: Vec::new(),
            tail: Vec::new(),
            total: 0,
            flooded: false,
            fd: -1,
        }
    }
}

impl Captured {
    pub(super) fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len();
        let room = KEEP_HEAD.saturating_sub(self.head.len());
        let (to_head, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(to_head);
        if !rest.is_empty() {
            self.tail.extend_from_slice(rest);
            if self.tail.len() > 2 * KEEP_TAIL {
                self.tail.drain(..self.tail.len() - KEEP_TAIL);
            }
        }
    }

    /// Everything kept, with a marker where bytes were dropped.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = self.head.clone();
        if self.total > self.head.len() {
            let tail_start = self.tail.len().saturating_sub(KEEP_TAIL);
            let kept_tail = &self.tail[tail_start..];
            let dropped = self.total - self.head.len() - kept_tail.len();
            if dropped > 0 {
                out.extend_from_slice(format!("\n[… {dropped} bytes not kept …]\n").as_bytes());
            }
            out.extend_from_slice(kept_tail);
        }
        out
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }
}

pub type Capture = Arc<Mutex<Captured>>;

pub(super) fn lock(c: &Capture) -> std::sync::MutexGuard<'_, Captured> {
    c.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_keeps_head_and_tail() {
        let mut c = Captured::default();
        c.push(&vec![b'a'; KEEP_HEAD]);
        c.push(&vec![b'b'; 3 * KEEP_TAIL]);
        c.push(b"the end");
        let bytes = c.bytes();
        assert!(bytes.ends_with(b"the end"));
        assert!(bytes.len() < KEEP_HEAD + 2 * KEEP_TAIL);
        assert_eq!(c.total, KEEP_HEAD + 3 * KEEP_TAIL + 7);
    }
}
