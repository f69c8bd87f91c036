//! `tarjama eval segment` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval segment`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama eval segment`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama eval segment' is not implemented yet")
}
