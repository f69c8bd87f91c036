//! `tarjama eval align` (not implemented yet).

use crate::Status;
use crate::cli::GlobalArgs;

/// Arguments of `tarjama eval align`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `tarjama eval align`.
pub fn run(_args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    anyhow::bail!("'tarjama eval align' is not implemented yet")
}
