//! Why a check failed, as a value: what was observed, expected vs actual,
//! the likely causes, and what the message already tells about the
//! program's end - so that the harness decides from fields, never from the
//! wording, whether a crash or a flood still needs explaining.

use crate::report::{Mismatch, Status};

/// Why a check failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: Status,
    /// What happened, as observed.
    pub message: String,
    pub mismatch: Option<Box<Mismatch>>,
    /// The likely causes, in the learner's terms. Left out when the program
    /// crashed: the crash is the cause then.
    pub hints: Vec<String>,
    /// The message already says how the program ended (it exited, panicked,
    /// was killed): the harness does not say it a second time.
    pub tells_exit: bool,
    /// The message already says the program flooded its output and netlings
    /// stopped it.
    pub tells_flood: bool,
    /// What the peer saw when the check failed: the likely causes a grader
    /// adds follow from it ([`because_when`](Failure::because_when)).
    pub seen: Seen,
}

/// What a peer saw that failed a check: a likely cause must fit it (advice
/// about binary data does not explain a connection that was closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seen {
    /// Nothing a peer told (a verdict on printed output, an exit status).
    #[default]
    Other,
    /// The program closed the connection, after `after` bytes of what was
    /// awaited.
    Closed { after: usize },
    /// The program reset the connection (or a write to it failed).
    Reset,
    /// Nothing (or not enough) came before the deadline.
    Silence,
    /// Bytes came, and they were not the expected ones.
    WrongBytes,
}

impl Seen {
    /// The connection ended (closed or reset).
    pub fn ended(self) -> bool {
        matches!(self, Seen::Closed { .. } | Seen::Reset)
    }
}

impl Failure {
    fn new(status: Status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
            mismatch: None,
            hints: Vec::new(),
            tells_exit: false,
            tells_flood: false,
            seen: Seen::Other,
        }
    }

    /// The same failure, seen as `seen`.
    pub fn seen(mut self, seen: Seen) -> Failure {
        self.seen = seen;
        self
    }

    /// The program did something wrong.
    pub fn fail(message: impl Into<String>) -> Failure {
        Failure::new(Status::Fail, message)
    }

    /// The program did not do what was awaited in time.
    pub fn timeout(message: impl Into<String>) -> Failure {
        Failure::new(Status::Timeout, message).seen(Seen::Silence)
    }

    /// netlings itself could not judge (not the learner's fault).
    pub fn error(message: impl Into<String>) -> Failure {
        Failure::new(Status::Error, message)
    }

    /// Expected bytes against the actual ones, shown with the first
    /// difference marked.
    /// This machine cannot grade the exercise: something it needs and
    /// netlings does not provide (a broker) is missing. Not the learner's
    /// fault, and not netlings' either: the message says how to get it.
    pub fn unavailable(message: impl Into<String>) -> Failure {
        Failure::new(Status::Unavailable, message)
    }

    pub fn mismatch(
        message: impl Into<String>,
        what: impl Into<String>,
        expected: impl Into<Vec<u8>>,
        actual: impl Into<Vec<u8>>,
    ) -> Failure {
        Failure {
            mismatch: Some(Box::new(Mismatch {
                what: what.into(),
                expected: expected.into(),
                actual: actual.into(),
            })),
            seen: Seen::WrongBytes,
            ..Failure::fail(message)
        }
    }

    /// Adds a likely cause: the bug that produces what was observed.
    pub fn because(mut self, line: impl AsRef<str>) -> Failure {
        let line = line.as_ref().trim();
        if !line.is_empty() {
            self.hints.push(line.to_string());
        }
        self
    }

    /// Adds a likely cause if what was seen fits it (`fits(self.seen)`):
    /// advice is never given for what did not happen.
    pub fn because_when(self, fits: impl Fn(Seen) -> bool, line: impl AsRef<str>) -> Failure {
        if fits(self.seen) {
            self.because(line)
        } else {
            self
        }
    }

    /// Adds a line of fact to the message (nothing if `line` is empty).
    pub fn and(mut self, line: impl AsRef<str>) -> Failure {
        if line.as_ref().trim().is_empty() {
            return self;
        }
        if !self.message.is_empty() {
            self.message.push('\n');
        }
        self.message.push_str(line.as_ref());
        self
    }
}

/// Returned by a failed check: the verdict is recorded, the grader stops.
#[derive(Debug)]
pub struct Stop;

/// What a grader returns: it ran to its end, or stopped at a failed check.
pub type Outcome = Result<(), Stop>;

/// Compares bytes; on a difference, a failure that shows both.
pub fn expect_bytes(
    what: &str,
    expected: &[u8],
    actual: &[u8],
    message: impl Into<String>,
) -> Result<(), Failure> {
    if expected == actual {
        Ok(())
    } else {
        Err(Failure::mismatch(message, what, expected, actual))
    }
}
