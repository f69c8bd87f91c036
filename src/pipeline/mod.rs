//! The whole job as one async API: segment → translate → align → check → outputs
//! ([`run_article`], then [`write_outputs`]). `tarjama run` and
//! `tarjama translate` call it, and so will the review server and the batch runner; it is the
//! only place besides the commands that wires stages. It runs on the caller's tokio runtime
//! and never builds one; CPU-heavy stages leave the runtime's workers free (`spawn_blocking`,
//! `block_in_place`).

use std::sync::Arc;

use anyhow::Context;

use crate::bitext::Bitext;
use crate::config::Settings;
use crate::input::Source;
use crate::quality::{self, Code};
use crate::translate::{self, Progress, RunError, RunOptions, Summary, Translator};

pub mod signals;

/// A finished pipeline run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The bitext with beads and flags.
    pub bitext: Bitext,
    /// What the translation stage did.
    pub translation: Summary,
}

/// Translates one article through the configured chain (segmenting it first). On a fatal
/// service error (authentication, quota) or an interruption the error carries the counts so
/// far ([`RunError`]); everything translated before it is in the cache.
pub async fn translate(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: Option<Arc<dyn Progress>>,
) -> anyhow::Result<translate::Outcome> {
    let translator = Translator::from_settings(settings)?;
    let options = RunOptions {
        progress,
        source_file: match source {
            Source::File(p) => Some(p.display().to_string()),
            Source::Stdin => None,
        },
    };
    let name = source.display_name();
    translator
        .translate_document(text, &options)
        .await
        .with_context(|| format!("translating {name}"))
}

/// The counts so far of a run stopped by a fatal service error or an interruption.
pub fn partial_summary(err: &anyhow::Error) -> Option<&Summary> {
    err.chain()
        .find_map(|cause| match cause.downcast_ref::<RunError>()? {
            RunError::Fatal { summary, .. }
            | RunError::Interrupted { summary, .. }
            | RunError::Embeddings { summary, .. } => Some(summary.as_ref()),
            RunError::Cache(_) => None,
        })
}

/// Translates and checks one article: [`translate()`], then every enabled rule check, then (when
/// `signals`) the service-backed signals enabled in `[checks]` (a failing service gives
/// `not-checked` info flags; a misconfigured one is an error).
pub async fn run_article(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: Option<Arc<dyn Progress>>,
    signals: bool,
) -> anyhow::Result<Outcome> {
    let translated = translate(text, source, settings, progress).await?;
    let mut bitext = translated.bitext;
    let mut flags = tokio::task::block_in_place(|| quality::check(&bitext, &settings.checks));
    let mut owned: Vec<&str> = quality::rule_codes().collect();
    if signals {
        flags.extend(signals::service_signals(&bitext, settings).await?);
        owned.extend(Code::SIGNALS.map(Code::as_str));
        quality::sort_flags(&mut flags);
    }
    quality::replace_flags(&mut bitext, &owned, flags);
    Ok(Outcome {
        bitext,
        translation: translated.summary,
    })
}

/// Writes the outputs of a run into `dir` (each file atomically), on a blocking thread, keeping
/// the review decisions of a bitext already there (see
/// [`crate::review::store::write_all_keeping_decisions`]): the last stage of the job, after
/// [`run_article`]. Returns the files written.
pub async fn write_outputs(
    bitext: &mut Bitext,
    dir: &std::path::Path,
    formats: &[crate::output::Format],
    options: &crate::output::ExportOptions,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    tokio::task::block_in_place(|| {
        crate::review::store::write_all_keeping_decisions(bitext, dir, formats, options)
    })
}
