//! `tarjama check`: run the quality checks on a bitext, replace their old flags, write it back.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::bitext::{Bitext, Flag, Severity, Side};
use tarjama::quality::{self, CheckSettings};

use rayon::prelude::*;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The canonical bitext JSONL with the new flag records.
    Jsonl,
    /// A readable list of the flags, riskiest beads first.
    Text,
}

/// The lowest severity that fails the quality gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on warnings and errors.
    Warning,
    /// Fail on errors only.
    Error,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
        }
    }
}

/// Arguments of `tarjama check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  tarjama check out/article.jsonl -o out/article.jsonl\n  tarjama check out/article.jsonl --format text --fail-on warning\n  tarjama check --list"
)]
pub struct Args {
    /// Bitext JSONL to check, or - for standard input.
    #[arg(required_unless_present = "list")]
    pub bitext: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Exit with code 1 when a flag at or above this severity is present.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List the checks (code, default severity, family, what it catches) and exit.
    #[arg(long)]
    pub list: bool,
    /// Also run the service-backed signals enabled in `[checks]` (round-trip,
    /// provider-disagreement, llm-judge): they call the configured providers, through the cache.
    #[arg(long)]
    pub signals: bool,
}

/// Runs `tarjama check`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    if args.list {
        let mut out = std::io::stdout().lock();
        write_list(&mut out)?;
        return Ok(Status::Success);
    }
    let path = args.bitext.as_deref().unwrap_or(Path::new("-"));
    // `check b.jsonl -o b.jsonl` updates the bitext in place (it is read whole first); any
    // other format written over the input would destroy it.
    let inputs: &[&Path] = match args.format {
        Format::Jsonl => &[],
        Format::Text => &[path],
    };
    let sink = tarjama::output::Sink::new(args.output.as_deref(), inputs)?;
    let settings = load_settings(global.config.as_deref())?;
    let mut bitext = Bitext::read_path(path)?;
    let mut flags = quality::check(&bitext, &settings);
    let mut owned: Vec<&str> = quality::rule_codes().collect();
    if args.signals {
        let settings = tarjama::config::load(
            global.config.as_deref(),
            &tarjama::config::Overrides::default(),
        )?;
        flags.extend(crate::cli::block_on(
            tarjama::pipeline::signals::service_signals(&bitext, &settings),
        )?);
        owned.extend(tarjama::quality::Code::SIGNALS.map(tarjama::quality::Code::as_str));
        quality::sort_flags(&mut flags);
    }
    quality::replace_flags(&mut bitext, &owned, flags);
    if let Some(file) = args
        .output
        .as_deref()
        .filter(|_| args.format == Format::Jsonl)
    {
        tarjama::review::store::keep_decisions_of(file, &mut bitext)?;
    }
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Jsonl => bitext.write_jsonl(out),
            Format::Text => write_text(&bitext, out),
        }
    };
    sink.write(write)?;
    Ok(gate(&bitext.flags, args.fail_on))
}

/// The `[checks]` table of the configuration (`--config`, else ./config.toml, the user's
/// configuration, the built-in defaults).
pub fn load_settings(config: Option<&Path>) -> anyhow::Result<CheckSettings> {
    Ok(tarjama::config::load(config, &tarjama::config::Overrides::default())?.checks)
}

/// Exit status for the gate: `GateFailed` when a flag is at or above `fail_on`.
pub fn gate(flags: &[Flag], fail_on: Option<FailOn>) -> Status {
    match fail_on {
        Some(level) if flags.iter().any(|f| f.severity >= level.severity()) => Status::GateFailed,
        _ => Status::Success,
    }
}

/// The registry as a table.
pub fn write_list(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<22} {:<8} {:<10} WHAT IT CATCHES",
        "CODE", "SEVERITY", "FAMILY"
    )?;
    for c in quality::registry() {
        writeln!(
            out,
            "{:<22} {:<8} {:<10} {}",
            c.code,
            c.severity.to_string(),
            c.family,
            c.doc
        )?;
    }
    Ok(())
}

/// A readable report: beads by decreasing risk, each with its flags; Arabic text on its own line.
pub fn write_text(bitext: &Bitext, out: &mut dyn Write) -> std::io::Result<()> {
    // Flags indexed once: a per-bead scan of every flag is quadratic on long articles.
    let index = bitext.flag_index();
    let mut beads: Vec<(f64, usize, &tarjama::bitext::Bead)> = bitext
        .beads
        .iter()
        .enumerate()
        .filter(|&(_, b)| index.is_flagged(b.id))
        .map(|(position, b)| (quality::risk_of(index.for_bead(bitext, b.id)), position, b))
        .filter(|(r, _, _)| *r > 0.0)
        .collect();
    beads.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.id.cmp(&b.2.id)));
    let counts = |s: Severity| bitext.flags.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "{} flags ({} errors, {} warnings, {} info) on {} of {} beads",
        bitext.flags.len(),
        counts(Severity::Error),
        counts(Severity::Warning),
        counts(Severity::Info),
        beads.len(),
        bitext.beads.len()
    )?;
    // The beads' blocks are formatted on every core, a run of beads into each buffer (the report
    // of a big bitext is tens of megabytes, formatted alone it was a tenth of the run), and
    // written in order.
    for chunk in beads.chunks(REPORT_CHUNK) {
        let buffers = chunk
            .par_chunks(REPORT_RUN)
            .map(|run| {
                let mut buffer = Vec::with_capacity(run.len() * BLOCK_BYTES);
                for &(risk, _, bead) in run {
                    write_bead(bitext, &index, bead, risk, &mut buffer)?;
                }
                Ok(buffer)
            })
            .collect::<std::io::Result<Vec<Vec<u8>>>>()?;
        for buffer in buffers {
            out.write_all(&buffer)?;
        }
    }
    let loose: Vec<&Flag> = bitext
        .flags
        .iter()
        .filter(|f| f.bead.is_none() && f.source.is_empty() && f.target.is_empty())
        .collect();
    for f in loose {
        writeln!(out, "\ndocument: {} {}: {}", f.severity, f.code, f.message)?;
    }
    Ok(())
}

/// Beads whose report blocks are formatted side by side before being written.
const REPORT_CHUNK: usize = 4096;

/// Beads whose blocks one job formats into one buffer.
const REPORT_RUN: usize = 256;

/// About the size of a bead's block, to size the buffers.
const BLOCK_BYTES: usize = 1024;

/// One flagged bead's block of the text report: its texts and its flags.
fn write_bead(
    bitext: &Bitext,
    index: &tarjama::bitext::FlagIndex,
    bead: &tarjama::bitext::Bead,
    risk: f64,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "\nbead {} (source {:?}, target {:?}), risk {:.2}",
        bead.id, bead.source, bead.target, risk
    )?;
    for (label, side, ids) in [
        ("  source: ", Side::Source, &bead.source),
        ("  target: ", Side::Target, &bead.target),
    ] {
        out.write_all(label.as_bytes())?;
        out.write_all(bitext.side_text(side, ids).as_bytes())?;
        out.write_all(b"\n")?;
    }
    for f in index.for_bead(bitext, bead.id) {
        writeln!(
            out,
            "  {:<7} {} [source {:?}, target {:?}]: {}",
            f.severity, f.code, f.source, f.target, f.message
        )?;
        if !f.evidence.is_empty() {
            writeln!(out, "          evidence: {}", f.evidence)?;
        }
    }
    Ok(())
}
