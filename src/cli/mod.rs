//! The command line: clap types and one thin module per command (parse → library call → print).
//! Only the binary uses it; the library never sees clap.

pub mod align;
mod args;
pub mod cache;
pub mod check;
mod choice;
pub mod eval;
pub mod export;
pub mod providers;
pub mod review;
pub mod run;
pub mod serve;
pub mod split;
pub mod translate;

pub use args::{Cli, Command, GlobalArgs};
pub use choice::choice;

use tarjama::Status;

/// Runs an async library call to completion on the runtime `main` entered (commands are plain
/// code; the ones that translate block here while the runtime's workers do the network).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Handle::current().block_on(future)
}

/// Runs the command named on the command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<Status> {
    let global = &cli.global;
    tarjama::config::set_trust_config(global.trust_config);
    match &cli.command {
        Command::Split(args) => split::run(args, global),
        Command::Translate(args) => translate::run(args, global),
        Command::Align(args) => align::run(args, global),
        Command::Check(args) => check::run(args, global),
        Command::Export(args) => export::run(args, global),
        Command::Run(args) => run::run(args, global),
        Command::Review(args) => review::run(args, global),
        Command::Serve(args) => serve::run(args, global),
        Command::Providers(args) => providers::run(args, global),
        Command::Cache(args) => cache::run(args, global),
        Command::Eval(args) => eval::run(args, global),
    }
}
