//! The fast path from save to binary: calling rustc directly with the exact
//! command cargo used last time, instead of asking cargo again.
//!
//! cargo spends ~0.2 s checking that ~340 dependencies are fresh before it
//! rebuilds one changed exercise; rustc alone rebuilds and links it in
//! ~0.1 s. So the first time cargo compiles a bin, netlings records the
//! rustc invocation (`cargo build -vv` prints it), together with stamps of
//! everything that could make it stale: the manifests, the lock file, the
//! toolchain, the dependency rlibs, cargo's environment. While all stamps
//! still match, a rebuild is that one rustc call. Anything else - a stamp
//! that moved, a rustc failure, a missing record - goes through cargo, the
//! authority, which also prints the diagnostics of code that does not
//! compile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde::{Deserialize, Serialize};

/// Environment variables that change how cargo builds: a different value
/// means the recorded command may not be what cargo would run now.
const CARGO_ENV: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_BUILD_DIR",
    "CARGO_BUILD_TARGET",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_INCREMENTAL",
    "CARGO_PROFILE_DEV_DEBUG",
    "CARGO_PROFILE_DEV_OPT_LEVEL",
];

/// Variables of cargo's own plumbing that must not be replayed.
const NOT_REPLAYED: &[&str] = &["CARGO_MAKEFLAGS", "MAKEFLAGS", "MFLAGS"];

/// Size and modification time of a file: enough to notice it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified_ns: u128,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified_ns: meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos(),
    })
}

/// One recorded rustc invocation for one bin.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    bin: String,
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// The file rustc writes (`--out-dir` / crate name + extra filename).
    output: PathBuf,
    /// Where cargo puts the bin for `cargo run` (hard-linked after a build).
    uplift: Option<PathBuf>,
    /// Everything whose change makes the record stale.
    stamps: BTreeMap<PathBuf, Option<Stamp>>,
    cargo_env: BTreeMap<String, Option<String>>,
}

fn record_path(root: &Path, bin: &str) -> PathBuf {
    root.join(".netlings")
        .join("fast-build")
        .join(format!("{bin}.json"))
}

fn cargo_env() -> BTreeMap<String, Option<String>> {
    CARGO_ENV
        .iter()
        .map(|k| (k.to_string(), std::env::var(k).ok()))
        .collect()
}

impl Record {
    /// Builds a record from cargo's `Running `…`` line for a bin.
    pub fn from_running_line(root: &Path, bin: &str, line: &str) -> Option<Record> {
        let command = line.trim().strip_prefix("Running `")?.strip_suffix('`')?;
        let words = shell_words(command)?;
        let mut env = Vec::new();
        let mut rest = words.into_iter().peekable();
        while let Some(word) = rest.peek() {
            match word.split_once('=') {
                Some((k, v))
                    if !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
                {
                    if !NOT_REPLAYED.contains(&k) {
                        env.push((k.to_string(), v.to_string()));
                    }
                    rest.next();
                }
                _ => break,
            }
        }
        let program = PathBuf::from(rest.next()?);
        let args: Vec<String> = rest.collect();
        let value_of = |flag: &str| {
            args.iter()
                .position(|a| a == flag)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        let codegen = |key: &str| {
            args.windows(2)
                .find(|w| w[0] == "-C" && w[1].starts_with(&format!("{key}=")))
                .map(|w| w[1][key.len() + 1..].to_string())
        };
        if value_of("--crate-name")? != bin.replace('-', "_") || value_of("--crate-type")? != "bin"
        {
            return None;
        }
        let output = PathBuf::from(value_of("--out-dir")?).join(format!(
            "{}{}",
            bin.replace('-', "_"),
            codegen("extra-filename").unwrap_or_default()
        ));
        let mut stamps = BTreeMap::new();
        for file in ["Cargo.toml", "Cargo.lock", "exercises/Cargo.toml"] {
            stamps.insert(root.join(file), stamp(&root.join(file)));
        }
        stamps.insert(program.clone(), stamp(&program));
        for input in build_script_inputs(&env) {
            let stamped = stamp(&input);
            stamps.insert(input, stamped);
        }
        for (i, arg) in args.iter().enumerate() {
            if arg == "--extern"
                && let Some((_, path)) = args.get(i + 1).and_then(|a| a.split_once('='))
            {
                stamps.insert(PathBuf::from(path), stamp(Path::new(path)));
            }
        }
        Some(Record {
            bin: bin.to_string(),
            program,
            args,
            env,
            output,
            uplift: None,
            stamps,
            cargo_env: cargo_env(),
        })
    }

    pub fn with_uplift(mut self, executable: &Path) -> Record {
        if executable != self.output {
            self.uplift = Some(executable.to_path_buf());
        }
        self
    }

    pub fn save(&self, root: &Path) {
        let path = record_path(root, &self.bin);
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(json) = serde_json::to_vec(self)
        {
            let _ = crate::state::write_atomically(&path, &json);
        }
    }

    /// The record for `bin`, if there is one and nothing it depends on moved.
    pub fn load_fresh(root: &Path, bin: &str) -> Option<Record> {
        let bytes = std::fs::read(record_path(root, bin)).ok()?;
        let record: Record = serde_json::from_slice(&bytes).ok()?;
        let fresh = record.cargo_env == cargo_env()
            && record
                .stamps
                .iter()
                .all(|(path, was)| was.is_some() && stamp(path) == *was);
        fresh.then_some(record)
    }

    pub fn forget(root: &Path, bin: &str) {
        let _ = std::fs::remove_file(record_path(root, bin));
    }

    /// Runs the recorded rustc. `Some(executable)` when it built; `None`
    /// when it did not (the caller then asks cargo, which explains why).
    pub async fn compile(&self, root: &Path) -> Option<PathBuf> {
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(&self.args)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        for k in NOT_REPLAYED {
            cmd.env_remove(k);
        }
        crate::harness::groups::own(&mut cmd);
        // Under cargo's lock: no cargo of this checkout relinks the bin
        // between this build and its pinning (see crate::pinned).
        let lock = crate::pinned::cargo_lock(&self.output).await;
        let child = crate::harness::groups::spawn(cmd).ok()?;
        let guard = child
            .id()
            .map(|pid| crate::harness::groups::GroupGuard::new(pid as i32));
        let out = child.wait_with_output().await.ok()?;
        if let Some(mut guard) = guard {
            guard.disarm();
        }
        if !out.status.success() {
            return None;
        }
        let mut built = crate::provenance::Built::load(root);
        built.mark_ours(&self.output);
        if let Some(uplift) = &self.uplift {
            let _ = std::fs::remove_file(uplift);
            if std::fs::hard_link(&self.output, uplift).is_err() {
                let _ = std::fs::copy(&self.output, uplift);
            }
            built.mark_ours(uplift);
        }
        let pinned = crate::pinned::link(&self.output);
        drop(lock);
        built.mark_ours(&pinned);
        built.save(root);
        Some(pinned)
    }
}

/// The files the package's build script watches (its
/// `cargo:rerun-if-changed` lines, in `$OUT_DIR/../output`): the exercises'
/// `.proto` files. A bin may include code generated from them (grpc_codegen
/// includes `$OUT_DIR/notes.rs`), and every bin links the library built
/// from them, so a saved `.proto` must send the next build through cargo,
/// which reruns the build script.
fn build_script_inputs(env: &[(String, String)]) -> Vec<PathBuf> {
    let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let Some(out_dir) = var("OUT_DIR") else {
        return Vec::new();
    };
    let Some(output) = Path::new(out_dir).parent().map(|d| d.join("output")) else {
        return Vec::new();
    };
    let manifest_dir = var("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let Ok(text) = std::fs::read_to_string(&output) else {
        // A build script ran, but its output cannot be read: never trust
        // the record (a missing stamp makes it stale).
        return vec![output];
    };
    text.lines()
        .filter_map(|l| {
            l.strip_prefix("cargo:rerun-if-changed=")
                .or_else(|| l.strip_prefix("cargo::rerun-if-changed="))
        })
        .map(|p| match &manifest_dir {
            Some(dir) => dir.join(p),
            None => PathBuf::from(p),
        })
        .collect()
}

/// Splits a command line as a POSIX shell would (quotes and backslashes;
/// no expansions) - the form cargo prints its commands in.
pub fn shell_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => word.push(chars.next()?),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_as_cargo_quotes_them() {
        assert_eq!(
            shell_words(r#"A='it'\''s' B= /bin/rustc --x 'a b' c\ d"#).unwrap(),
            vec!["A=it's", "B=", "/bin/rustc", "--x", "a b", "c d"]
        );
        assert!(shell_words("'unclosed").is_none());
    }

    #[test]
    fn a_running_line_becomes_a_record() {
        let root = Path::new("/nowhere");
        let line = "     Running `CARGO_CRATE_NAME=tcp_echo_server CARGO_MAKEFLAGS='-j --jobserver-fds=3,4' /bin/rustc --crate-name tcp_echo_server --edition=2024 exercises/x.rs --crate-type bin -C extra-filename=-abc --out-dir /t/debug/deps --extern tokio=/t/debug/deps/libtokio-1.rlib`";
        let r = Record::from_running_line(root, "tcp_echo_server", line).unwrap();
        assert_eq!(r.program, PathBuf::from("/bin/rustc"));
        assert_eq!(r.output, PathBuf::from("/t/debug/deps/tcp_echo_server-abc"));
        assert!(r.env.iter().any(|(k, _)| k == "CARGO_CRATE_NAME"));
        assert!(!r.env.iter().any(|(k, _)| k == "CARGO_MAKEFLAGS"));
        assert!(
            r.stamps
                .contains_key(Path::new("/t/debug/deps/libtokio-1.rlib"))
        );
        assert!(Record::from_running_line(root, "other", line).is_none());
    }

    #[test]
    fn the_build_scripts_inputs_are_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("build/pkg-1/out");
        std::fs::create_dir_all(&out).unwrap();
        let proto = dir.path().join("notes.proto");
        std::fs::write(&proto, "syntax = \"proto3\";").unwrap();
        std::fs::write(
            out.parent().unwrap().join("output"),
            format!(
                "cargo:rerun-if-changed=build.rs\ncargo:rerun-if-changed={}\ncargo:warning=x\n",
                proto.display()
            ),
        )
        .unwrap();
        let env = vec![
            ("OUT_DIR".to_string(), out.display().to_string()),
            (
                "CARGO_MANIFEST_DIR".to_string(),
                dir.path().display().to_string(),
            ),
        ];
        assert_eq!(
            build_script_inputs(&env),
            vec![dir.path().join("build.rs"), proto]
        );
        assert!(build_script_inputs(&[]).is_empty());
    }
}
