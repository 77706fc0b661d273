use std::process::ExitCode;

fn main() -> ExitCode {
    netlings::cli::main()
}
