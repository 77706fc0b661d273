//! The terminal while watch mode runs: raw mode on an alternate screen,
//! keys read on a thread of their own, and always restored on the way out
//! (quit, Ctrl-C, a panic).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use tokio::sync::mpsc::UnboundedSender;

/// Whether the terminal is in watch mode's state and needs restoring.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Restores the terminal; safe to call from anywhere, any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
    }
}

/// Raw mode and the alternate screen for as long as it lives.
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct Guard;

impl Guard {
    pub fn enter() -> std::io::Result<Guard> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(Guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Reads key presses on a thread of its own and sends them on.
pub fn read_keys(tx: UnboundedSender<KeyEvent>) {
    std::thread::spawn(move || {
        loop {
            match crossterm::event::read() {
                Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => {
                    if tx.send(key).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    });
}

/// Clears the screen and draws `text` (lines end in `\r\n` in raw mode);
/// nothing once the terminal is restored (netlings is ending on a signal).
pub fn draw(text: &str) {
    if !ACTIVE.load(Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let body = text.replace('\n', "\r\n");
    let _ = write!(out, "\x1b[H\x1b[2J{body}");
    let _ = out.flush();
}

/// Rows of the terminal (for cutting long verdicts), if known.
pub fn rows() -> Option<usize> {
    terminal::size().ok().map(|(_, rows)| rows as usize)
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
