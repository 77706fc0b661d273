//! `--format junit`: one testsuite per exercise, one testcase per check.

use std::fmt::Write as _;

use super::{ExerciseReport, Status, Summary, human};

pub fn render(reports: &[ExerciseReport], summary: &Summary) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures: usize = reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| matches!(c.status, Status::Fail | Status::Timeout))
        .count();
    let errors: usize = reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| c.status == Status::Error)
        .count();
    let skipped: usize = reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| c.status == Status::Unavailable)
        .count();
    let tests: usize = reports.iter().map(|r| r.checks.len()).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"netlings\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{:.3}\">",
        summary.duration_ms as f64 / 1000.0
    );
    for r in reports {
        let failed = r
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Timeout))
            .count();
        let errored = r
            .checks
            .iter()
            .filter(|c| c.status == Status::Error)
            .count();
        let not_graded = r
            .checks
            .iter()
            .filter(|c| c.status == Status::Unavailable)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"{errored}\" skipped=\"{not_graded}\" time=\"{:.3}\">",
            xml(&r.name),
            r.checks.len(),
            r.duration.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "    <properties><property name=\"topic\" value=\"{}\"/><property name=\"questions\" value=\"{}\"/><property name=\"seed\" value=\"{}\"/></properties>",
            xml(&r.topic),
            xml(&r.questions.join(",")),
            r.seed
        );
        for c in &r.checks {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}.{}\" time=\"{:.3}\"",
                xml(&c.name),
                xml(&r.topic),
                xml(&r.name),
                c.duration.as_secs_f64()
            );
            let body = || {
                let mut text = c.full_message();
                for line in &c.transcript {
                    text.push('\n');
                    text.push_str(&human::transcript_line(line, false));
                }
                xml(&text)
            };
            let first_line = c.headline();
            match c.status {
                Status::Pass => out.push_str("/>\n"),
                Status::Fail | Status::Timeout => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                        c.status.as_str(),
                        xml(&first_line),
                        body()
                    );
                }
                Status::Error => {
                    let _ = writeln!(
                        out,
                        ">\n      <error message=\"{}\">{}</error>\n    </testcase>",
                        xml(&first_line),
                        body()
                    );
                }
                // JUnit's word for a test that could not run here.
                Status::Unavailable => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
                        xml(&first_line),
                        body()
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes text for XML attributes and bodies; drops characters XML 1.0
/// cannot carry at all (control bytes a garbage-speaking program produced).
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escapes_and_drops_control_characters() {
        assert_eq!(super::xml("a<b>&\"\u{1}"), "a&lt;b&gt;&amp;&quot;\\x01");
    }
}
