//! Rust code from `.proto` files without a system `protoc`: protox parses
//! them, tonic-prost-build writes prost messages and tonic clients and
//! servers. Shared by the build scripts of the runner, the exercises and the
//! mutants (each includes this file with `#[path]`).
//!
//! `compile_fds` prints no `cargo:rerun-if-changed` of its own, and a build
//! script that prints none is rerun on every change in its package - which
//! would rebuild every exercise on every save. So every file protox read is
//! printed here, and nothing else.

use std::path::{Path, PathBuf};

/// Compiles `files` (found under `include`) into `out`, one `.rs` per proto
/// package (`netlings.kv.v1.rs`). Returns protox's error, located, as text.
pub fn compile(files: &[PathBuf], include: &Path, out: &Path) -> Result<(), String> {
    // Printed first: a proto with a syntax error must still be watched, so
    // that fixing it runs this script again.
    for file in files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let mut compiler = protox::Compiler::new([include]).map_err(|e| e.to_string())?;
    compiler.include_imports(true);
    compiler
        .open_files(files)
        .map_err(|e| describe(&e, include))?;
    for file in compiler.files() {
        if let Some(path) = file.path() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    tonic_prost_build::configure()
        .out_dir(out)
        .compile_fds(compiler.file_descriptor_set())
        .map_err(|e| format!("generating Rust code: {e}"))
}

/// protox's error with its file, line and column when it has them.
fn describe(error: &protox::Error, include: &Path) -> String {
    use miette::Diagnostic;
    let text = error
        .file()
        .and_then(|file| std::fs::read_to_string(include.join(file)).ok())
        .unwrap_or_default();
    let offset = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset())
        // protox points nowhere when the file ends too soon: at its end.
        .or_else(|| {
            error
                .to_string()
                .contains("end of file")
                .then_some(text.len())
        })
        // Nor at an import it cannot follow (a cycle): at that import.
        .or_else(|| import_named_in(&error.to_string(), &text));
    match (error.file(), offset) {
        (Some(file), Some(offset)) => {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{file}:{line}:{column}: {error}")
        }
        (Some(file), None) => format!("{file}: {error}"),
        _ => error.to_string(),
    }
}

/// Where `text` imports a file that `message` names.
fn import_named_in(message: &str, text: &str) -> Option<usize> {
    text.match_indices("import").map(|(at, _)| at).find(|&at| {
        let rest = &text[at + "import".len()..];
        rest.split('"')
            .nth(1)
            .is_some_and(|name| !name.is_empty() && message.contains(name))
    })
}
