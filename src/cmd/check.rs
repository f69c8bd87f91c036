//! `tarjama check` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama check`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama check' is not implemented yet")
}
