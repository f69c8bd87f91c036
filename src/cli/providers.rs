//! `tarjama providers`: list the configured translation providers, or test one.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;

use crate::cli::GlobalArgs;
use tarjama::Status;
use tarjama::config::{self, MEMORY, Overrides, Settings};
use tarjama::provider::{Batch, Provider, Translate};

/// Arguments of `tarjama providers`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  tarjama providers
  tarjama providers test deepl --text 'مرحبا بالعالم.'

Keys are never shown: the list says which environment variable holds each key and whether it
is set.")]
pub struct Args {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<Action>,
}

/// `tarjama providers` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Each configured provider: kind, base URL, key variable and whether it is set, chain order.
    List,
    /// Translate one short text with a provider (no cache) and show the answer and the time;
    /// for an embeddings provider, embed it and show the vector's dimension.
    Test {
        /// The provider's name in config.toml ([providers.NAME]).
        name: String,
        /// The text to translate.
        #[arg(long, default_value = "ذهب الولد إلى المدرسة.")]
        text: String,
    },
}

/// Runs `tarjama providers`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<Status> {
    let settings = config::load(global.config.as_deref(), &Overrides::default())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.action {
        None | Some(Action::List) => list(&settings, &mut out)?,
        Some(Action::Test { name, text }) => test(&settings, name, text, &mut out)?,
    }
    Ok(Status::Success)
}

/// One row of the list.
struct Row {
    name: String,
    kind: String,
    base_url: String,
    key: String,
    chain: String,
}

fn list(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "configuration: {}", settings.origin)?;
    let position = |name: &str| {
        settings
            .translate
            .chain
            .iter()
            .position(|n| n == name)
            .map_or("-".to_string(), |i| (i + 1).to_string())
    };
    let mut rows = vec![Row {
        name: "NAME".into(),
        kind: "KIND".into(),
        base_url: "BASE URL".into(),
        key: "KEY".into(),
        chain: "CHAIN".into(),
    }];
    if settings.translate.chain.iter().any(|n| n == MEMORY) || !settings.memory.files.is_empty() {
        rows.push(Row {
            name: MEMORY.into(),
            kind: "tmx".into(),
            base_url: format!("{} TMX file(s)", settings.memory.files.len()),
            key: "-".into(),
            chain: position(MEMORY),
        });
    }
    for (name, provider) in &settings.providers {
        let table = settings.provider_tables.get(name);
        let text = |key: &str| {
            table
                .and_then(|t| t.get(key))
                .and_then(toml::Value::as_str)
                .map(str::to_string)
        };
        let key = match provider.api_key_env() {
            Some(var) => {
                let set = std::env::var_os(var).is_some_and(|v| !v.is_empty());
                format!("${var} ({})", if set { "set" } else { "not set" })
            }
            None => "-".to_string(),
        };
        rows.push(Row {
            name: name.clone(),
            kind: provider.kind().to_string(),
            base_url: text("base_url").unwrap_or_else(|| "(service default)".into()),
            key,
            chain: position(name),
        });
    }
    let width = |f: fn(&Row) -> &str| rows.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (wn, wk, wb, wkey) = (
        width(|r| &r.name),
        width(|r| &r.kind),
        width(|r| &r.base_url),
        width(|r| &r.key),
    );
    for r in &rows {
        writeln!(
            out,
            "{:wn$}  {:wk$}  {:wb$}  {:wkey$}  {}",
            r.name, r.kind, r.base_url, r.key, r.chain
        )?;
    }
    Ok(())
}

fn test(settings: &Settings, name: &str, text: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let provider_settings = settings.providers.get(name).with_context(|| {
        format!(
            "no [providers.{name}] table in {}; `tarjama providers` lists the configured ones",
            settings.origin
        )
    })?;
    if provider_settings.is_embeddings() {
        return test_embeddings(name, provider_settings, text, out);
    }
    let provider = Provider::from_settings(name, provider_settings)?;
    let texts = [text.to_string()];
    let batch = Batch {
        texts: &texts,
        from: &settings.translate.from,
        to: &settings.translate.to,
        context: None,
    };
    let started = Instant::now();
    let mut answers = crate::cli::block_on(provider.translate(batch))
        .with_context(|| format!("testing provider {name}"))?;
    let elapsed = started.elapsed();
    let answer = answers
        .pop()
        .context("the service returned no translation")?
        .map_err(|why| anyhow::anyhow!("testing provider {name}: {why}"))?;
    let stats = provider.stats();
    writeln!(
        out,
        "{name} ({}): {}",
        provider_settings.kind(),
        answer.text
    )?;
    writeln!(
        out,
        "{:.0} ms, {} request(s), {} retries, {} characters billed",
        elapsed.as_secs_f64() * 1000.0,
        stats.requests,
        stats.retries,
        answer.billed_chars
    )?;
    Ok(())
}

/// `providers test` for an embeddings service: one request with one text (no cache), and the
/// dimension and norm of the vector it returns.
fn test_embeddings(
    name: &str,
    settings: &tarjama::provider::ProviderSettings,
    text: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    use tarjama::provider::embeddings::{self, InputKind};
    let embedder = embeddings::from_settings(name, settings)?;
    let started = Instant::now();
    let texts = [text.to_string()];
    let vectors = crate::cli::block_on(embedder.embed(&texts, InputKind::Query))
        .with_context(|| format!("testing provider {name}"))?;
    let elapsed = started.elapsed();
    let vector = vectors.first().context("the service returned no vector")?;
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    let stats = embedder.stats();
    writeln!(
        out,
        "{name} ({}): a vector of dimension {} (norm {norm:.3})",
        settings.kind(),
        vector.len()
    )?;
    writeln!(
        out,
        "{:.0} ms, {} request(s), {} retries",
        elapsed.as_secs_f64() * 1000.0,
        stats.requests,
        stats.retries
    )?;
    Ok(())
}
