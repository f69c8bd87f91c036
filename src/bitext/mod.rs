//! The canonical bitext: the JSONL file every stage reads and writes (schema version 1).
//!
//! One JSON object per line, each with a `type`:
//!
//! ```text
//! {"type":"header","schema":1,"tool":"tarjama 0.1.0","source_lang":"ar","target_lang":"en", …}
//! {"type":"sentence","side":"source","id":0,"para":0,"start":0,"end":120,"text":"…"}
//! {"type":"sentence","side":"target","id":0,"para":0,"text":"…","origin":"network","provider":"deepl"}
//! {"type":"bead","id":0,"source":[0],"target":[0],"score":1.0}
//! {"type":"flag","code":"fragment","severity":"warning","source":[15],"target":[15],"bead":15,"message":"…","evidence":"…"}
//! {"type":"decision","bead":15,"action":"edit","text":"…","note":"…","time":"…","basis":"fnv1a64:…"}
//! {"type":"note","bead":15,"note":"…","time":"…","basis":"fnv1a64:…"}
//! {"type":"stale-decision","bead":15,"action":"accept","time":"…","basis":"fnv1a64:…"}
//! ```
//!
//! The header comes first. Sentence ids are 0-based and dense per side, in document order. Beads
//! are monotone and cover every sentence of both sides exactly once. Flags and decisions are
//! appended; for a bead the last decision wins, so a review never rewrites history.
//!
//! Decisions and notes are appended to the end of the file as the reviewer makes them
//! (`crate::review::store`), so they may follow the flags; a final line cut short by a crash
//! (no line feed, not JSON) is ignored. A decision's `basis` is a hash of the bead's source and
//! machine target ([`Bitext::basis`]) as the reviewer saw them: when a re-run rebuilds the beads,
//! a decision follows its text, and one whose text is gone becomes a `stale-decision` record,
//! kept and shown but applied to nothing. Notes (`note`) and stale decisions are record types
//! added within schema 1 (older readers skip them). Readers
//! ignore unknown fields and record types of the same schema version, so fields can be added
//! without a version bump; removing or changing the meaning of a field bumps [`SCHEMA_VERSION`].

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

mod fast;
mod read;

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole bitext: sentences of both sides, beads between them, flags and review decisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Bitext {
    /// The first record: languages, tool, provenance.
    pub header: Header,
    /// Source sentences, by id.
    pub source: Vec<Sentence>,
    /// Target sentences, by id.
    pub target: Vec<Sentence>,
    /// Beads in document order.
    pub beads: Vec<Bead>,
    /// Flags raised by the quality checks.
    pub flags: Vec<Flag>,
    /// Review decisions, oldest first.
    pub decisions: Vec<Decision>,
    /// Reviewer notes on beads (they annotate; they do not decide), oldest first.
    pub notes: Vec<Note>,
    /// Decisions whose bead changed since they were made (a re-run rebuilt it): kept so that
    /// nothing is lost, shown as stale, applied to nothing. `bead` is the id it had then.
    pub stale: Vec<Decision>,
}

/// The header record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub schema: u32,
    /// The writing tool and its version, e.g. `tarjama 0.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Language of the source side.
    pub source_lang: Lang,
    /// Language of the target side.
    pub target_lang: Lang,
    /// When the file was created (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The source file the sentences come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_file: Option<String>,
    /// The target file, when the target is a given translation rather than machine output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_file: Option<String>,
    /// Translation unit: `sentence` or `paragraph`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Providers of the translation chain, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
    /// A fingerprint of the settings that change the result (never contains secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_fingerprint: Option<String>,
    /// Any other fields, kept as they are so that a rewrite loses nothing.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Header {
    /// A header for a new bitext written by this build.
    pub fn new(source_lang: Lang, target_lang: Lang) -> Header {
        Header {
            schema: SCHEMA_VERSION,
            tool: Some(format!("tarjama {}", env!("CARGO_PKG_VERSION"))),
            source_lang,
            target_lang,
            created: None,
            source_file: None,
            target_file: None,
            unit: None,
            providers: Vec::new(),
            config_fingerprint: None,
            extra: BTreeMap::new(),
        }
    }
}

/// Which side of the bitext a sentence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The original text.
    Source,
    /// The translation.
    Target,
}

/// Where a target sentence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Translated by a service during this run.
    Network,
    /// Found in the translation cache (paid for in an earlier run).
    Cache,
    /// Found in a translation memory (see `memory_score`).
    Memory,
    /// Given by the user (a human translation read from a file).
    File,
}

/// One sentence of either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Source or target.
    pub side: Side,
    /// 0-based id, dense per side, in document order.
    pub id: usize,
    /// 0-based paragraph index.
    pub para: usize,
    /// Byte offset of the sentence's first byte in the side's original file, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// Byte offset one past the sentence's last byte, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// The sentence text, exactly as in the input (or as the service returned it).
    pub text: String,
    /// Target side: where the translation came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Target side: the provider name from the configuration (`deepl`, `memory`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Target side from a translation memory: the match score (1.0 exact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_score: Option<f64>,
    /// Source side: a machine translation of this sentence, kept when the target is a human
    /// translation (the aligner and some checks compare it with the target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mt: Option<String>,
    /// Any other fields, kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Sentence {
    /// A sentence with only the required fields set.
    pub fn new(side: Side, id: usize, para: usize, text: impl Into<String>) -> Sentence {
        Sentence {
            side,
            id,
            para,
            start: None,
            end: None,
            text: text.into(),
            origin: None,
            provider: None,
            memory_score: None,
            mt: None,
            extra: BTreeMap::new(),
        }
    }
}

/// A bead: consecutive source sentences aligned with consecutive target sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    /// 0-based id in document order.
    pub id: usize,
    /// Source sentence ids (consecutive; empty for an insertion).
    pub source: Vec<usize>,
    /// Target sentence ids (consecutive; empty for an omission).
    pub target: Vec<usize>,
    /// Confidence in 0..=1 (1 for a bead given by construction).
    pub score: f64,
    /// Any other fields, kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Bead {
    /// A bead with no extra fields.
    pub fn new(id: usize, source: Vec<usize>, target: Vec<usize>, score: f64) -> Bead {
        Bead {
            id,
            source,
            target,
            score,
            extra: BTreeMap::new(),
        }
    }

    /// The bead type as `m-n` (`1-1`, `2-1`, `1-0`…).
    pub fn kind(&self) -> String {
        format!("{}-{}", self.source.len(), self.target.len())
    }
}

/// How serious a flag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// A human should look.
    Warning,
    /// Almost certainly wrong.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that a width (`{:<7}`) lines severities up.
        f.pad(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found by a quality check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    /// The check's stable code (`fragment`, `number-mismatch`…).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// Source sentence ids concerned.
    #[serde(default)]
    pub source: Vec<usize>,
    /// Target sentence ids concerned.
    #[serde(default)]
    pub target: Vec<usize>,
    /// The bead concerned, when the flag is about a bead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bead: Option<usize>,
    /// What is wrong, in words a translator understands.
    pub message: String,
    /// The evidence: the token, the ratio, the score, the span.
    #[serde(default)]
    pub evidence: String,
    /// Any other fields, kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What a reviewer decided about a bead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The pair is fine as it is.
    Accept,
    /// The translation was corrected (`text` holds the new translation).
    Edit,
    /// The source passage itself is garbled (`note` says how).
    Garbled,
    /// The pair must not be used.
    Reject,
}

/// A reviewer's decision about one bead. The last decision for a bead wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The bead decided on.
    pub bead: usize,
    /// What was decided.
    pub action: Action,
    /// For `edit`: the corrected translation of the whole bead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A free note (why the source is garbled, what was wrong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who decided, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// When (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Any other fields, kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A reviewer's note on a bead: a remark, not a decision (the bead's decision stays as it is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The bead the note is about (its id when the note was made, for a stale note).
    pub bead: usize,
    /// The note.
    pub note: String,
    /// Who wrote it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// When (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// True when the bead's text changed since (a re-run): the note is kept, applied to nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    /// Any other fields (`basis`…), kept as they are.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The key under which decisions and notes record the [`Bitext::basis`] of their bead.
pub const BASIS_FIELD: &str = "basis";

impl Decision {
    /// The basis (hash of the bead's texts) the decision was made on, when recorded.
    pub fn basis(&self) -> Option<&str> {
        self.extra.get(BASIS_FIELD).and_then(|v| v.as_str())
    }

    /// Records the basis the decision was made on.
    pub fn set_basis(&mut self, basis: String) {
        self.extra
            .insert(BASIS_FIELD.into(), serde_json::Value::String(basis));
    }

    /// Whether this record takes back the bead's latest decision (`"undo": true`; its `action`
    /// repeats the one taken back, so that a reader that does not know undo records sees the
    /// decision as it was before the undo).
    pub fn is_undo(&self) -> bool {
        self.extra.get(UNDO_FIELD).and_then(|v| v.as_bool()) == Some(true)
    }

    /// An undo record for `undone` (see [`Decision::is_undo`]).
    pub fn undo_of(undone: &Decision, time: Option<String>, reviewer: Option<String>) -> Decision {
        let mut extra = BTreeMap::new();
        extra.insert(UNDO_FIELD.into(), serde_json::Value::Bool(true));
        if let Some(basis) = undone.basis() {
            extra.insert(BASIS_FIELD.into(), basis.into());
        }
        Decision {
            bead: undone.bead,
            action: undone.action,
            text: None,
            note: None,
            reviewer,
            time,
            extra,
        }
    }
}

/// The key that marks an undo record.
pub const UNDO_FIELD: &str = "undo";

impl Note {
    /// The basis (hash of the bead's texts) the note was written on, when recorded.
    pub fn basis(&self) -> Option<&str> {
        self.extra.get(BASIS_FIELD).and_then(|v| v.as_str())
    }

    /// Records the basis the note was written on.
    pub fn set_basis(&mut self, basis: String) {
        self.extra
            .insert(BASIS_FIELD.into(), serde_json::Value::String(basis));
    }
}

/// One line of the JSONL file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    /// The header (first line).
    Header(Header),
    /// A sentence of either side.
    Sentence(Sentence),
    /// A bead.
    Bead(Bead),
    /// A quality flag.
    Flag(Flag),
    /// A review decision.
    Decision(Decision),
    /// A reviewer's note.
    Note(Note),
    /// A decision whose bead changed since (see [`Bitext::stale`]).
    #[serde(rename = "stale-decision")]
    StaleDecision(Decision),
}

/// A bitext file that cannot be read; the message names the line and what is wrong.
pub type BitextError = crate::input::FileError;

impl Bitext {
    /// An empty bitext with a fresh header.
    pub fn new(source_lang: Lang, target_lang: Lang) -> Bitext {
        Bitext {
            header: Header::new(source_lang, target_lang),
            source: Vec::new(),
            target: Vec::new(),
            beads: Vec::new(),
            flags: Vec::new(),
            decisions: Vec::new(),
            notes: Vec::new(),
            stale: Vec::new(),
        }
    }

    /// A stable fingerprint of a bead's text as a reviewer sees it: its source and its machine
    /// (or given) target, hashed with 64-bit FNV-1a (`fnv1a64:` and 16 hex digits). Decisions
    /// record it, so that they follow their text when a re-run renumbers the beads.
    pub fn basis(&self, bead: &Bead) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let source = self.text_of(Side::Source, &bead.source);
        let target = self.text_of(Side::Target, &bead.target);
        for byte in source
            .bytes()
            .chain(std::iter::once(0))
            .chain(target.bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("fnv1a64:{hash:016x}")
    }

    /// [`Bitext::text_of`], borrowed when the run is one sentence, as most are.
    pub fn side_text(&self, side: Side, ids: &[usize]) -> std::borrow::Cow<'_, str> {
        let sentences = match side {
            Side::Source => &self.source,
            Side::Target => &self.target,
        };
        match ids {
            [one] => sentences.get(*one).map_or("", |s| s.text.as_str()).into(),
            _ => self.text_of(side, ids).into(),
        }
    }

    /// Text of a run of sentences of one side, joined by a space.
    pub fn text_of(&self, side: Side, ids: &[usize]) -> String {
        let sentences = match side {
            Side::Source => &self.source,
            Side::Target => &self.target,
        };
        ids.iter()
            .filter_map(|&i| sentences.get(i))
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The latest decision for each bead that has one. An undo record ([`Decision::is_undo`])
    /// takes back the bead's latest decision still standing, so the one before it (or none)
    /// stands again.
    pub fn latest_decisions(&self) -> BTreeMap<usize, &Decision> {
        if !self.decisions.iter().any(Decision::is_undo) {
            return self.decisions.iter().map(|d| (d.bead, d)).collect();
        }
        let mut stacks: BTreeMap<usize, Vec<&Decision>> = BTreeMap::new();
        for d in &self.decisions {
            let stack = stacks.entry(d.bead).or_default();
            if d.is_undo() {
                stack.pop();
            } else {
                stack.push(d);
            }
        }
        stacks
            .into_iter()
            .filter_map(|(bead, stack)| stack.last().map(|&d| (bead, d)))
            .collect()
    }

    /// Flags concerning a bead: those naming it, or naming one of its sentences.
    pub fn flags_for_bead(&self, bead: &Bead) -> Vec<&Flag> {
        self.flags
            .iter()
            .filter(|f| {
                f.bead == Some(bead.id)
                    || (f.bead.is_none()
                        && (f.source.iter().any(|s| bead.source.contains(s))
                            || f.target.iter().any(|t| bead.target.contains(t))))
            })
            .collect()
    }

    /// Writes the bitext as JSONL: header, source sentences, target sentences, beads, flags,
    /// decisions.
    pub fn write_jsonl<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        write_record(&mut out, &Record::Header(self.header.clone()))?;
        for s in self.source.iter().chain(&self.target) {
            write_record(&mut out, &Record::Sentence(s.clone()))?;
        }
        for b in &self.beads {
            write_record(&mut out, &Record::Bead(b.clone()))?;
        }
        for f in &self.flags {
            write_record(&mut out, &Record::Flag(f.clone()))?;
        }
        for d in &self.decisions {
            write_record(&mut out, &Record::Decision(d.clone()))?;
        }
        for n in &self.notes {
            write_record(&mut out, &Record::Note(n.clone()))?;
        }
        for d in &self.stale {
            write_record(&mut out, &Record::StaleDecision(d.clone()))?;
        }
        out.flush()
    }
}

fn write_record<W: Write>(out: &mut W, record: &Record) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// Flags per bead, computed once in one pass over the beads and one over the flags, so that
/// every lookup of a bead's flags is cheap (looking them up with [`Bitext::flags_for_bead`] for
/// each bead is quadratic in the size of the bitext).
///
/// The rule is that of [`Bitext::flags_for_bead`]: a flag naming a bead belongs to it; one naming
/// only sentences belongs to every bead that holds one of them. Flags keep their file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagIndex {
    /// For each bead id, the indices into [`Bitext::flags`] of its flags.
    by_bead: Vec<Vec<usize>>,
}

impl FlagIndex {
    /// Indices into [`Bitext::flags`] of the flags concerning bead `id` (empty for an unknown
    /// bead).
    pub fn indices(&self, id: usize) -> &[usize] {
        self.by_bead.get(id).map_or(&[], Vec::as_slice)
    }

    /// The flags concerning bead `id`, in file order.
    pub fn flags<'b>(&self, bitext: &'b Bitext, id: usize) -> Vec<&'b Flag> {
        self.indices(id)
            .iter()
            .filter_map(|&i| bitext.flags.get(i))
            .collect()
    }

    /// The flags concerning bead `id`, in file order, without collecting them.
    pub fn for_bead<'s, 'b>(
        &'s self,
        bitext: &'b Bitext,
        id: usize,
    ) -> impl Iterator<Item = &'b Flag> + use<'s, 'b> {
        self.indices(id)
            .iter()
            .filter_map(move |&i| bitext.flags.get(i))
    }

    /// Whether bead `id` has at least one flag.
    pub fn is_flagged(&self, id: usize) -> bool {
        !self.indices(id).is_empty()
    }
}

impl Bitext {
    /// The [`FlagIndex`] of this bitext: build it once, then look up any bead's flags.
    pub fn flag_index(&self) -> FlagIndex {
        let mut bead_of_source = vec![usize::MAX; self.source.len()];
        let mut bead_of_target = vec![usize::MAX; self.target.len()];
        for bead in &self.beads {
            for &s in &bead.source {
                if let Some(slot) = bead_of_source.get_mut(s) {
                    *slot = bead.id;
                }
            }
            for &t in &bead.target {
                if let Some(slot) = bead_of_target.get_mut(t) {
                    *slot = bead.id;
                }
            }
        }
        let mut by_bead = vec![Vec::new(); self.beads.len()];
        let mut beads = Vec::new();
        for (index, flag) in self.flags.iter().enumerate() {
            beads.clear();
            match flag.bead {
                Some(b) => beads.push(b),
                None => beads.extend(
                    flag.source
                        .iter()
                        .filter_map(|&s| bead_of_source.get(s))
                        .chain(flag.target.iter().filter_map(|&t| bead_of_target.get(t)))
                        .copied()
                        .filter(|&b| b != usize::MAX),
                ),
            }
            beads.sort_unstable();
            beads.dedup();
            for &b in &beads {
                if let Some(list) = by_bead.get_mut(b) {
                    list.push(index);
                }
            }
        }
        FlagIndex { by_bead }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bitext {
        let mut b = Bitext::new(Lang::parse("ar").unwrap(), Lang::parse("en").unwrap());
        b.source
            .push(Sentence::new(Side::Source, 0, 0, "جملة أولى."));
        b.source.push(Sentence::new(Side::Source, 1, 0, "ثانية."));
        let mut t = Sentence::new(Side::Target, 0, 0, "First \"sentence\".\tSecond.");
        t.origin = Some(Origin::Memory);
        t.memory_score = Some(1.0);
        b.target.push(t);
        b.beads.push(Bead::new(0, vec![0, 1], vec![0], 0.9));
        b.flags.push(Flag {
            code: "fragment".into(),
            severity: Severity::Warning,
            source: vec![1],
            target: vec![0],
            bead: Some(0),
            message: "m".into(),
            evidence: "e".into(),
            extra: BTreeMap::new(),
        });
        b
    }

    #[test]
    fn round_trips_through_jsonl() {
        let b = sample();
        let mut buf = Vec::new();
        b.write_jsonl(&mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert!(text.starts_with("{\"type\":\"header\",\"schema\":1,"));
        let back = Bitext::read_jsonl(&buf[..], "t.jsonl").unwrap();
        assert_eq!(back, b);
    }

    #[test]
    fn rejects_beads_that_skip_sentences() {
        let mut b = sample();
        b.beads[0].source = vec![1];
        let mut buf = Vec::new();
        b.write_jsonl(&mut buf).unwrap();
        let err = Bitext::read_jsonl(&buf[..], "t.jsonl")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not monotone"), "{err}");
    }

    #[test]
    fn rejects_files_without_header_and_newer_schemas() {
        let err = Bitext::read_jsonl(&b"{\"type\":\"bead\"}\n"[..], "x")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x:1: the first record must be the header"),
            "{err}"
        );
        let err = Bitext::read_jsonl(
            &b"{\"type\":\"header\",\"schema\":2,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n"
                [..],
            "x",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("schema version 2 is not supported"), "{err}");
    }

    #[test]
    fn a_bitext_cut_before_its_beads_is_refused_with_its_last_line() {
        let mut buf = Vec::new();
        sample().write_jsonl(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // header + 2 source + 1 target, then the bead and the flag are cut off.
        let cut = lines[..4].join("\n") + "\n";
        let err = Bitext::read_jsonl(cut.as_bytes(), "b.jsonl")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "b.jsonl:4: the file ends after 2 source and 1 target sentences without any bead"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_flag_naming_a_missing_bead_or_sentence_is_refused_with_its_line() {
        for (field, value, expected) in [
            ("bead", 7, "names bead 7, but the file has 1 beads"),
            ("target", 3, "names target sentence 3"),
        ] {
            let mut b = sample();
            match field {
                "bead" => b.flags[0].bead = Some(value),
                _ => b.flags[0].target = vec![value],
            }
            let mut buf = Vec::new();
            b.write_jsonl(&mut buf).unwrap();
            let err = Bitext::read_jsonl(&buf[..], "b.jsonl")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("b.jsonl:6: flag fragment "), "{err}");
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn keeps_unknown_fields_and_skips_unknown_records() {
        let text = "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\",\"x-run\":7}\n{\"type\":\"future\",\"a\":1}\n";
        let b = Bitext::read_jsonl(text.as_bytes(), "x").unwrap();
        assert_eq!(b.header.extra["x-run"], 7);
    }

    #[test]
    fn undo_takes_back_the_latest_decision() {
        let mut b = sample();
        let d = |action| Decision {
            bead: 0,
            action,
            text: None,
            note: None,
            reviewer: None,
            time: None,
            extra: BTreeMap::new(),
        };
        b.decisions.push(d(Action::Accept));
        b.decisions.push(d(Action::Reject));
        b.decisions
            .push(Decision::undo_of(&d(Action::Reject), None, None));
        assert_eq!(b.latest_decisions()[&0].action, Action::Accept);
        b.decisions
            .push(Decision::undo_of(&d(Action::Accept), None, None));
        assert!(b.latest_decisions().is_empty());
    }

    #[test]
    fn flag_index_matches_flags_for_bead() {
        let mut b = sample();
        b.flags.push(Flag {
            bead: None,
            source: vec![1],
            target: vec![],
            ..b.flags[0].clone()
        });
        b.flags.push(Flag {
            bead: Some(7),
            ..b.flags[0].clone()
        });
        let index = b.flag_index();
        for bead in &b.beads {
            assert_eq!(index.flags(&b, bead.id), b.flags_for_bead(bead));
        }
        assert!(index.indices(7).is_empty(), "no bead 7: ignored");
    }

    #[test]
    fn a_torn_last_line_is_ignored_but_not_a_torn_middle() {
        let b = sample();
        let mut buf = Vec::new();
        b.write_jsonl(&mut buf).unwrap();
        let whole = buf.clone();
        buf.extend_from_slice(b"{\"type\":\"decision\",\"bead\":0,\"act");
        assert_eq!(Bitext::read_jsonl(&buf[..], "t").unwrap(), b);
        let mut broken = whole.clone();
        broken.extend_from_slice(b"{\"type\":\"decision\"\n");
        broken.extend_from_slice(&whole[whole.len() - 10..]);
        assert!(Bitext::read_jsonl(&broken[..], "t").is_err());
    }

    #[test]
    fn notes_and_stale_decisions_round_trip_and_basis_follows_text() {
        let mut b = sample();
        b.notes.push(Note {
            bead: 0,
            note: "check the name".into(),
            reviewer: None,
            time: None,
            stale: false,
            extra: BTreeMap::new(),
        });
        b.stale.push(Decision {
            bead: 40,
            action: Action::Accept,
            text: None,
            note: None,
            reviewer: None,
            time: None,
            extra: BTreeMap::new(),
        });
        let mut buf = Vec::new();
        b.write_jsonl(&mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert!(text.contains("{\"type\":\"stale-decision\",\"bead\":40,"));
        assert_eq!(Bitext::read_jsonl(&buf[..], "t").unwrap(), b);
        let basis = b.basis(&b.beads[0]);
        assert!(
            basis.starts_with("fnv1a64:") && basis.len() == 24,
            "{basis}"
        );
        b.target[0].text.push('!');
        assert_ne!(b.basis(&b.beads[0]), basis);
    }
}

#[cfg(test)]
mod flag_index_tests {
    use super::*;
    use proptest::prelude::*;

    fn flag(bead: Option<usize>, source: Vec<usize>, target: Vec<usize>, code: &str) -> Flag {
        Flag {
            code: code.into(),
            severity: Severity::Warning,
            source,
            target,
            bead,
            message: String::new(),
            evidence: String::new(),
            extra: BTreeMap::new(),
        }
    }

    proptest! {
        #[test]
        fn the_index_agrees_with_the_per_bead_scan(
            widths in proptest::collection::vec((0usize..3, 0usize..3), 1..12),
            raw in proptest::collection::vec((proptest::option::of(0usize..14), proptest::collection::vec(0usize..30, 0..3), proptest::collection::vec(0usize..30, 0..3)), 0..20),
        ) {
            let mut b = Bitext::new(Lang::parse("ar").unwrap(), Lang::parse("en").unwrap());
            let (mut s, mut t) = (0, 0);
            for (id, &(ns, nt)) in widths.iter().enumerate() {
                let (ns, nt) = if ns + nt == 0 { (1, 0) } else { (ns, nt) };
                for _ in 0..ns { b.source.push(Sentence::new(Side::Source, s, 0, "s")); s += 1; }
                for _ in 0..nt { b.target.push(Sentence::new(Side::Target, t, 0, "t")); t += 1; }
                b.beads.push(Bead::new(id, (s - ns..s).collect(), (t - nt..t).collect(), 1.0));
            }
            for (i, (bead, source, target)) in raw.into_iter().enumerate() {
                b.flags.push(flag(bead, source, target, &format!("f{i}")));
            }
            let index = b.flag_index();
            for bead in &b.beads {
                let indexed: Vec<&Flag> = index.for_bead(&b, bead.id).collect();
                prop_assert_eq!(indexed, b.flags_for_bead(bead));
            }
        }
    }
}
