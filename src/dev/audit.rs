//! Is the tree whole? Every exercise has a stub, a solution, a grader, at
//! least two mutants and at least one variant; every mutant and variant
//! names an exercise; and every mutant's `fails:` names a check its
//! exercise's grader has. A pure function of what it is given, so it can
//! be proven on a made-up tree.

use std::path::Path;

use super::programs::{Mutant, Variant};
use crate::catalog::Catalog;
use crate::graders::Grader;
use crate::harness::RUNNER_CHECKS;
use crate::workspace::Workspace;

/// How many mutants and variants an exercise needs at least.
pub const MIN_MUTANTS: usize = 2;
pub const MIN_VARIANTS: usize = 1;

/// What the audit looks at.
pub struct Tree<'a> {
    pub catalog: &'a Catalog,
    pub mutants: &'a [Mutant],
    pub variants: &'a [Variant],
    pub graders: &'a [Grader],
    /// Whether a file exists, by its path relative to the root.
    pub exists: &'a dyn Fn(&Path) -> bool,
}

/// Every problem, each naming its exercise; none when the tree is whole.
pub fn audit(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    let grader_of = |exercise: &str| {
        let e = tree.catalog.exercise(exercise)?;
        tree.graders.iter().find(|g| g.name == e.grader)
    };
    for e in &tree.catalog.exercises {
        let stub = Workspace::exercise_rel(e);
        if !(tree.exists)(&stub) {
            problems.push(format!("{}: no stub {}", e.name, stub.display()));
        }
        let solution = Path::new("solutions").join(stub.strip_prefix("exercises").unwrap_or(&stub));
        if !(tree.exists)(&solution) {
            problems.push(format!("{}: no solution {}", e.name, solution.display()));
        }
        if e.is_quiz() {
            continue;
        }
        if grader_of(&e.name).is_none() {
            problems.push(format!(
                "{}: no grader src/graders/{}.rs (after adding it, `cargo run -q -- dev sync` registers it)",
                e.name, e.grader
            ));
        }
        let mutants = tree.mutants.iter().filter(|m| m.of == e.name).count();
        if mutants < MIN_MUTANTS {
            problems.push(format!(
                "{}: {mutants} mutant(s) in tests/mutants/{}/, at least {MIN_MUTANTS} wanted",
                e.name, e.topic
            ));
        }
        let variants = tree.variants.iter().filter(|v| v.of == e.name).count();
        if variants < MIN_VARIANTS {
            problems.push(format!(
                "{}: {variants} variant(s) in tests/mutants/variants/{}/, at least {MIN_VARIANTS} wanted",
                e.name, e.topic
            ));
        }
    }
    for m in tree.mutants {
        let Some(grader) = grader_of(&m.of) else {
            problems.push(format!(
                "{}: mutant {} is a mutant of `{}`, which is no exercise with a grader",
                m.of,
                shown(&m.path),
                m.of
            ));
            continue;
        };
        for named in m.failing_checks() {
            let runner = RUNNER_CHECKS.iter().any(|c| c.starts_with(named));
            if named.is_empty() || !(runner || grader.has_check(named)) {
                problems.push(format!(
                    "{}: mutant {} says `fails: {named}`, which names no check of grader `{}` (its checks: {})",
                    m.of,
                    shown(&m.path),
                    grader.name,
                    grader
                        .checks
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    for v in tree.variants {
        if grader_of(&v.of).is_none() {
            problems.push(format!(
                "{}: variant {} is a variant of `{}`, which is no exercise with a grader",
                v.of,
                shown(&v.path),
                v.of
            ));
        }
    }
    problems
}

/// A program's path from `tests/mutants/` on, however it was found.
fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    match text.find("tests/mutants/") {
        Some(at) => text[at..].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::graders::GradeFuture;
    use crate::harness::Grading;

    fn grade_nothing(_: &Grading) -> GradeFuture<'_> {
        Box::pin(async { Ok(()) })
    }

    const CURRICULUM: &str = r#"
[[topic]]
id = "01_t"
title = "T"

[[question]]
id = "q01"
topic = "01_t"
text = "Why?"

[[exercise]]
name = "echo"
topic = "01_t"
questions = ["q01"]
kind = "server"
hint = "echo"
"#;

    const GRADERS: &[Grader] = &[Grader {
        name: "echo",
        checks: &["listens on NETLINGS_ADDR", "echoes a line"],
        grade: grade_nothing,
    }];

    fn mutant(name: &str, fails: &str) -> Mutant {
        Mutant {
            bin: name.into(),
            path: PathBuf::from(format!("tests/mutants/01_t/{name}.rs")),
            of: "echo".into(),
            bug: "a bug".into(),
            fails: fails.into(),
            says: Vec::new(),
            says_not: Vec::new(),
        }
    }

    fn audit_of(mutants: &[Mutant], variants: usize, files: &[&str]) -> Vec<String> {
        let catalog = Catalog::parse(Path::new("exercises.toml"), CURRICULUM).unwrap();
        let variants: Vec<Variant> = (0..variants)
            .map(|i| Variant {
                bin: format!("variant_echo__{i}"),
                path: PathBuf::from(format!("tests/mutants/variants/01_t/echo__{i}.rs")),
                of: "echo".into(),
                how: "differently".into(),
            })
            .collect();
        let exists = |p: &Path| files.iter().any(|f| Path::new(f) == p);
        audit(&Tree {
            catalog: &catalog,
            mutants,
            variants: &variants,
            graders: GRADERS,
            exists: &exists,
        })
    }

    const FILES: &[&str] = &["exercises/01_t/echo.rs", "solutions/01_t/echo.rs"];

    #[test]
    fn a_whole_tree_has_no_problems() {
        let mutants = [
            mutant("echo__a", "echoes a"),
            mutant("echo__b", "listens on NETLINGS_ADDR | echoes a line"),
        ];
        assert_eq!(audit_of(&mutants, 1, FILES), Vec::<String>::new());
    }

    #[test]
    fn a_mutant_that_names_no_check_is_a_problem() {
        let mutants = [
            mutant("echo__a", "echoes a line"),
            mutant("echo__b", "echoes two lines"),
        ];
        let problems = audit_of(&mutants, 1, FILES);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(
            "echo: mutant tests/mutants/01_t/echo__b.rs says `fails: echoes two lines`"
        ));
    }

    #[test]
    fn missing_files_mutants_and_variants_are_problems_of_their_exercise() {
        let problems = audit_of(&[mutant("echo__a", "echoes a line")], 0, &[]);
        for expected in ["no stub", "no solution", "1 mutant(s)", "0 variant(s)"] {
            assert!(
                problems
                    .iter()
                    .any(|p| p.starts_with("echo: ") && p.contains(expected)),
                "{expected}: {problems:?}"
            );
        }
    }
}
