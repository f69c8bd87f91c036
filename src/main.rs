//! The `tarjama` binary: parse the command line, run the library, map the outcome to an exit code.
//! The command line lives here (`src/cli/`), never in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tarjama::interrupt::install_handler();
    let cli = cli::Cli::parse();
    match cli::dispatch(cli) {
        Ok(status) => status.exit_code(),
        Err(err) => report_error(&err),
    }
}

/// Prints an error as one line, `tarjama: error: …` with its cause chain, and picks the exit code:
/// 0 for a closed pipe (the reader went away, as with `| head`), 2 for everything else.
fn report_error(err: &anyhow::Error) -> ExitCode {
    let broken_pipe = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("tarjama: error: {err:#}");
    ExitCode::from(2)
}
