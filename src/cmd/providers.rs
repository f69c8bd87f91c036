//! `tarjama providers` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama providers`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama providers`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama providers' is not implemented yet")
}
