use std::process::ExitCode;

#[cfg(unix)]
fn main() -> ExitCode {
    netlings::cli::main()
}

/// What netlings says on Windows, instead of failing to compile there.
#[cfg(not(unix))]
const WINDOWS: &str = "netlings runs on Linux and macOS: it starts your programs in \
process groups and stops them with signals, which Windows does not have. On Windows, use WSL \
(Windows Subsystem for Linux): run `wsl --install` once, open the Ubuntu terminal, clone \
netlings into your Linux home folder (~/, not /mnt/c, where saves are noticed late) and run \
`cargo run` there. See README.md, \"Platforms\".";

#[cfg(not(unix))]
fn main() -> ExitCode {
    eprintln!("netlings: {WINDOWS}");
    ExitCode::from(2)
}
