//! `tarjama export` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama export`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama export`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama export' is not implemented yet")
}
