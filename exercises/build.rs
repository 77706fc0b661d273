//! Generates the Rust code of the gRPC exercises from their `.proto` files.
//!
//! - `proto/kv.proto`, `jobs.proto`, `telemetry.proto` (fixed contracts):
//!   compiled into this package's library once, `use protos::kv::…` in a bin.
//! - `exercises/04_grpc/notes.proto` (yours to edit, in `grpc_codegen`):
//!   written to `$OUT_DIR/notes.rs`, which `grpc_codegen.rs` includes. If it
//!   does not compile, that file becomes a `compile_error!` with protox's
//!   message, so only `grpc_codegen` fails and every other exercise builds.
//! - `solutions/04_grpc/notes.proto` (the finished one): `$OUT_DIR/notes_finished.rs`,
//!   for the solution `grpc_codegen_sol`.

#[path = "../proto/codegen.rs"]
mod codegen;

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let package = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = package.parent().unwrap().to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());

    let fixed = root.join("proto");
    let contracts: Vec<PathBuf> = ["kv.proto", "jobs.proto", "telemetry.proto"]
        .iter()
        .map(|f| fixed.join(f))
        .collect();
    if let Err(e) = codegen::compile(&contracts, &fixed, &out) {
        panic!("{e}");
    }

    notes(
        &root.join("exercises/04_grpc"),
        &out,
        "notes.rs",
        "exercises/04_grpc/notes.proto",
    );
    notes(
        &root.join("solutions/04_grpc"),
        &out,
        "notes_finished.rs",
        "solutions/04_grpc/notes.proto",
    );
}

/// Compiles `dir/notes.proto` into `$OUT_DIR/<name>`; a proto that does not
/// compile becomes a `compile_error!` saying why, where it is included.
fn notes(dir: &Path, out: &Path, name: &str, shown_as: &str) {
    let scratch = out.join(name.trim_end_matches(".rs"));
    let _ = std::fs::remove_dir_all(&scratch);
    let code = match codegen::compile(&[dir.join("notes.proto")], dir, &scratch) {
        Ok(()) => std::fs::read_to_string(scratch.join("netlings.notes.v1.rs")).unwrap_or_else(|_| {
            format!(
                "compile_error!({:?});\n",
                format!("{shown_as} must keep `package netlings.notes.v1;`: netlings calls that package")
            )
        }),
        Err(e) => {
            println!("cargo:warning={shown_as} does not compile: {e}");
            format!(
                "compile_error!({:?});\n",
                format!("{shown_as} does not compile: {e}")
            )
        }
    };
    std::fs::write(out.join(name), code).unwrap();
}
