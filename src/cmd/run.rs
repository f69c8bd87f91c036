//! `tarjama run` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama run`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama run' is not implemented yet")
}
