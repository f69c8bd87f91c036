//! `tarjama review` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama review`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama review`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama review' is not implemented yet")
}
