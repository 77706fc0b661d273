//! How a program ended, in the learner's words: "exited with status 3",
//! "panicked: not yet implemented (at src/x.rs:20:5)", "was killed by
//! signal 9 (SIGKILL)" - read from its exit status and its stderr.

use std::process::ExitStatus;

/// How a program ended, in two parts: "panicked" and the panic's message.
pub struct ExitDescription {
    pub summary: String,
    pub detail: Option<String>,
}

impl std::fmt::Display for ExitDescription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}: {d}", self.summary),
            None => f.write_str(&self.summary),
        }
    }
}

/// "exited with status 3", "panicked: not yet implemented: …", "was killed by signal 11 (SIGSEGV)".
pub fn describe_exit(status: ExitStatus, stderr: &str) -> ExitDescription {
    use std::os::unix::process::ExitStatusExt;
    if let Some(panic) = panic_message(stderr) {
        return ExitDescription {
            summary: "panicked".into(),
            detail: Some(panic),
        };
    }
    let summary = match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(sig)) => format!("was killed by signal {sig} ({})", signal_name(sig)),
        _ => format!("ended ({status})"),
    };
    ExitDescription {
        summary,
        detail: None,
    }
}

/// The program's stderr without the panic report already quoted in the
/// verdict; empty when nothing else is left.
pub fn stderr_besides_panic(stderr: &str) -> String {
    let mut out = Vec::new();
    let mut in_panic = false;
    for line in stderr.lines() {
        if line.contains("panicked at ") {
            in_panic = true;
            continue;
        }
        if line.starts_with("note: run with `RUST_BACKTRACE") {
            in_panic = false;
            continue;
        }
        if !in_panic {
            out.push(line);
        }
    }
    out.join("\n").trim().to_string()
}

/// The message of the last panic in `stderr`, if the program panicked.
pub fn panic_message(stderr: &str) -> Option<String> {
    let start = stderr.rfind("panicked at ")?;
    let after = &stderr[start..];
    // Since Rust 1.73: "thread 'main' panicked at src/x.rs:1:2:\nmessage\nnote: …"
    let mut lines = after.lines();
    let head = lines.next()?;
    let message: Vec<&str> = lines.take_while(|l| !l.starts_with("note: ")).collect();
    let location = head
        .trim_start_matches("panicked at ")
        .trim_end_matches(':');
    let message = message.join("\n");
    let message = message.trim();
    Some(if message.is_empty() {
        location.to_string()
    } else {
        format!("{message} (at {location})")
    })
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGINT => "SIGINT",
        libc::SIGBUS => "SIGBUS",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_messages_are_extracted() {
        let stderr = "hello\nthread 'main' panicked at exercises/01_sockets/x.rs:20:5:\nnot yet implemented: listen\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            panic_message(stderr).unwrap(),
            "not yet implemented: listen (at exercises/01_sockets/x.rs:20:5)"
        );
        assert!(panic_message("fine").is_none());
    }
}
