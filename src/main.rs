//! The `tarjama` binary: parse the command line, run the library, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tarjama::interrupt::install_handler();
    let cli = tarjama::cli::Cli::parse();
    match tarjama::run(cli) {
        Ok(status) => status.exit_code(),
        Err(err) => tarjama::report_error(&err),
    }
}
