//! The terminal while watch mode (or the quiz) runs: raw mode on an
//! alternate screen, input read on a thread of its own, frames drawn to
//! exactly the terminal's size, and always restored on the way out (quit,
//! Ctrl-C, a panic) - or for a while, when a terminal editor takes over.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use tokio::sync::mpsc::UnboundedSender;

/// Whether the terminal is in watch mode's state and needs restoring.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// What the learner did at the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// The window changed size: draw again, at once.
    Resize,
}

/// Modes switched on with the alternate screen: no line wrap at the right
/// edge (netlings wraps its own lines, so an odd-width character clips
/// instead of shifting the screen), and "alternate scroll", with which
/// terminals send the mouse wheel as arrow keys - scrolling without
/// capturing the mouse, so text can still be selected and copied.
const MODES_ON: &str = "\x1b[?7l\x1b[?1007h";
const MODES_OFF: &str = "\x1b[?1007l\x1b[?7h";

/// Restores the terminal; safe to call from anywhere, any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
        let mut out = std::io::stdout();
        let _ = out.write_all(MODES_OFF.as_bytes());
        let _ = execute!(out, cursor::Show, terminal::LeaveAlternateScreen);
    }
}

fn take_over() -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = std::io::stdout();
    execute!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
    out.write_all(MODES_ON.as_bytes())?;
    out.flush()
}

/// Raw mode and the alternate screen for as long as it lives.
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct Guard;

impl Guard {
    pub fn enter() -> std::io::Result<Guard> {
        take_over()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(Guard)
    }

    /// Gives the terminal to another program (a terminal editor) until
    /// it ends: the screen as the shell had it, no raw mode, and no input
    /// read by netlings meanwhile. Then takes it back.
    pub async fn lend<T>(&self, run: impl Future<Output = T>) -> T {
        READER.pause();
        restore();
        let result = run.await;
        if let Err(e) = take_over() {
            crate::outln!("netlings could not take the terminal back: {e}");
        }
        READER.resume();
        result
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// The input thread, which can be held while another program reads the
/// terminal (it must not steal that program's keys).
struct Reader {
    state: Mutex<ReaderState>,
    changed: Condvar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReaderState {
    /// No thread reads input.
    Absent,
    Reading,
    /// Asked to stop reading; it says `Held` once it has.
    Hold,
    Held,
}

static READER: Reader = Reader {
    state: Mutex::new(ReaderState::Absent),
    changed: Condvar::new(),
};

/// How long the input thread waits for input before looking whether it is
/// asked to hold: the longest a pause waits.
const POLL: Duration = Duration::from_millis(50);

impl Reader {
    fn set(&self, state: ReaderState) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
        self.changed.notify_all();
    }

    fn pause(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state != ReaderState::Reading {
            return;
        }
        *state = ReaderState::Hold;
        self.changed.notify_all();
        while *state == ReaderState::Hold {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn resume(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == ReaderState::Held {
            *state = ReaderState::Reading;
            self.changed.notify_all();
        }
    }

    /// Waits while held; false when the thread should end.
    fn may_read(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == ReaderState::Hold {
            *state = ReaderState::Held;
            self.changed.notify_all();
        }
        while *state == ReaderState::Held {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        *state == ReaderState::Reading
    }
}

/// Reads key presses and resizes on a thread of its own and sends them on.
pub fn read_input(tx: UnboundedSender<Input>) {
    READER.set(ReaderState::Reading);
    std::thread::spawn(move || {
        while READER.may_read() {
            let input = match crossterm::event::poll(POLL) {
                Ok(false) => continue,
                Ok(true) => match crossterm::event::read() {
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Input::Key(key),
                    Ok(Event::Resize(..)) => Input::Resize,
                    Ok(_) => continue,
                    Err(_) => break,
                },
                Err(_) => break,
            };
            if tx.send(input).is_err() {
                break;
            }
        }
        READER.set(ReaderState::Absent);
    });
}

/// The terminal's (columns, rows); 80 × 24 when it cannot be asked.
pub fn size() -> (usize, usize) {
    match terminal::size() {
        Ok((cols, rows)) if cols > 0 && rows > 0 => (cols as usize, rows as usize),
        _ => (80, 24),
    }
}

/// Draws `frame` over the whole screen, scrolled as `scroll` says.
pub fn show(frame: &crate::screen::Frame, scroll: &mut crate::screen::Scroll) {
    let (cols, rows) = size();
    draw_rows(&frame.render(cols, rows, scroll), cols);
}

/// Writes `rows` from the top-left corner, each over what was there (no
/// clearing first, so nothing flickers), in one synchronised update;
/// nothing while the terminal is not netlings' (netlings is ending on a
/// signal, or an editor has it).
fn draw_rows(rows: &[String], cols: usize) {
    if !ACTIVE.load(Ordering::SeqCst) {
        return;
    }
    let mut text = String::from("\x1b[?2026h\x1b[H");
    for (i, row) in rows.iter().enumerate() {
        text.push_str(row);
        text.push_str("\x1b[0m");
        // A full row leaves the cursor on its last cell: erasing from there
        // would erase that cell.
        if crate::screen::width(row) < cols {
            text.push_str("\x1b[K");
        }
        if i + 1 < rows.len() {
            text.push_str("\r\n");
        }
    }
    text.push_str("\x1b[J\x1b[?2026l");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Whether the terminal shows OSC 8 hyperlinks: on in terminals known to,
/// off elsewhere; `NETLINGS_HYPERLINKS=0/1` decides when set.
pub fn hyperlinks() -> bool {
    if let Some(v) = std::env::var_os("NETLINGS_HYPERLINKS") {
        return v != "0";
    }
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("TERM") == "dumb" || var("TERM").starts_with("screen") || var("TERM") == "linux" {
        return false;
    }
    matches!(
        var("TERM_PROGRAM").as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper" | "rio"
    ) || var("VTE_VERSION").parse::<u32>().is_ok_and(|v| v >= 5000)
        || var("TERM").contains("kitty")
        || var("TERM").contains("alacritty")
        || var("TERM").contains("foot")
        || !var("WT_SESSION").is_empty()
        || !var("KONSOLE_VERSION").is_empty()
}

/// `text` as a clickable link to `path` where the terminal supports it.
pub fn link(path: &std::path::Path, text: &str) -> String {
    if !hyperlinks() {
        return text.to_string();
    }
    format!(
        "\x1b]8;;file://{}\x1b\\{text}\x1b]8;;\x1b\\",
        path.display()
    )
}
