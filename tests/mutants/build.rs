//! Generates the code of the mutants' own protos: a mutant of grpc_codegen
//! is a proto with a mistake plus the Rust written against it, so each
//! `tests/mutants/**/NAME.proto` becomes `$OUT_DIR/NAME.rs`, which the
//! program `NAME.rs` beside it includes.

#[path = "../../proto/codegen.rs"]
mod codegen;

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut protos = Vec::new();
    collect(&dir, &mut protos);
    for proto in protos {
        // New protos beside it count too.
        println!(
            "cargo:rerun-if-changed={}",
            proto.parent().unwrap().display()
        );
        let stem = proto.file_stem().unwrap().to_str().unwrap().to_string();
        let scratch = out.join(format!("{stem}.gen"));
        let _ = std::fs::remove_dir_all(&scratch);
        codegen::compile(
            std::slice::from_ref(&proto),
            proto.parent().unwrap(),
            &scratch,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let generated = std::fs::read_dir(&scratch)
            .unwrap()
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect::<String>();
        std::fs::write(out.join(format!("{stem}.rs")), generated).unwrap();
    }
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() && !path.ends_with("src") {
            collect(&path, found);
        } else if path.extension().is_some_and(|e| e == "proto") {
            found.push(path);
        }
    }
}
