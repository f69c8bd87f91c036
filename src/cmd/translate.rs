//! `tarjama translate` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama translate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama translate`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama translate' is not implemented yet")
}
