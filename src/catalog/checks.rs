//! What parsing alone cannot see in `exercises.toml`: a grader netlings
//! does not have, an exercise whose `topic` is not the folder of its files.
//! Each is an author's mistake, reported at its line.

use std::path::Path;

use super::{Catalog, CatalogError, line_col};

impl Catalog {
    /// Checks every exercise names a grader netlings has, reporting the line of
    /// the first that does not. Separate from parsing so the catalog stays data.
    pub fn check_graders(
        &self,
        path: &Path,
        text: &str,
        known: impl Fn(&str) -> bool,
    ) -> Result<(), CatalogError> {
        for e in &self.exercises {
            if !known(&e.grader) {
                let offset = text
                    .find(&format!("\"{}\"", e.grader))
                    .or_else(|| text.find(&format!("\"{}\"", e.name)))
                    .unwrap_or(0);
                let (line, column) = line_col(text, offset);
                return Err(CatalogError {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "exercise `{}` uses grader `{}`, which netlings does not have \
                         (a grader is src/graders/{}.rs, registered by `cargo run -q -- dev sync`)",
                        e.name, e.grader, e.grader
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks that every exercise's stub and solution are in its topic's
    /// folder: one found in another topic's folder is an author's mistake,
    /// reported at the exercise's `topic` line. (A file missing everywhere
    /// is the learner's to restore, and `dev check`'s to report.)
    pub fn check_folders(
        &self,
        path: &Path,
        text: &str,
        exists: impl Fn(&Path) -> bool,
    ) -> Result<(), CatalogError> {
        for e in &self.exercises {
            let file = if e.is_quiz() {
                format!("{}.toml", e.name)
            } else {
                format!("{}.rs", e.name)
            };
            for (dir, what) in [("exercises", "stub"), ("solutions", "solution")] {
                let at = |topic: &str| Path::new(dir).join(topic).join(&file);
                if exists(&at(&e.topic)) {
                    continue;
                }
                let Some(elsewhere) = self.topics.iter().find(|t| exists(&at(&t.id))) else {
                    continue;
                };
                let (line, column) = field_line(text, &e.name, "topic");
                return Err(CatalogError {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "exercise `{}` has topic `{}`, but its {what} is {}: make its topic \"{}\", or move the file to {}",
                        e.name,
                        e.topic,
                        at(&elsewhere.id).display(),
                        elsewhere.id,
                        at(&e.topic).display()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// (line, column) of `field` in the `[[exercise]]` entry named `name`;
/// of the entry's name when it has no such field.
fn field_line(text: &str, name: &str, field: &str) -> (usize, usize) {
    let mut offset = 0;
    let mut in_entry = false;
    let mut found_name = None;
    let mut found_field = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("[[") {
            if found_name.is_some() {
                break;
            }
            in_entry = t == "[[exercise]]";
            found_field = None;
        } else if in_entry && let Some((key, value)) = t.split_once('=') {
            let key = key.trim();
            if key == "name" && value.trim().trim_matches('"') == name {
                found_name = Some(offset);
            } else if key == field {
                found_field = Some(offset + line.len() - line.trim_start().len());
            }
        }
        offset += line.len();
    }
    let at = found_field
        .filter(|_| found_name.is_some())
        .or(found_name)
        .unwrap_or(0);
    line_col(text, at)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::catalog::tests::{GOOD, parse};

    #[test]
    fn a_topic_that_is_not_the_stubs_folder_is_an_error_at_its_line() {
        let c = parse(GOOD).unwrap();
        let elsewhere =
            |p: &Path| p.starts_with("exercises/02_ws") || p.starts_with("solutions/01_sockets");
        let two = GOOD.replace(
            "[[question]]",
            "[[topic]]\nid = \"02_ws\"\ntitle = \"WS\"\n\n[[question]]",
        );
        let c2 = parse(&two).unwrap();
        let e = c2
            .check_folders(Path::new("exercises.toml"), &two, elsewhere)
            .unwrap_err();
        assert_eq!(e.line, 17, "{e}");
        assert!(
            e.message.contains("exercises/02_ws/tcp_echo_server.rs"),
            "{e}"
        );
        assert!(
            c.check_folders(Path::new("exercises.toml"), GOOD, |p: &Path| p
                .starts_with("exercises/01_sockets")
                || p.starts_with("solutions/01_sockets"))
                .is_ok()
        );
    }
}
