//! `tarjama serve`: review a bitext in the browser (see `tarjama::serve`).

use std::net::IpAddr;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::serve::{ServeConfig, files_for, serve};

/// Arguments of `tarjama serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tarjama serve out/ar/bitext.jsonl
  tarjama serve out/            # every out/*/bitext.jsonl, one at a time

Prints the address to open (http://127.0.0.1:PORT/). Keys on the page: j/k move, a accept,
e edit, g garbled, r reject, n note, Enter save, Escape cancel, u undo. Each decision is
appended to the bitext and synced before the page shows it as saved; `tarjama review` and other
tabs may work on the same bitext at the same time.")]
pub struct Args {
    /// The bitext to review, or a folder of them (`tarjama run` outputs).
    #[arg(value_name = "BITEXT")]
    pub bitext: PathBuf,
    /// Address to listen on. Anything but a loopback address requires the access token printed
    /// in the URL.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port (default: a free one).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,
    /// Reviewer name recorded with each decision.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
}

/// Runs `tarjama serve` until Ctrl-C.
pub fn run(args: &Args, _global: &GlobalArgs) -> anyhow::Result<Status> {
    if args.bitext.as_os_str() == "-" {
        anyhow::bail!(
            "serve records decisions in the bitext file itself; give its path instead of '-'"
        );
    }
    let config = ServeConfig {
        files: files_for(&args.bitext)?,
        reviewer: args.reviewer.clone(),
        bind: args.bind,
        port: args.port,
    };
    crate::cli::block_on(serve(config, |url| {
        println!("tarjama: reviewing at {url}  (Ctrl-C to stop; every decision is already saved)");
        use std::io::Write;
        let _ = std::io::stdout().flush();
    }))?;
    Ok(Status::Success)
}
