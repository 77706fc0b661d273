//! A learner's view of netlings in a pseudo-terminal: its output is fed
//! to a terminal emulator (vt100), so tests read what is on the screen
//! now - not everything ever written - at the size the learner has.

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use expectrl::session::OsSession;

use super::checkout::SCREEN;

pub struct Screen {
    pub session: OsSession,
    parser: vt100::Parser,
    /// Everything the program wrote, for failure messages.
    raw: Vec<u8>,
    /// The program closed the terminal (it ended).
    pub ended: bool,
}

impl Screen {
    pub fn new(session: OsSession, cols: u16, rows: u16) -> Screen {
        Screen {
            session,
            parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            raw: Vec::new(),
            ended: false,
        }
    }

    /// The screen's text, row by row.
    pub fn rows(&self) -> Vec<String> {
        let screen = self.parser.screen();
        let (_, cols) = screen.size();
        screen.rows(0, cols.get()).collect()
    }

    pub fn text(&self) -> String {
        self.rows().join("\n")
    }

    /// Everything written so far.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.screen().alternate_screen()
    }

    /// Reads what has come within `wait`, waiting on the terminal (poll),
    /// not on a clock.
    fn pump(&mut self, wait: Duration) {
        if self.ended {
            return;
        }
        let mut fds = libc::pollfd {
            fd: self.session.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = wait.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd, for the duration of the call.
        let ready = unsafe { libc::poll(&mut fds, 1, ms) };
        if ready <= 0 {
            return;
        }
        let mut buf = vec![0u8; 1 << 16];
        match self.session.try_read(&mut buf) {
            Ok(0) => self.ended = true,
            Ok(n) => {
                self.parser.process(&buf[..n]);
                self.raw.extend_from_slice(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => self.ended = true,
        }
    }

    /// Waits until `ready` holds of the screen's rows; panics with the
    /// screen when it does not within `patience`.
    pub fn wait_until(
        &mut self,
        what: &str,
        patience: Duration,
        ready: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + patience;
        loop {
            let rows = self.rows();
            if ready(&rows) {
                return rows;
            }
            let now = Instant::now();
            if now >= deadline || self.ended {
                panic!(
                    "the screen never showed {what}{}; it shows:\n{}",
                    if self.ended { " (netlings ended)" } else { "" },
                    rows.join("\n")
                );
            }
            self.pump((deadline - now).min(Duration::from_millis(500)));
        }
    }

    /// Waits until `text` is on screen (on one row, or wrapped over rows).
    pub fn wait_for(&mut self, text: &str) -> Vec<String> {
        self.wait_until(&format!("{text:?}"), SCREEN, |rows| {
            rows.iter().any(|r| r.contains(text)) || rows.concat().contains(text)
        })
    }

    /// Waits until netlings has ended.
    pub fn wait_end(&mut self, patience: Duration) {
        let deadline = Instant::now() + patience;
        while !self.ended {
            let now = Instant::now();
            assert!(now < deadline, "netlings did not end:\n{}", self.text());
            self.pump(deadline - now);
        }
    }

    pub fn send(&mut self, keys: &str) {
        use expectrl::Expect as _;
        self.session.send(keys).unwrap();
    }

    /// Resizes the terminal, as a learner dragging the window's corner.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.session
            .get_process_mut()
            .set_window_size(cols, rows)
            .unwrap();
        self.parser
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has rows and columns")
}

/// Keys as a terminal sends them.
pub const PAGE_DOWN: &str = "\x1b[6~";
pub const PAGE_UP: &str = "\x1b[5~";
pub const DOWN: &str = "\x1b[B";
pub const ESC: &str = "\x1b";
