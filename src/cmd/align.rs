//! `tarjama align` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama align`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama align`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama align' is not implemented yet")
}
