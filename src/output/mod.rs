//! Writers: the canonical JSONL bitext and the exporters (one module per format).
//!
//! Every file is written to a temporary name in the destination folder and renamed into place,
//! so a reader never sees a half-written file, whatever happens to the process.
//!
//! [`export`] renders a [`Bitext`] in one [`Format`]; `tarjama export` and `tarjama run` both go
//! through it. Every format shows the reviewer's latest decision per bead: an `edit` replaces the
//! machine translation, `reject` and `garbled` keep a pair out of the translation memory (TMX).
//!
//! XML 1.0 cannot carry most C0 control characters (U+0000–U+001F except tab, line feed and
//! carriage return) nor U+FFFE/U+FFFF, even as character references: the TMX and XLIFF writers
//! replace each of them with U+FFFD (see [`xml`]). The TSV writer keeps every character; the HTML
//! and Markdown writers show controls as their visible Unicode "control pictures" (U+2400…).

pub mod atomic;
pub mod html;
pub mod markdown;
pub mod sink;
pub mod tmx;
pub mod tsv;
pub mod xliff;
pub mod xml;

pub use sink::{Sink, write_to};

use std::io::{self, Write};
use std::path::Path;

use crate::bitext::{Action, Bead, Bitext, Decision, Flag, Severity, Side};

/// An export format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The canonical bitext itself (JSONL, schema v1), e.g. to normalise a hand-edited file.
    Jsonl,
    /// Tab-separated values, one bead per line, with a header line.
    Tsv,
    /// TMX 1.4b translation memory (for OmegaT, Okapi, Trados…).
    Tmx,
    /// XLIFF 2.0 bilingual file for CAT tools; flagged segments marked for review.
    Xliff,
    /// Self-contained HTML review report.
    Html,
    /// Markdown table (for issues, wikis, chat).
    Md,
}

impl crate::choice::Choice for Format {
    const CHOICES: &'static [crate::choice::Named<Self>] = &[
        crate::named!(
            Format::Jsonl,
            "jsonl",
            "The canonical bitext itself (JSONL, schema v1), e.g. to normalise a hand-edited file"
        ),
        crate::named!(
            Format::Tsv,
            "tsv",
            "Tab-separated values, one bead per line, with a header line"
        ),
        crate::named!(
            Format::Tmx,
            "tmx",
            "TMX 1.4b translation memory (for OmegaT, Okapi, Trados…)"
        ),
        crate::named!(
            Format::Xliff,
            "xliff",
            "XLIFF 2.0 bilingual file for CAT tools; flagged segments marked for review",
            "xlf"
        ),
        crate::named!(Format::Html, "html", "Self-contained HTML review report"),
        crate::named!(
            Format::Md,
            "md",
            "Markdown table (for issues, wikis, chat)",
            "markdown"
        ),
    ];
}

impl Format {
    /// The file name `tarjama run` writes this format to.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Format::Jsonl => "bitext.jsonl",
            Format::Tsv => "aligned.tsv",
            Format::Tmx => "aligned.tmx",
            Format::Xliff => "aligned.xlf",
            Format::Html => "report.html",
            Format::Md => "aligned.md",
        }
    }

    /// The format's name as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Tsv => "tsv",
            Format::Tmx => "tmx",
            Format::Xliff => "xliff",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// Options shared by the exporters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// TMX: once decisions exist, also include beads nobody has decided on yet (rejected and
    /// garbled pairs stay out).
    pub all: bool,
}

/// Renders `bitext` in `format` to `out`.
pub fn export(
    bitext: &Bitext,
    format: Format,
    out: &mut dyn Write,
    options: &ExportOptions,
) -> io::Result<()> {
    match format {
        Format::Jsonl => bitext.write_jsonl(out),
        Format::Tsv => tsv::write(bitext, out),
        Format::Tmx => tmx::write(bitext, out, options),
        Format::Xliff => xliff::write(bitext, out),
        Format::Html => html::write(bitext, out),
        Format::Md => markdown::write(bitext, out),
    }
}

/// Renders `bitext` in `format` into the file `path`, atomically (temporary file + rename).
pub fn export_to_file(
    bitext: &Bitext,
    format: Format,
    path: &Path,
    options: &ExportOptions,
) -> anyhow::Result<()> {
    atomic::write_atomic(path, |out| export(bitext, format, out, options))
}

/// Writes each of `formats` into `dir` under its [`Format::default_file_name`] (atomically), and
/// returns the paths written, in order. Stops at the first failure.
pub fn write_all(
    bitext: &Bitext,
    dir: &Path,
    formats: &[Format],
    options: &ExportOptions,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    formats
        .iter()
        .map(|&format| {
            let path = dir.join(format.default_file_name());
            export_to_file(bitext, format, &path, options).map(|()| path)
        })
        .collect()
}

/// One bead as the exporters show it: texts, flags and the reviewer's latest decision.
#[derive(Debug, Clone)]
pub struct BeadView<'a> {
    /// The bead.
    pub bead: &'a Bead,
    /// Source sentences joined by a space.
    pub source: String,
    /// Target as delivered: the edited text after an `edit` decision, else the machine or given
    /// translation.
    pub target: String,
    /// The target before any edit.
    pub original_target: String,
    /// Flags concerning the bead, most severe first (stable within a severity).
    pub flags: Vec<&'a Flag>,
    /// The latest decision, if any.
    pub decision: Option<&'a Decision>,
    /// The bead's risk ([`crate::quality::risk`]): 0 without flags.
    pub risk: f64,
    /// Paragraph of the bead's first source sentence (of its first target sentence for an
    /// insertion).
    pub para: usize,
    /// Providers of the target sentences, in order, without repeats.
    pub providers: Vec<&'a str>,
}

impl BeadView<'_> {
    /// The most severe flag's severity, if the bead is flagged.
    pub fn severity(&self) -> Option<Severity> {
        self.flags.iter().map(|f| f.severity).max()
    }

    /// The action of the latest decision, if any.
    pub fn action(&self) -> Option<Action> {
        self.decision.map(|d| d.action)
    }
}

/// Views of every bead in document order, with flags indexed once (not rescanned per bead).
pub fn bead_views(bitext: &Bitext) -> Vec<BeadView<'_>> {
    bead_views_iter(bitext).collect()
}

/// [`bead_views`] one at a time: a writer that makes one pass holds one bead's texts at a
/// time instead of a copy of the whole document.
pub fn bead_views_iter(bitext: &Bitext) -> impl Iterator<Item = BeadView<'_>> + '_ {
    let flags = bitext.flag_index();
    let decisions = bitext.latest_decisions();
    bitext.beads.iter().map(move |bead| {
        let original_target = bitext.text_of(Side::Target, &bead.target);
        let decision = decisions.get(&bead.id).copied();
        let target = match decision {
            Some(Decision {
                action: Action::Edit,
                text: Some(text),
                ..
            }) => text.clone(),
            _ => original_target.clone(),
        };
        let mut providers: Vec<&str> = bead
            .target
            .iter()
            .filter_map(|&t| bitext.target.get(t)?.provider.as_deref())
            .collect();
        providers.dedup();
        // Risk from the flags in file order, as `quality::risk` multiplies them.
        let risk = if flags.is_flagged(bead.id) {
            crate::quality::risk_of(flags.for_bead(bitext, bead.id))
        } else {
            0.0
        };
        let mut bead_flags: Vec<&Flag> = flags.for_bead(bitext, bead.id).collect();
        bead_flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
        BeadView {
            bead,
            source: bitext.text_of(Side::Source, &bead.source),
            target,
            original_target,
            flags: bead_flags,
            decision,
            risk,
            para: paragraph_of(bitext, bead),
            providers,
        }
    })
}

/// Paragraph of a bead: that of its first source sentence, else of its first target sentence.
fn paragraph_of(bitext: &Bitext, bead: &Bead) -> usize {
    let from = |side: &[crate::bitext::Sentence], ids: &[usize]| {
        ids.first().and_then(|&i| side.get(i)).map(|s| s.para)
    };
    from(&bitext.source, &bead.source)
        .or_else(|| from(&bitext.target, &bead.target))
        .unwrap_or(0)
}

/// Replaces C0 controls (except tab, LF, CR) and DEL with their visible control pictures, so a
/// reviewer sees them in HTML and Markdown instead of nothing; bidi overrides and isolates are
/// shown as `[U+202E]` ([`neutral_bidi`]).
pub(crate) fn visible_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}';
    if !text.chars().any(|c| hidden(c) || is_bidi_control(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{7f}' => shown.push('\u{2421}'),
            c if hidden(c) => shown.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            c if is_bidi_control(c) => shown.push_str(&bidi_marker(c)),
            c => shown.push(c),
        }
    }
    shown.into()
}

/// The explicit bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): an
/// unmatched U+202E in a text or a note reverses everything after it on the reviewer's screen
/// ("Trojan Source"). The marks U+200E, U+200F and U+061C are left alone: Arabic text needs them
/// and they reorder nothing beyond neutral characters.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn bidi_marker(c: char) -> String {
    format!("[U+{:04X}]", c as u32)
}

/// `text` with every bidi override or isolate ([`is_bidi_control`]) replaced by a visible
/// `[U+202E]`, for texts that come from the input and end up where a reviewer reads them
/// (TMX and XLIFF notes).
pub(crate) fn neutral_bidi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_bidi_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_bidi_control(c) {
            shown.push_str(&bidi_marker(c));
        } else {
            shown.push(c);
        }
    }
    shown.into()
}

/// A score with at most 4 decimals and no trailing zeros (`0.9`, `1`, `0.4271`).
pub(crate) fn format_score(score: f64) -> String {
    if !score.is_finite() {
        return "0".into();
    }
    let text = format!("{score:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_apply_the_latest_edit_and_collect_sentence_flags() {
        let bitext = fixture::sample();
        let views = bead_views(&bitext);
        assert_eq!(views.len(), bitext.beads.len());
        let edited = views
            .iter()
            .find(|v| v.action() == Some(Action::Edit))
            .unwrap();
        assert_ne!(edited.target, edited.original_target);
        // A flag with no bead, naming a source sentence, lands on the bead holding it.
        let by_sentence = views
            .iter()
            .find(|v| v.flags.iter().any(|f| f.bead.is_none()))
            .unwrap();
        for flag in &by_sentence.flags {
            let expected = bitext.flags_for_bead(by_sentence.bead);
            assert!(expected.contains(flag));
        }
    }

    #[test]
    fn write_all_uses_the_default_names() {
        let dir = tempfile::tempdir().unwrap();
        let formats = [
            Format::Jsonl,
            Format::Tsv,
            Format::Tmx,
            Format::Xliff,
            Format::Html,
        ];
        let paths = write_all(
            &fixture::sample(),
            dir.path(),
            &formats,
            &ExportOptions::default(),
        )
        .unwrap();
        let names: Vec<_> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "bitext.jsonl",
                "aligned.tsv",
                "aligned.tmx",
                "aligned.xlf",
                "report.html"
            ]
        );
        let back = crate::bitext::Bitext::read_path(&paths[0]).unwrap();
        assert_eq!(back, fixture::sample());
        assert!(paths.iter().all(|p| p.metadata().unwrap().len() > 500));
    }

    #[test]
    fn scores_are_short() {
        assert_eq!(format_score(1.0), "1");
        assert_eq!(format_score(0.5), "0.5");
        assert_eq!(format_score(0.123456), "0.1235");
        assert_eq!(format_score(f64::NAN), "0");
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(visible_controls("a\u{1}b\tc"), "a\u{2401}b\tc");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_shown_not_obeyed() {
        assert_eq!(
            visible_controls("abc\u{202e}fed\u{2066}x\u{2069}"),
            "abc[U+202E]fed[U+2066]x[U+2069]"
        );
        assert_eq!(neutral_bidi("\u{202a}x\u{202c}"), "[U+202A]x[U+202C]");
        // Arabic letter mark and RLM stay: they are ordinary in Arabic text.
        assert_eq!(neutral_bidi("\u{61c}ب\u{200f}"), "\u{61c}ب\u{200f}");
    }
}
