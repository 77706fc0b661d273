//! What `dev sync` writes: everything that follows from the curriculum and
//! the files, so that nothing is listed by hand twice.
//!
//! - the `[[bin]]` lists of the exercises and mutants packages (from
//!   `exercises.toml` and `tests/mutants/`);
//! - their `[dependencies]` (the exercise crates of the root `Cargo.toml`);
//! - the grader registry in `src/graders/mod.rs` (from the files there);
//! - the topic READMEs (from `exercises.toml`).
//!
//! Each goes between a BEGIN and an END marker line, which stay as they are.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::programs::known_programs;
use crate::catalog::Catalog;
use crate::workspace::Workspace;

pub const EXERCISES_MANIFEST: &str = "exercises/Cargo.toml";
pub const MUTANTS_MANIFEST: &str = "tests/mutants/Cargo.toml";
pub const ROOT_MANIFEST: &str = "Cargo.toml";
pub const GRADERS_DIR: &str = "src/graders";
pub const GRADERS_REGISTRY: &str = "src/graders/mod.rs";

/// A generated block: the start of its BEGIN line, and its END line.
pub struct Markers {
    begin: &'static str,
    end: &'static str,
}

pub const BINS: Markers = Markers {
    begin: "# BEGIN GENERATED BINS",
    end: "# END GENERATED BINS",
};
pub const DEPENDENCIES: Markers = Markers {
    begin: "# BEGIN GENERATED DEPENDENCIES",
    end: "# END GENERATED DEPENDENCIES",
};
pub const GRADERS: Markers = Markers {
    begin: "// BEGIN GENERATED GRADERS",
    end: "// END GENERATED GRADERS",
};
/// In the root manifest, around the crates exercises may use (written by
/// hand, read by `dev sync`).
pub const EXERCISE_CRATES: Markers = Markers {
    begin: "# BEGIN EXERCISE CRATES",
    end: "# END EXERCISE CRATES",
};

impl Markers {
    /// What lies between the markers (the BEGIN line excluded).
    pub fn inside<'t>(&self, text: &'t str) -> Option<&'t str> {
        let (start, end) = self.span(text)?;
        Some(&text[start..end])
    }

    /// `text` with what lies between the markers replaced by `content`.
    pub fn replace(&self, text: &str, content: &str) -> Option<String> {
        let (start, end) = self.span(text)?;
        Some(format!("{}{content}{}", &text[..start], &text[end..]))
    }

    /// From just after the BEGIN line to the start of the END line.
    fn span(&self, text: &str) -> Option<(usize, usize)> {
        let begin = text.find(self.begin)?;
        let start = begin + text[begin..].find('\n')? + 1;
        let end = start + text[start..].find(self.end)?;
        Some((start, end))
    }
}

/// Every generated file, with its up-to-date content.
pub fn generated(root: &Path, catalog: &Catalog) -> Result<Vec<(PathBuf, String)>> {
    let read = |rel: &str| {
        let path = root.join(rel);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let fill = |rel: &str, text: &str, markers: &Markers, content: &str| {
        markers.replace(text, content).with_context(|| {
            format!(
                "{rel} lacks the lines `{}…` and `{}` that mark what dev sync writes",
                markers.begin, markers.end
            )
        })
    };
    let crates = exercise_crates(&read(ROOT_MANIFEST)?)?;
    let dependencies: String = crates
        .iter()
        .map(|c| format!("{c}.workspace = true\n"))
        .collect();
    let mut files = Vec::new();
    for (manifest, bins) in [
        (EXERCISES_MANIFEST, exercise_bins(catalog)),
        (MUTANTS_MANIFEST, mutant_bins(root)?),
    ] {
        let text = read(manifest)?;
        let text = fill(manifest, &text, &BINS, &bins)?;
        let text = fill(manifest, &text, &DEPENDENCIES, &dependencies)?;
        files.push((PathBuf::from(manifest), text));
    }
    let registry = read(GRADERS_REGISTRY)?;
    let graders = grader_files(root)?;
    files.push((
        PathBuf::from(GRADERS_REGISTRY),
        fill(
            GRADERS_REGISTRY,
            &registry,
            &GRADERS,
            &graders_block(&graders),
        )?,
    ));
    for topic in &catalog.topics {
        files.push((
            Path::new("exercises").join(&topic.id).join("README.md"),
            topic_readme(catalog, &topic.id),
        ));
    }
    Ok(files)
}

/// Brings the generated files up to date (or only lists the stale ones).
pub fn sync(root: &Path, catalog: &Catalog, write: bool) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for (rel, content) in generated(root, catalog)? {
        let path = root.join(&rel);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            if write {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&path, &content)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            stale.push(rel.display().to_string());
        }
    }
    Ok(stale)
}

/// The crates exercises may use: the names declared between the
/// EXERCISE CRATES markers of the root manifest's `[workspace.dependencies]`.
pub fn exercise_crates(root_manifest: &str) -> Result<Vec<String>> {
    let block = EXERCISE_CRATES.inside(root_manifest).with_context(|| {
        format!(
            "{ROOT_MANIFEST} lacks the lines `{}…` and `{}` around the crates exercises may use",
            EXERCISE_CRATES.begin, EXERCISE_CRATES.end
        )
    })?;
    let table: toml::Table = toml::from_str(block)
        .with_context(|| format!("reading the exercise crates of {ROOT_MANIFEST}"))?;
    if table.is_empty() {
        bail!("{ROOT_MANIFEST} declares no exercise crates");
    }
    Ok(table.keys().cloned().collect())
}

/// The graders: every `.rs` file of `src/graders/` but `mod.rs`, by name.
pub fn grader_files(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(GRADERS_DIR);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .filter(|n| n != "mod")
        .collect();
    names.sort();
    Ok(names)
}

/// The grader registry: a module per grader file, and the table the
/// runner looks graders up in. Laid out as rustfmt lays it out.
pub fn graders_block(names: &[String]) -> String {
    let mut out = String::new();
    for name in names {
        let _ = writeln!(out, "pub mod {name};");
    }
    out.push_str("\n/// Every grader, by name.\npub const ALL: &[Grader] = &[\n");
    for name in names {
        let _ = write!(
            out,
            "    Grader {{\n        name: \"{name}\",\n        checks: {name}::CHECKS,\n        grade: |g| Box::pin({name}::grade(g)),\n    }},\n"
        );
    }
    out.push_str("];\n");
    out
}

/// A topic's README: its questions, and what each exercise teaches.
pub fn topic_readme(catalog: &Catalog, topic_id: &str) -> String {
    let topic = catalog.topic(topic_id).expect("a known topic");
    let mut out = format!(
        "<!-- generated from exercises.toml by `cargo run -q -- dev sync`; edit that file instead -->\n\
         # {} — {}\n\n",
        topic.id, topic.title
    );
    if !topic.crates.is_empty() {
        let _ = writeln!(out, "In Rust: {}.\n", topic.crates);
    }
    let questions: Vec<_> = catalog
        .questions
        .iter()
        .filter(|q| q.topic == topic.id)
        .collect();
    let others: Vec<&str> = catalog
        .exercises
        .iter()
        .filter(|e| e.topic == topic.id)
        .flat_map(|e| e.questions.iter().map(String::as_str))
        .filter(|q| !questions.iter().any(|mine| mine.id == *q))
        .collect();
    let mut shown: Vec<&crate::catalog::Question> = questions.clone();
    for q in others {
        if let Some(q) = catalog.question(q)
            && !shown.iter().any(|s| s.id == q.id)
        {
            shown.push(q);
        }
    }
    if shown.is_empty() {
        let _ = writeln!(out, "## The exercises\n");
        for e in catalog.exercises.iter().filter(|e| e.topic == topic.id) {
            let _ = writeln!(out, "- `{}` — {}", e.name, e.summary);
        }
    }
    for q in shown {
        let _ = writeln!(out, "## {}. {}\n", q.label(), q.text);
        for e in catalog
            .exercises
            .iter()
            .filter(|e| e.topic == topic.id && e.questions.contains(&q.id))
        {
            let _ = writeln!(out, "- `{}` — {}", e.name, e.summary);
        }
        let _ = writeln!(
            out,
            "\nThe model answer: `netlings answer {}`, once these pass.\n",
            q.id
        );
    }
    out.push_str(
        "## How to work\n\n\
         `netlings` (watch mode) grades the current exercise on every save; \
         `netlings run NAME` grades one, `netlings hint NAME` helps, and \
         `netlings quiz qNN` asks a card's quiz in the terminal (or answer in the \
         `quiz_qNN.toml` file here). Each stub says what to build, how it is graded \
         and which environment variables it gets.\n",
    );
    out
}

/// `[[bin]]` entries for every exercise and its solution, in curriculum order.
pub fn exercise_bins(catalog: &Catalog) -> String {
    let mut out = String::new();
    for e in catalog.exercises.iter().filter(|e| !e.is_quiz()) {
        let rel = Workspace::exercise_rel(e);
        let rel = rel.to_str().expect("UTF-8 paths");
        let _ = write!(
            out,
            "[[bin]]\nname = \"{}\"\npath = \"{}\"\n\n[[bin]]\nname = \"{}_sol\"\npath = \"../solutions/{}\"\n\n",
            e.name,
            rel.trim_start_matches("exercises/"),
            e.name,
            rel.trim_start_matches("exercises/")
        );
    }
    out
}

fn mutant_bins(root: &Path) -> Result<String> {
    let (mutants, variants) = known_programs(root)?;
    let programs = mutants
        .iter()
        .map(|m| (&m.bin, &m.path))
        .chain(variants.iter().map(|v| (&v.bin, &v.path)));
    let mut out = String::new();
    for (bin, path) in programs {
        let rel = path
            .strip_prefix(root.join("tests/mutants"))
            .unwrap_or(path);
        let _ = write!(
            out,
            "[[bin]]\nname = \"{bin}\"\npath = \"{}\"\n\n",
            rel.display()
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_generated_block() {
        let m = format!(
            "[package]\n{} (do not edit)\nold\n{}\nafter\n",
            BINS.begin, BINS.end
        );
        assert_eq!(BINS.inside(&m), Some("old\n"));
        assert_eq!(
            BINS.replace(&m, "new\n").unwrap(),
            format!(
                "[package]\n{} (do not edit)\nnew\n{}\nafter\n",
                BINS.begin, BINS.end
            )
        );
        assert!(GRADERS.replace(&m, "x").is_none(), "no markers, no block");
    }

    #[test]
    fn exercise_crates_are_the_names_between_the_markers() {
        let root = format!(
            "[workspace.dependencies]\n{} (read by dev sync)\nanyhow = \"1\"\n# a comment\ntokio = {{ version = \"1\", features = [\"full\"] }}\n{}\nhyper = \"1\"\n",
            EXERCISE_CRATES.begin, EXERCISE_CRATES.end
        );
        assert_eq!(exercise_crates(&root).unwrap(), ["anyhow", "tokio"]);
        assert!(exercise_crates("[workspace.dependencies]\nanyhow = \"1\"\n").is_err());
    }

    #[test]
    fn the_registry_has_a_module_and_an_entry_per_grader() {
        let block = graders_block(&["a_b".to_string(), "c".to_string()]);
        assert!(block.starts_with("pub mod a_b;\npub mod c;\n"));
        assert!(block.contains("name: \"c\",\n        checks: c::CHECKS,"));
    }
}
