//! `tarjama eval flags` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval flags`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama eval flags`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama eval flags' is not implemented yet")
}
