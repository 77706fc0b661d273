//! The house rules of netlings' source, checked on the tree itself: the
//! generated files are up to date, every exercise is whole, no file is too
//! big, and the imports between the parts follow the nevers of
//! ARCHITECTURE.md - with no import circle anywhere in `src/`.
//!
//! The import rules are read from the source text (`use crate::…`,
//! `crate::…` and `super::…` paths, comments and strings aside), and each
//! rule is proven to catch a breach on a made-up source.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use netlings::catalog::Catalog;
use netlings::dev::{Tree, audit, known_programs, trace_all};

#[test]
fn generated_files_are_up_to_date() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let stale = netlings::dev::sync(&root, &catalog, false).unwrap();
    assert!(
        stale.is_empty(),
        "out of date (run `cargo run -q -- dev sync`): {stale:?}"
    );
}

#[test]
fn every_exercise_has_its_files_mutants_and_variants() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let (mutants, variants) = known_programs(&root).unwrap();
    let problems = audit(&Tree {
        catalog: &catalog,
        mutants: &mutants,
        variants: &variants,
        graders: netlings::graders::ALL,
        exists: &|rel| root.join(rel).is_file(),
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every sentence of every stub maps to the checks that judge it and the
/// mutants that prove them (the tables in the graders' docs; `dev check`
/// says the same).
#[test]
fn every_sentence_of_every_stub_maps_to_a_check_and_a_mutant() {
    let root = common::repo_root();
    let catalog = Catalog::load(&root).unwrap();
    let (mutants, _) = known_programs(&root).unwrap();
    let (problems, _) = trace_all(&root, &catalog, netlings::graders::ALL, &mutants);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The crates `cargo build -p …` compiles for one package, with the
/// features it turns on in each (`name vX.Y.Z` -> `feature,feature`).
fn features_of(packages: &[&str]) -> BTreeMap<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(common::repo_root()).args([
        "tree",
        "-e",
        "normal",
        "--prefix",
        "none",
        "-f",
        "{p} [{f}]",
        "--offline",
        "--locked",
    ]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    let out = cmd.output().expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let (crate_, rest) = line.split_once(" [")?;
            let features = rest.rsplit_once(']')?.0;
            Some((
                crate_.trim_end_matches(" (*)").to_string(),
                features.to_string(),
            ))
        })
        .collect()
}

/// The first grade after `cargo run` builds the exercises' dependencies: it
/// must reuse every crate the runner compiled, which it does only where both
/// ask for the same features. Cargo resolves features per build, so each
/// package alone must turn on what both together do.
#[test]
fn the_runner_and_the_exercises_share_one_build() {
    let both = features_of(&["netlings", "netlings-exercises"]);
    let mut twice = Vec::new();
    for package in ["netlings", "netlings-exercises"] {
        for (crate_, features) in features_of(&[package]) {
            if both.get(&crate_).is_some_and(|all| *all != features) {
                twice.push(format!(
                    "{crate_}: {package} alone turns on [{features}], both together [{}]",
                    both[&crate_]
                ));
            }
        }
    }
    assert!(
        twice.is_empty(),
        "these crates would be compiled twice on a fresh clone (once for the runner, once for \
         the exercises); ask for the same features in both (ARCHITECTURE.md, How to add a \
         crate):\n{}",
        twice.join("\n")
    );
}

/// Files of `src/` may be about this long; the test stops at a little more.
const MAX_LINES: usize = 650;

#[test]
fn no_file_in_src_is_over_about_600_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > MAX_LINES)
        .map(|(path, text)| format!("{} ({} lines)", path.display(), text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along their seams (about 600 lines at most): {long:?}"
    );
}

#[test]
fn the_parts_import_each_other_as_the_nevers_say() {
    let files: Vec<(Vec<String>, String)> = sources()
        .into_iter()
        .filter(|(path, _)| path != Path::new("src/main.rs"))
        .map(|(path, text)| (module_of(&path), text))
        .collect();
    let breaches = breaches(&files);
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}

/// Every `.rs` file under `src/`, relative to the root, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let root = common::repo_root();
    let mut files = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path.strip_prefix(&root).unwrap().to_path_buf(), text));
            }
        }
    }
    files.sort();
    files
}

/// `src/graders/tcp_client.rs` -> `graders::tcp_client`; `src/peers/http/mod.rs`
/// -> `peers::http`; `src/lib.rs` -> the crate root (no segments).
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix("src").unwrap_or(path);
    let mut segments: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// The source without comments, string and character literals: what is
/// left is code, where a `crate::` path is an import.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && is_char_literal(&chars, i) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'a'`, `'\n'`, `'\''` - not a lifetime (`'a`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

/// Every path the code of module `module` names through `crate::` or
/// `super::`, as segments from the crate root; `use` groups expanded
/// (`crate::{a, b::c}` names `a` and `b::c`).
fn references(module: &[String], source: &str) -> Vec<Vec<String>> {
    let code: Vec<char> = code_only(source).chars().collect();
    let mut found = Vec::new();
    // Inline modules (`mod tests { … }`) open at a brace depth; `super::`
    // inside one is relative to it.
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < code.len() {
        match code[i] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
            }
            _ => {}
        }
        if ident_before(&code, i) {
            i += 1;
            continue;
        }
        let rest: String = code[i..code.len().min(i + 7)].iter().collect();
        if rest.starts_with("mod ") {
            let name: String = code[i + 4..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            let after = code[i + 4 + name.len()..]
                .iter()
                .find(|c| !c.is_whitespace());
            if after == Some(&'{') {
                inline.push((depth, name));
            }
        }
        let base = if rest.starts_with("crate::") {
            i += "crate::".len();
            Some(Vec::new())
        } else if rest.starts_with("super::") {
            let mut base = module.to_vec();
            base.extend(inline.iter().map(|(_, name)| name.clone()));
            while code[i..].iter().collect::<String>().starts_with("super::") {
                base.pop();
                i += "super::".len();
            }
            Some(base)
        } else {
            None
        };
        match base {
            Some(base) => i = path_tree(&code, i, base, &mut found),
            None => i += 1,
        }
    }
    found
}

/// Reads a path (or a `{…}` group of them) at `i`, appending each full
/// path to `found`; returns where it ends.
fn path_tree(
    code: &[char],
    mut i: usize,
    base: Vec<String>,
    found: &mut Vec<Vec<String>>,
) -> usize {
    let skip_space = |i: &mut usize| {
        while *i < code.len() && code[*i].is_whitespace() {
            *i += 1;
        }
    };
    let mut path = base;
    loop {
        skip_space(&mut i);
        if code.get(i) == Some(&'{') {
            i += 1;
            loop {
                skip_space(&mut i);
                match code.get(i) {
                    Some('}') => return i + 1,
                    Some(',') => i += 1,
                    None => return i,
                    _ => i = path_tree(code, i, path.clone(), found),
                }
            }
        }
        let start = i;
        while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
            i += 1;
        }
        let segment: String = code[start..i].iter().collect();
        if !segment.is_empty() && segment != "self" {
            path.push(segment);
        }
        if code.get(i) == Some(&':') && code.get(i + 1) == Some(&':') {
            i += 2;
            continue;
        }
        found.push(path);
        // `x as y`, `*`: the rest of the item names nothing new.
        while i < code.len() && !matches!(code[i], ',' | '{' | '}' | ';' | '(' | ')' | '\n') {
            i += 1;
        }
        return i;
    }
}

/// Whether `path` starts with these segments.
fn under(path: &[String], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

const RENDERERS: &[&str] = &["human", "json", "junit", "classroom"];

/// Every breach of the nevers in `files` (module path, source), and every
/// import circle between the top-level modules.
fn breaches(files: &[(Vec<String>, String)]) -> Vec<String> {
    let top_modules: BTreeSet<&str> = files
        .iter()
        .filter_map(|(m, _)| m.first().map(String::as_str))
        .collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, source) in files {
        let name = module.join("::");
        let is_renderer =
            module.len() == 2 && module[0] == "report" && RENDERERS.contains(&module[1].as_str());
        let grader_file = (module.len() == 2 && module[0] == "graders").then(|| &module[1]);
        for target in references(module, source) {
            let to = target.join("::");
            let mut never = |rule: &str| problems.push(format!("{name} imports {to}: {rule}"));
            if under(module, &["peers"]) && under(&target, &["graders"]) {
                never("peers never import graders (a peer knows no verdicts)");
            }
            if under(module, &["harness"])
                && (under(&target, &["graders"]) || under(&target, &["peers"]))
            {
                never(
                    "the harness imports neither graders nor peers (it runs processes and knows no protocol)",
                );
            }
            if under(module, &["graders"])
                && RENDERERS.iter().any(|r| under(&target, &["report", r]))
            {
                never(
                    "graders never import the report renderers (a grader returns checks, never prints)",
                );
            }
            if is_renderer && under(&target, &["graders"]) {
                never("renderers never import graders (a renderer never decides)");
            }
            if under(&target, &["cli"]) && !under(module, &["cli"]) {
                never("nothing imports the command line");
            }
            if let Some(me) = grader_file
                && under(&target, &["graders"])
                && target.get(1) != Some(me)
            {
                never("one grader never imports another grader, nor the registry");
            }
            if let (Some(from), Some(to)) = (module.first(), target.first())
                && from != to
                && top_modules.contains(to.as_str())
            {
                edges.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    problems.extend(circles(&edges));
    problems
}

/// One line per import circle among the modules of `edges`.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    // A depth-first search that reports each back edge's circle.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut circle = stack[at..].to_vec();
            circle.push(node.to_string());
            found.push(format!("import circle: {}", circle.join(" -> ")));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, found);
        }
        stack.pop();
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

/// The rules on made-up sources: each breach is caught, and what the rules
/// allow passes.
mod the_nevers_catch_breaches {
    use super::*;

    fn file(module: &str, source: &str) -> (Vec<String>, String) {
        let module = if module.is_empty() {
            Vec::new()
        } else {
            module.split("::").map(str::to_string).collect()
        };
        (module, source.to_string())
    }

    fn breaches_of(files: &[(&str, &str)]) -> Vec<String> {
        let files: Vec<_> = files.iter().map(|(m, s)| file(m, s)).collect();
        breaches(&files)
    }

    fn caught(files: &[(&str, &str)], rule: &str) {
        let found = breaches_of(files);
        assert!(
            found.iter().any(|b| b.contains(rule)),
            "expected a breach saying `{rule}`, found {found:?}"
        );
    }

    #[test]
    fn a_peer_importing_a_grader() {
        caught(
            &[
                ("peers::tcp", "use crate::graders::tcp_client::CHECKS;"),
                ("graders::tcp_client", ""),
            ],
            "peers never import graders",
        );
    }

    #[test]
    fn the_harness_importing_a_peer_or_a_grader() {
        caught(
            &[("harness::net", "use crate::{report, peers::tcp::Conn};")],
            "the harness imports neither",
        );
        caught(
            &[("harness", "fn f() { crate::graders::lookup(\"x\"); }")],
            "the harness imports neither",
        );
    }

    #[test]
    fn a_grader_importing_a_renderer() {
        caught(
            &[(
                "graders::tcp_client",
                "use crate::report::{self, human::exercise};",
            )],
            "graders never import the report renderers",
        );
    }

    #[test]
    fn a_renderer_importing_a_grader() {
        caught(
            &[("report::json", "use crate::graders::ALL;")],
            "renderers never import graders",
        );
    }

    #[test]
    fn anything_importing_the_command_line() {
        caught(
            &[("watch", "use crate::cli::Cli;")],
            "nothing imports the command line",
        );
    }

    #[test]
    fn a_grader_importing_another() {
        caught(
            &[(
                "graders::concurrent_server",
                "use super::line_protocol::Request;",
            )],
            "one grader never imports another",
        );
        caught(
            &[("graders::ws_chat", "use crate::graders::{ws_echo_server};")],
            "one grader never imports another",
        );
    }

    #[test]
    fn super_in_an_inline_module_is_relative_to_it() {
        let found = breaches_of(&[(
            "graders::ws_chat",
            "mod tests {\n    use super::*;\n    mod deeper { use super::super::Member; }\n}\nuse super::ws_echo_server;",
        )]);
        assert_eq!(
            found,
            [
                "graders::ws_chat imports graders::ws_echo_server: one grader never imports another grader, nor the registry"
            ]
        );
    }

    #[test]
    fn an_import_circle() {
        caught(
            &[
                ("cli", "use crate::cards::quiz;"),
                ("cards", "use crate::watch::terminal;"),
                ("watch", "use crate::{app::App, cli};"),
                ("app", ""),
            ],
            "import circle: cards -> watch -> cli -> cards",
        );
    }

    #[test]
    fn comments_strings_and_allowed_imports_are_no_breach() {
        let found = breaches_of(&[
            (
                "peers::http",
                "// use crate::graders::x;\n/// crate::cli\nconst S: &str = \"crate::graders\";\n\
                 const R: &str = r#\"use crate::cli;\"#;\nuse crate::harness::{Failure, expect::race};\nfn f<'a>(c: char) -> bool { c == '\"' }",
            ),
            (
                "graders::tcp_client",
                "use crate::peers::tcp::{self, Conn};\nuse crate::report::size;",
            ),
            ("harness", "use crate::report::Check;"),
            ("report::human", "use super::{Check, escape};"),
            ("report", ""),
            ("cli", "use crate::{app::App, watch};"),
            ("app", "use crate::graders;"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
