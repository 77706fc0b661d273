//! Embeds the stubs as shipped, so that `netlings reset` can restore them;
//! and generates the reference gRPC peers' code from the contracts.
//!
//! The copies are taken when the runner is first built and refreshed only
//! when `exercises.toml` or this file changes - never because a learner
//! edited a stub (that would embed the learner's version as the "original").
//!
//! The peers' code comes from `proto/` and from the *finished*
//! `solutions/04_grpc/notes.proto`, never from the learner's
//! `exercises/04_grpc/notes.proto`: what a learner writes in a proto cannot
//! change how netlings judges it.

#[path = "proto/codegen.rs"]
mod codegen;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=exercises.toml");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    peers_protos(&root, &out);
    let stubs_out = out.join("stubs");
    let _ = std::fs::remove_dir_all(&stubs_out);
    let mut files = Vec::new();
    collect(&root.join("exercises"), &mut files);
    files.sort();
    let mut code = String::from(
        "/// (path relative to `exercises/`, original content)\npub static STUBS: &[(&str, &str)] = &[\n",
    );
    for file in files {
        let rel = file.strip_prefix(root.join("exercises")).unwrap();
        let rel_str = rel
            .to_str()
            .expect("exercise paths are UTF-8")
            .replace('\\', "/");
        let copy = stubs_out.join(rel);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(&file, &copy).unwrap();
        writeln!(
            code,
            "    ({rel_str:?}, include_str!({:?})),",
            copy.to_str().unwrap()
        )
        .unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("stubs.rs"), code).unwrap();
}

/// The contracts in `proto/` and the finished `notes.proto`, compiled for
/// the peers into `$OUT_DIR/grpc/`.
fn peers_protos(root: &Path, out: &Path) {
    let grpc = out.join("grpc");
    let _ = std::fs::remove_dir_all(&grpc);
    let fixed = root.join("proto");
    let contracts: Vec<PathBuf> = ["kv.proto", "jobs.proto", "telemetry.proto", "wire.proto"]
        .iter()
        .map(|f| fixed.join(f))
        .collect();
    codegen::compile(&contracts, &fixed, &grpc).unwrap_or_else(|e| panic!("{e}"));
    let finished = root.join("solutions/04_grpc");
    codegen::compile(&[finished.join("notes.proto")], &finished, &grpc)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The files of every topic folder (`exercises/NN_topic/*`): stubs, quiz
/// answer files, READMEs and protos; not the package's own Cargo.toml.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(topics) = std::fs::read_dir(dir) else {
        return;
    };
    for topic in topics.flatten().filter(|t| t.path().is_dir()) {
        let Ok(entries) = std::fs::read_dir(topic.path()) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e == "rs" || e == "toml" || e == "md" || e == "proto")
            {
                files.push(path);
            }
        }
    }
}
