//! `tarjama eval` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama eval`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama eval' is not implemented yet")
}
