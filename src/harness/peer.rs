//! Peer mode (`netlings peer`): the grader's scenario played against a
//! program the learner started by hand - in a debugger, under `cargo run`,
//! or written in another language.
//!
//! Every grader runs unchanged. What differs is here and in the harness:
//! - [`Grading::start`](super::Grading::start) starts nothing: it tells the
//!   learner the command to run (with its environment) and returns a
//!   [`Program::by_hand`](super::Program::by_hand), which netlings sees only
//!   on the wire (its exit and its output are "not judged in peer mode");
//! - addresses come from `--addr`: the first one the scenario needs (where
//!   the program listens, or where netlings' own server listens for it) is
//!   `--addr` itself, the next ones its port + 1, + 2, …; with port 0, the
//!   kernel picks each (and the command told to the learner names it);
//! - nothing is timed out: waits are a day long (a breakpoint is not a
//!   failure); the learner ends netlings with Ctrl-C. Timing checks still
//!   judge what they measured.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::time::Duration;

use super::Limits;

/// How long a wait lasts in peer mode: as good as for ever.
pub const FOR_EVER: Duration = Duration::from_secs(24 * 3600);

/// What to tell the learner (a line for the terminal).
pub type Say = Arc<dyn Fn(&str) + Send + Sync>;

/// The state of one grade in peer mode.
pub struct PeerMode {
    /// `--addr`: the first address of the scenario.
    pub addr: SocketAddr,
    /// How many addresses were handed out.
    handed: Arc<AtomicU16>,
    /// How many times the learner was asked to start the program.
    runs: AtomicUsize,
    say: Say,
}

impl PeerMode {
    pub fn new(addr: SocketAddr, say: Say) -> PeerMode {
        PeerMode {
            addr,
            handed: Arc::default(),
            runs: AtomicUsize::new(0),
            say,
        }
    }

    /// Tells the learner something, now.
    pub fn say(&self, text: &str) {
        (self.say)(text);
    }

    /// The next address of the scenario: `--addr`, then its port + 1, …;
    /// port 0 stays 0 (the kernel picks, when it is bound).
    pub fn next_addr(&self) -> SocketAddr {
        self.addrs().next()
    }

    /// The scenario's addresses, for a peer that binds later.
    pub fn addrs(&self) -> Addrs {
        Addrs {
            first: Some(self.addr),
            handed: self.handed.clone(),
        }
    }

    /// Counts one more start of the program: 1 for the first.
    pub fn next_run(&self) -> usize {
        self.runs.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// Where netlings' own servers bind, for a peer that binds after it was
/// made: 127.0.0.1:0 in a grade, the scenario's next address in peer mode.
#[derive(Clone, Default)]
pub struct Addrs {
    first: Option<SocketAddr>,
    handed: Arc<AtomicU16>,
}

impl Addrs {
    pub fn next(&self) -> SocketAddr {
        let Some(mut addr) = self.first else {
            return SocketAddr::from(([127, 0, 0, 1], 0));
        };
        let n = self.handed.fetch_add(1, Ordering::SeqCst);
        if addr.port() != 0 {
            addr.set_port(addr.port().saturating_add(n));
        }
        addr
    }
}

/// Limits with no deadline worth the name.
pub fn unbounded() -> Limits {
    Limits {
        ready: FOR_EVER,
        check: FOR_EVER,
        exercise: FOR_EVER,
        io: FOR_EVER,
    }
}

/// A shell word for `value` (quoted when it needs to be).
pub fn shell_word(value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if plain && !value.is_empty() {
        value.to_string()
    } else if value.chars().any(char::is_control) {
        // One line still, for bash and zsh: $'…' with escapes.
        let mut quoted = String::from("$'");
        for c in value.chars() {
            match c {
                '\\' => quoted.push_str("\\\\"),
                '\'' => quoted.push_str("\\'"),
                '\n' => quoted.push_str("\\n"),
                '\t' => quoted.push_str("\\t"),
                c if c.is_control() => quoted.push_str(&format!("\\x{:02x}", c as u32)),
                c => quoted.push(c),
            }
        }
        quoted.push('\'');
        quoted
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_first() {
        let peer = PeerMode::new("127.0.0.1:7000".parse().unwrap(), Arc::new(|_| {}));
        assert_eq!(peer.next_addr().port(), 7000);
        assert_eq!(peer.next_addr().port(), 7001);
        assert_eq!(peer.addrs().next().port(), 7002);
        assert_eq!(Addrs::default().next().to_string(), "127.0.0.1:0");
        let any = PeerMode::new("127.0.0.1:0".parse().unwrap(), Arc::new(|_| {}));
        assert_eq!(any.next_addr().port(), 0);
        assert_eq!(any.next_addr().port(), 0);
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("127.0.0.1:7000"), "127.0.0.1:7000");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("a\nb's"), "$'a\\nb\\'s'");
    }
}
