//! `tarjama cache`: where the translation cache is, what it holds, clearing and exporting it.
// The argument docs double as `--help` text, where `[translate] to` names a config.toml
// section, not a rustdoc link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::io::Write;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::bitext::{Bead, Bitext, Origin, Sentence, Side};
use tarjama::cache::{Cache, Entry};
use tarjama::config::{self, Overrides};

/// Arguments of `tarjama cache`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tarjama cache stats
  tarjama cache export --format tmx -o memory.tmx
  tarjama cache clear")]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
    /// The cache file (default: [translate] cache in config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub cache: Option<PathBuf>,
}

/// `tarjama cache` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Entries, billed characters and size, in total and per provider.
    Stats,
    /// Print the cache file's path.
    Path,
    /// Delete every entry.
    Clear,
    /// Write every entry as JSONL, TSV, or a TMX 1.4b translation memory.
    Export(ExportArgs),
}

/// Formats of `cache export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per entry (every language pair).
    Jsonl,
    /// source_lang, target_lang, source, target, provider, created (every language pair).
    Tsv,
    /// TMX 1.4b with the configured language pair ([translate] from/to, --to).
    Tmx,
}

/// Arguments of `cache export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// TMX: target language of the pairs to export (default: [translate] to).
    #[arg(long, value_name = "LANG")]
    pub to: Option<tarjama::lang::Lang>,
}

/// Runs `tarjama cache`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    let overrides = Overrides {
        cache: args.cache.clone(),
        to: match &args.action {
            Action::Export(e) => e.to.clone(),
            _ => None,
        },
        ..Overrides::default()
    };
    let settings = config::load(global.config.as_deref(), &overrides)?;
    let path = &settings.translate.cache;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Action::Path = args.action {
        writeln!(out, "{}", path.display())?;
        return Ok(Status::Success);
    }
    if !path.exists() {
        match args.action {
            Action::Export(_) => {}
            _ => {
                writeln!(out, "no cache yet at {} (0 entries)", path.display())?;
                return Ok(Status::Success);
            }
        }
    }
    let cache = Cache::open(path)?;
    match &args.action {
        Action::Path => unreachable!("handled above"),
        Action::Stats => print_stats(&cache, &mut out)?,
        Action::Clear => {
            let n = cache.clear()?;
            writeln!(out, "removed {n} entries from {}", path.display())?;
        }
        Action::Export(e) => {
            let entries: Vec<Entry> = cache.entries()?.collect();
            let (from, to) = (&settings.translate.from, &settings.translate.to);
            let write = |w: &mut dyn Write| match e.format {
                ExportFormat::Jsonl => write_jsonl(&entries, w),
                ExportFormat::Tsv => write_tsv(&entries, w),
                ExportFormat::Tmx => {
                    let bitext = entries_as_bitext(&entries, from, to);
                    tarjama::output::tmx::write(&bitext, w, &Default::default())
                }
            };
            // The cache file itself is an input: `-o` naming it would destroy every entry.
            drop(out);
            tarjama::output::write_to(e.output.as_deref(), &[path.as_path()], write)?;
            return Ok(Status::Success);
        }
    }
    Ok(Status::Success)
}

fn print_stats(cache: &Cache, out: &mut dyn Write) -> anyhow::Result<()> {
    let stats = cache.stats()?;
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            let mut p = cache.path().as_os_str().to_owned();
            p.push(suffix);
            std::fs::metadata(p).ok().map(|m| m.len())
        })
        .sum();
    writeln!(out, "cache: {}", cache.path().display())?;
    writeln!(
        out,
        "{} entries, {} characters billed, {} bytes on disk",
        stats.entries, stats.billed_chars, size
    )?;
    if let Some((oldest, newest)) = stats.span {
        writeln!(out, "oldest {}, newest {}", time(oldest), time(newest))?;
    }
    for (provider, entries, billed) in &stats.by_provider {
        writeln!(
            out,
            "  {provider}: {entries} entries, {billed} characters billed"
        )?;
    }
    Ok(())
}

fn time(secs: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

fn write_jsonl(entries: &[Entry], out: &mut dyn Write) -> std::io::Result<()> {
    for e in entries {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_tsv(entries: &[Entry], out: &mut dyn Write) -> std::io::Result<()> {
    use tarjama::output::tsv::write_row;
    let header = [
        "source_lang",
        "target_lang",
        "source",
        "target",
        "provider",
        "created",
    ];
    write_row(out, &header.map(String::from))?;
    for e in entries {
        write_row(
            out,
            &[
                e.source_lang.clone(),
                e.target_lang.clone(),
                e.source.clone(),
                e.target.clone(),
                e.provider.clone(),
                time(e.created),
            ],
        )?;
    }
    Ok(())
}

/// The entries of one language pair as a bitext of 1-1 beads, for the TMX writer.
fn entries_as_bitext(
    entries: &[Entry],
    from: &tarjama::lang::Lang,
    to: &tarjama::lang::Lang,
) -> Bitext {
    let mut bitext = Bitext::new(from.clone(), to.clone());
    bitext.header.unit = Some("sentence".into());
    let pair = entries
        .iter()
        .filter(|e| e.source_lang == from.as_str() && e.target_lang == to.as_str());
    for (id, e) in pair.enumerate() {
        bitext
            .source
            .push(Sentence::new(Side::Source, id, id, e.source.clone()));
        let mut target = Sentence::new(Side::Target, id, id, e.target.clone());
        target.origin = Some(Origin::Cache);
        target.provider = Some(e.provider.clone());
        bitext.target.push(target);
        bitext.beads.push(Bead::new(id, vec![id], vec![id], 1.0));
    }
    bitext
}
