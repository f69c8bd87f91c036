//! The whole job as one function: segment → translate → align → check. `tarjama run` calls it,
//! and so do the end-to-end tests; it is the only place besides the commands that wires stages.

use anyhow::Context;

use crate::bitext::Bitext;
use crate::config::Settings;
use crate::input::Source;
use crate::quality;
use crate::translate::{self, RunError, RunOptions, Summary, Translator};

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
/// service error (authentication, quota) it prints the counts so far and returns the error;
/// everything translated before it is in the cache.
pub fn translate(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: bool,
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
        .inspect_err(|err| {
            if let RunError::Fatal { summary, .. } = err {
                eprintln!("tarjama: {name}: {summary}");
            }
        })
        .with_context(|| format!("translating {name}"))
}

/// Translates and checks one article: [`translate()`], then every enabled rule check, then (when
/// `signals`) the service-backed signals enabled in `[checks]` (a failing service gives
/// `not-checked` info flags; a misconfigured one is an error).
pub fn run_article(
    text: &str,
    source: &Source,
    settings: &Settings,
    progress: bool,
    signals: bool,
) -> anyhow::Result<Outcome> {
    let translated = translate(text, source, settings, progress)?;
    let mut bitext = translated.bitext;
    let mut flags = quality::check(&bitext, &settings.checks);
    let mut owned: Vec<&str> = quality::rule_codes().collect();
    if signals {
        flags.extend(signals::service_signals(&bitext, settings)?);
        owned.extend(signals::SIGNAL_CODES);
        quality::sort_flags(&mut flags);
    }
    quality::replace_flags(&mut bitext, &owned, flags);
    Ok(Outcome {
        bitext,
        translation: translated.summary,
    })
}
