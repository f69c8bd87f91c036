//! `tarjama cache` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama cache`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama cache`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama cache' is not implemented yet")
}
