//! `tarjama eval flags`: precision and recall of the quality checks.
//!
//! `--synthetic` builds a reproducible evaluation bitext from the 1,000 UD Arabic-PUD
//! Arabic–English pairs: about half the pairs are left untouched (the control), the others get
//! exactly one corruption each (a detached fragment or a dangling relative clause in the Arabic,
//! a changed number, a dropped or added clause, Arabic left untranslated, a repeated phrase, a
//! truncated translation, swapped translations, an altered Latin name). Then every rule check
//! runs once on the whole bitext (one paragraph per PUD document) and each corruption type is
//! scored against the checks meant to catch it:
//!
//! - recall = corrupted pairs of the type flagged (warning or worse) by one of its checks /
//!   corrupted pairs of the type;
//! - precision = those pairs / (those pairs + untouched pairs flagged by the same checks);
//! - false-positive rate = untouched pairs with any warning or error / untouched pairs.
//!
//! Documents are split in two (`dev`: even document index, `test`: odd): thresholds were set
//! on `dev`; the README reports `test`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::bitext::{Bead, Bitext, Flag, Sentence, Severity, Side};
use crate::lang::Lang;
use crate::quality::{self, CheckSettings};

/// Which documents of PUD to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Documents with an even index (used to set thresholds).
    Dev,
    /// Documents with an odd index (reported).
    Test,
    /// Every document.
    All,
}

impl crate::choice::Choice for Split {
    const CHOICES: &'static [crate::choice::Named<Self>] = &[
        crate::named!(
            Split::Dev,
            "dev",
            "Documents with an even index (used to set thresholds)"
        ),
        crate::named!(
            Split::Test,
            "test",
            "Documents with an odd index (reported)"
        ),
        crate::named!(Split::All, "all", "Every document"),
    ];
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A readable table.
    Text,
    /// The report as JSON (what `--baseline` files hold).
    Json,
}

impl crate::choice::Choice for Format {
    const CHOICES: &'static [crate::choice::Named<Self>] = &[
        crate::named!(Format::Text, "text", "A readable table"),
        crate::named!(
            Format::Json,
            "json",
            "The report as JSON (what `--baseline` files hold)"
        ),
    ];
}

/// What was done to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Untouched.
    Clean,
    /// Untouched translation; a Latin-script name of the English copied into the Arabic
    /// (a control for `name-missing`).
    CleanLatinName,
    /// The Arabic's last 2–4 words (a noun or prepositional phrase) detached after a full stop.
    DetachedFragment,
    /// The Arabic split before an inner relative pronoun (`… . التي …`).
    DanglingRelative,
    /// One number of the English changed.
    NumberChanged,
    /// A clause (35–70 % of the letters) dropped from the English.
    Omission,
    /// A clause of another sentence (50–100 % of the length) added to the English.
    Addition,
    /// The English replaced by the Arabic, or a few English words by Arabic words.
    Untranslated,
    /// A phrase of the English repeated back to back.
    Repetition,
    /// The English cut at 40–80 % of its words, without final punctuation.
    Truncation,
    /// The English of two neighbouring pairs exchanged.
    Swapped,
    /// A Latin name copied into the Arabic, misspelt in the English.
    AlteredName,
}

impl Kind {
    /// Every corruption type, in report order.
    pub const CORRUPTIONS: [Kind; 10] = [
        Kind::DetachedFragment,
        Kind::DanglingRelative,
        Kind::NumberChanged,
        Kind::Omission,
        Kind::Addition,
        Kind::Untranslated,
        Kind::Repetition,
        Kind::Truncation,
        Kind::Swapped,
        Kind::AlteredName,
    ];

    /// The rule checks meant to catch this corruption (empty: no rule check targets it).
    pub fn checks(self) -> &'static [&'static str] {
        match self {
            Kind::Clean | Kind::CleanLatinName => &[],
            Kind::DetachedFragment | Kind::DanglingRelative => &["fragment", "suspicious-break"],
            Kind::NumberChanged => &["number-mismatch"],
            Kind::Omission => &["omission", "length-ratio"],
            Kind::Addition => &["addition", "length-ratio"],
            Kind::Untranslated => &["untranslated"],
            Kind::Repetition => &["repetition"],
            Kind::Truncation => &["truncated"],
            // The rule check compares the straight and crossed assignments on length, numbers,
            // names and question/quote marks (and MT when present); the service signals (round
            // trip, agreement, judge) catch the swaps it has no evidence for.
            Kind::Swapped => &["swapped"],
            Kind::AlteredName => &["name-missing"],
        }
    }

    fn is_clean(self) -> bool {
        matches!(self, Kind::Clean | Kind::CleanLatinName)
    }

    fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One PUD pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Document id.
    pub doc: String,
    /// Arabic sentence.
    pub ar: String,
    /// English sentence (the original).
    pub en: String,
}

/// One pair of the evaluation set after corruption.
#[derive(Debug, Clone)]
pub struct Item {
    /// What was done.
    pub kind: Kind,
    /// Paragraph (PUD document) index.
    pub para: usize,
    /// Arabic sentences (two after a split).
    pub source: Vec<String>,
    /// English sentence.
    pub target: String,
}

/// Scores of one corruption type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeScore {
    /// Corruption type.
    pub kind: Kind,
    /// The checks meant to catch it.
    pub checks: Vec<String>,
    /// Pairs of this type.
    pub items: usize,
    /// Of them, flagged by one of its checks.
    pub caught: usize,
    /// Untouched pairs flagged by the same checks.
    pub false_alarms: usize,
    /// caught / (caught + false_alarms); `null` when no check targets the type.
    pub precision: Option<f64>,
    /// caught / items; `null` when no check targets the type.
    pub recall: Option<f64>,
    /// Pairs of this type with any warning or error, from any check.
    pub recall_any: f64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Generator seed (of the first round).
    pub seed: u64,
    /// Sets generated and scored (seeds seed..seed+rounds).
    #[serde(default = "one")]
    pub rounds: u64,
    /// Documents used.
    pub split: Split,
    /// Pairs in the set.
    pub pairs: usize,
    /// Untouched pairs (including the Latin-name controls).
    pub clean: usize,
    /// Untouched pairs with any warning or error.
    pub clean_flagged: usize,
    /// clean_flagged / clean.
    pub false_positive_rate: f64,
    /// Warnings and errors on untouched pairs, by check code.
    pub false_positives_by_check: BTreeMap<String, usize>,
    /// Per corruption type.
    pub types: Vec<TypeScore>,
}

fn one() -> u64 {
    1
}

/// Adds the counts of `other` (another round) to `total` and recomputes the ratios.
pub fn merge(total: &mut Report, other: &Report) {
    total.rounds += other.rounds;
    total.pairs += other.pairs;
    total.clean += other.clean;
    total.clean_flagged += other.clean_flagged;
    total.false_positive_rate = ratio(total.clean_flagged, total.clean);
    for (code, n) in &other.false_positives_by_check {
        *total
            .false_positives_by_check
            .entry(code.clone())
            .or_insert(0) += n;
    }
    for (t, o) in total.types.iter_mut().zip(&other.types) {
        let any = t.recall_any * t.items as f64 + o.recall_any * o.items as f64;
        t.items += o.items;
        t.caught += o.caught;
        t.false_alarms += o.false_alarms;
        t.recall_any = if t.items == 0 {
            0.0
        } else {
            any / t.items as f64
        };
        if t.precision.is_some() || o.precision.is_some() {
            t.precision = Some(ratio(t.caught, t.caught + t.false_alarms));
            t.recall = Some(ratio(t.caught, t.items));
        }
    }
}

/// Reads PUD `sentences.tsv`.
pub fn read_pud(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the PUD sentences", path.display()))?;
    let mut pairs = Vec::new();
    for (k, line) in text.lines().enumerate() {
        if k == 0 && line.starts_with("doc_id") {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 4 {
            bail!(
                "{}:{}: expected 4 tab-separated fields (doc_id, sent_id, text, text_en), found {}; pass UD Arabic-PUD sentences.tsv",
                path.display(),
                k + 1,
                fields.len()
            );
        }
        pairs.push(Pair {
            doc: fields[0].to_string(),
            ar: fields[2].trim().to_string(),
            en: fields[3].trim().to_string(),
        });
    }
    if pairs.is_empty() {
        bail!("{}: no sentence pairs", path.display());
    }
    Ok(pairs)
}

/// Groups pairs by document (in order) and keeps the documents of the split.
fn documents(pairs: &[Pair], split: Split) -> Vec<Vec<Pair>> {
    let mut docs: Vec<Vec<Pair>> = Vec::new();
    for p in pairs {
        match docs.last_mut() {
            Some(d) if d[0].doc == p.doc => d.push(p.clone()),
            _ => docs.push(vec![p.clone()]),
        }
    }
    docs.into_iter()
        .enumerate()
        .filter(|(k, _)| match split {
            Split::Dev => k % 2 == 0,
            Split::Test => k % 2 == 1,
            Split::All => true,
        })
        .map(|(_, d)| d)
        .collect()
}

/// Builds the corrupted evaluation set.
pub fn generate(pairs: &[Pair], split: Split, seed: u64) -> Vec<Item> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let docs = documents(pairs, split);
    let all_en: Vec<&str> = docs.iter().flatten().map(|p| p.en.as_str()).collect();
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut items = Vec::new();
    for (para, doc) in docs.iter().enumerate() {
        let mut k = 0;
        while k < doc.len() {
            let pair = &doc[k];
            let clean = Item {
                kind: Kind::Clean,
                para,
                source: vec![pair.ar.clone()],
                target: pair.en.clone(),
            };
            if rng.bool() {
                if rng.u8(0..4) == 0
                    && let Some(name) = latin_name(&pair.en, &mut rng)
                {
                    items.push(Item {
                        kind: Kind::CleanLatinName,
                        source: vec![with_latin_name(&pair.ar, &name)],
                        ..clean
                    });
                } else {
                    items.push(clean);
                }
                k += 1;
                continue;
            }
            // The least used corruption this pair allows (ties broken at random).
            let mut options: Vec<Kind> = Kind::CORRUPTIONS
                .into_iter()
                .filter(|&kind| kind != Kind::Swapped || k + 1 < doc.len())
                .collect();
            rng.shuffle(&mut options);
            options.sort_by_key(|kind| counts.get(kind).copied().unwrap_or(0));
            let mut done = false;
            for kind in options {
                if kind == Kind::Swapped {
                    let next = &doc[k + 1];
                    items.push(Item {
                        kind,
                        para,
                        source: vec![pair.ar.clone()],
                        target: next.en.clone(),
                    });
                    items.push(Item {
                        kind,
                        para,
                        source: vec![next.ar.clone()],
                        target: pair.en.clone(),
                    });
                    *counts.entry(kind).or_default() += 2;
                    k += 2;
                    done = true;
                    break;
                }
                if let Some((source, target)) = corrupt(kind, pair, &all_en, &mut rng) {
                    items.push(Item {
                        kind,
                        para,
                        source,
                        target,
                    });
                    *counts.entry(kind).or_default() += 1;
                    k += 1;
                    done = true;
                    break;
                }
            }
            if !done {
                items.push(clean);
                k += 1;
            }
        }
    }
    items
}

/// Applies one corruption, if the pair allows it.
fn corrupt(
    kind: Kind,
    pair: &Pair,
    all_en: &[&str],
    rng: &mut fastrand::Rng,
) -> Option<(Vec<String>, String)> {
    let ar = || vec![pair.ar.clone()];
    match kind {
        Kind::DetachedFragment => detach_fragment(&pair.ar, rng).map(|s| (s, pair.en.clone())),
        Kind::DanglingRelative => split_at_relative(&pair.ar, rng).map(|s| (s, pair.en.clone())),
        Kind::NumberChanged => change_number(&pair.ar, &pair.en, rng).map(|t| (ar(), t)),
        Kind::Omission => drop_clause(&pair.en, rng).map(|t| (ar(), t)),
        Kind::Addition => add_clause(&pair.en, all_en, rng).map(|t| (ar(), t)),
        Kind::Untranslated => Some((ar(), leave_untranslated(&pair.ar, &pair.en, rng))),
        Kind::Repetition => repeat_phrase(&pair.en, rng).map(|t| (ar(), t)),
        Kind::Truncation => truncate(&pair.en, rng).map(|t| (ar(), t)),
        Kind::AlteredName => {
            let name = latin_name(&pair.en, rng)?;
            let altered = misspell(&name, rng)?;
            Some((
                vec![with_latin_name(&pair.ar, &name)],
                replace_word(&pair.en, &name, &altered),
            ))
        }
        Kind::Swapped | Kind::Clean | Kind::CleanLatinName => None,
    }
}

/// The sentence's final punctuation (with closing quotes), and the text before it.
fn split_final(text: &str) -> (&str, &str) {
    let body = text.trim_end_matches(|c: char| {
        matches!(c, '.' | '!' | '?' | '؟' | '"' | '”' | '’' | '»' | ')') || c.is_whitespace()
    });
    (body, &text[body.len()..])
}

fn join_sentence(words: &[&str], end: &str) -> String {
    let mut s = words.join(" ");
    s = s
        .trim_end_matches([',', '،', '؛', ';', ':', '-'])
        .to_string();
    s.push_str(if end.trim().is_empty() {
        "."
    } else {
        end.trim()
    });
    s
}

/// `… A B C D.` → `… A.` + `C D.` where the tail is a noun or prepositional phrase.
fn detach_fragment(ar: &str, rng: &mut fastrand::Rng) -> Option<Vec<String>> {
    let (body, end) = split_final(ar);
    let words: Vec<&str> = body.split_whitespace().collect();
    if words.len() < 8 || body.contains(['"', '“', '”', '«', '»', '(', ')']) {
        return None;
    }
    let mut lengths = vec![2, 3, 4];
    rng.shuffle(&mut lengths);
    for k in lengths {
        let tail = &words[words.len() - k..];
        let starts_phrase =
            tail[0].starts_with("ال") || ["في", "من", "على", "إلى", "عن", "مع"].contains(&tail[0]);
        let plain = tail.iter().all(|w| {
            !w.chars()
                .any(|c| c.is_ascii_digit() || c.is_ascii_alphabetic() || matches!(c, ',' | '،'))
        });
        if starts_phrase && plain {
            return Some(vec![
                join_sentence(&words[..words.len() - k], "."),
                join_sentence(tail, end),
            ]);
        }
    }
    None
}

/// `… X الذي Y.` → `… X.` + `الذي Y.`
fn split_at_relative(ar: &str, rng: &mut fastrand::Rng) -> Option<Vec<String>> {
    let (body, end) = split_final(ar);
    let words: Vec<&str> = body.split_whitespace().collect();
    let relatives = [
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
        "والتي",
        "والذي",
        "والذين",
    ];
    let spots: Vec<usize> = (3..words.len().saturating_sub(1))
        .filter(|&j| relatives.contains(&words[j]))
        .collect();
    let j = *spots.get(rng.usize(0..spots.len().max(1)))?;
    Some(vec![
        join_sentence(&words[..j], "."),
        join_sentence(&words[j..], end),
    ])
}

/// Changes the last digit of one number of the English (to a value the Arabic does not have).
fn change_number(ar: &str, en: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let digits: Vec<usize> = en
        .char_indices()
        .filter(|&(i, c)| {
            c.is_ascii_digit() && !en[i + 1..].starts_with(|n: char| n.is_ascii_digit())
        })
        .map(|(i, _)| i)
        .collect();
    let at = *digits.get(rng.usize(0..digits.len().max(1)))?;
    let old = en.as_bytes()[at] - b'0';
    let new = (old + rng.u8(1..10)) % 10;
    let changed = format!("{}{}{}", &en[..at], new, &en[at + 1..]);
    let ar_numbers: BTreeSet<String> = quality::numbers::numbers(ar)
        .into_iter()
        .flat_map(|n| n.values)
        .collect();
    let before: BTreeSet<String> = quality::numbers::numbers(en)
        .into_iter()
        .flat_map(|n| n.values)
        .collect();
    let after: BTreeSet<String> = quality::numbers::numbers(&changed)
        .into_iter()
        .flat_map(|n| n.values)
        .collect();
    // Only a real change of value that the Arabic does not also contain.
    let new_values: Vec<&String> = after.difference(&before).collect();
    (!new_values.is_empty() && new_values.iter().all(|v| !ar_numbers.contains(*v)))
        .then_some(changed)
}

/// Drops a run of clauses (between `,` `;` `—`) or, failing that, of words, holding 35–70 % of
/// the letters; the final punctuation stays.
fn drop_clause(en: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let (body, end) = split_final(en);
    let words: Vec<&str> = body.split_whitespace().collect();
    if words.len() < 8 {
        return None;
    }
    let letters = |ws: &[&str]| quality::text::letter_count(&ws.join(" "));
    let total = letters(&words) as f64;
    let cuts: Vec<usize> = (1..words.len())
        .filter(|&i| words[i - 1].ends_with([',', ';']) || words[i] == "—" || words[i] == "and")
        .chain([0, words.len()])
        .collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for &a in &cuts {
        for &b in &cuts {
            let share = if a < b {
                letters(&words[a..b]) as f64 / total
            } else {
                0.0
            };
            if a < b && (0.35..=0.7).contains(&share) {
                spans.push((a, b));
            }
        }
    }
    if spans.is_empty() {
        // No clause boundary gives such a span: drop a run of words instead.
        for a in 0..words.len() {
            for b in a + 1..=words.len() {
                let share = letters(&words[a..b]) as f64 / total;
                if (0.4..=0.6).contains(&share) {
                    spans.push((a, b));
                }
            }
        }
    }
    let &(a, b) = spans.get(rng.usize(0..spans.len().max(1)))?;
    let kept: Vec<&str> = words[..a].iter().chain(&words[b..]).copied().collect();
    let mut out = join_sentence(&kept, end);
    if let Some(first) = out.chars().next() {
        out = first.to_uppercase().collect::<String>() + &out[first.len_utf8()..];
    }
    Some(out)
}

/// Appends a clause taken from another sentence (50–100 % of this one's letters).
fn add_clause(en: &str, all_en: &[&str], rng: &mut fastrand::Rng) -> Option<String> {
    let (body, end) = split_final(en);
    let own = quality::text::letter_count(body);
    if own < 20 {
        return None;
    }
    for _ in 0..20 {
        let other = all_en[rng.usize(0..all_en.len())];
        let (other_body, _) = split_final(other);
        let words: Vec<&str> = other_body.split_whitespace().collect();
        for start in 0..words.len() {
            for stop in (start + 1..=words.len()).rev() {
                let piece = words[start..stop].join(" ");
                let share = quality::text::letter_count(&piece) as f64 / own as f64;
                if (0.5..=1.0).contains(&share) && other != en {
                    let piece = piece.trim_end_matches([',', ';', ':']);
                    return Some(format!(
                        "{body}, and {}{}",
                        piece,
                        if end.is_empty() { "." } else { end }
                    ));
                }
            }
        }
    }
    None
}

/// The Arabic copied as the translation, or two to four English words replaced by Arabic ones.
fn leave_untranslated(ar: &str, en: &str, rng: &mut fastrand::Rng) -> String {
    let en_words: Vec<&str> = en.split_whitespace().collect();
    let ar_words: Vec<&str> = ar.split_whitespace().collect();
    if rng.bool() || en_words.len() < 6 || ar_words.len() < 4 {
        return ar.to_string();
    }
    let n = rng.usize(2..=4);
    let at = rng.usize(1..en_words.len() - n);
    let from = rng.usize(0..ar_words.len() - n.min(ar_words.len() - 1));
    let arabic: Vec<&str> = ar_words[from..(from + n).min(ar_words.len())].to_vec();
    let mut out: Vec<&str> = en_words[..at].to_vec();
    out.extend(arabic);
    out.extend(&en_words[at + n..]);
    out.join(" ")
}

/// Repeats a phrase of 1–4 words back to back (a word 3–4 times, a phrase 2–3 times).
fn repeat_phrase(en: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let words: Vec<&str> = en.split_whitespace().collect();
    if words.len() < 6 {
        return None;
    }
    let n = rng.usize(1..=4);
    let start = rng.usize(0..words.len() - n);
    let phrase = &words[start..start + n];
    let letters: usize = phrase.iter().map(|w| quality::text::letter_count(w)).sum();
    if letters < 4 {
        return None;
    }
    let times = if n == 1 {
        rng.usize(3..=4)
    } else {
        rng.usize(2..=3)
    };
    let mut out: Vec<&str> = words[..start].to_vec();
    for _ in 0..times {
        out.extend(phrase.iter().map(|w| w.trim_end_matches([',', '.', ';'])));
    }
    // Keep the phrase's own punctuation on its last copy.
    out.pop();
    out.push(phrase[n - 1]);
    out.extend(&words[start + n..]);
    Some(out.join(" "))
}

/// Cuts the English at 40–80 % of its words, with no final punctuation.
fn truncate(en: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let words: Vec<&str> = en.split_whitespace().collect();
    if words.len() < 5 {
        return None;
    }
    let keep = (words.len() * rng.usize(40..=80) / 100).max(2);
    let out = words[..keep].join(" ");
    Some(
        out.trim_end_matches(['.', ',', ';', ':', '!', '?'])
            .to_string(),
    )
}

/// A capitalised word of the English (not the first), 4+ ASCII letters: a name.
fn latin_name(en: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let names: Vec<&str> = en
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphabetic()))
        .filter(|w| {
            w.len() >= 4
                && w.chars().all(|c| c.is_ascii_alphabetic())
                && w.starts_with(|c: char| c.is_ascii_uppercase())
                && w.chars().skip(1).any(|c| c.is_ascii_lowercase())
        })
        .collect();
    names
        .get(rng.usize(0..names.len().max(1)))
        .map(|s| s.to_string())
}

/// The Arabic with a Latin name in brackets before its final punctuation (`… (Schulman).`).
fn with_latin_name(ar: &str, name: &str) -> String {
    let (body, end) = split_final(ar);
    format!("{body} ({name}){}", if end.is_empty() { "." } else { end })
}

/// Changes one inner letter of a name (or swaps two), so it is misspelt.
fn misspell(name: &str, rng: &mut fastrand::Rng) -> Option<String> {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return None;
    }
    let i = rng.usize(1..chars.len() - 1);
    if rng.bool() && chars[i] != chars[i + 1] {
        chars.swap(i, i + 1);
    } else {
        let old = chars[i].to_ascii_lowercase();
        let letters: Vec<char> = "aeiounrstl".chars().filter(|&c| c != old).collect();
        chars[i] = letters[rng.usize(0..letters.len())];
    }
    let out: String = chars.into_iter().collect();
    (out.to_lowercase() != name.to_lowercase()).then_some(out)
}

fn replace_word(text: &str, word: &str, with: &str) -> String {
    text.replacen(word, with, 1)
}

/// The evaluation bitext: one paragraph per document, one bead per item.
pub fn bitext_of(items: &[Item]) -> Bitext {
    let mut b = Bitext::new(
        Lang::parse("ar").expect("ar"),
        Lang::parse("en").expect("en"),
    );
    for (id, item) in items.iter().enumerate() {
        let first = b.source.len();
        for s in &item.source {
            b.source.push(Sentence::new(
                Side::Source,
                b.source.len(),
                item.para,
                s.clone(),
            ));
        }
        let t = b.target.len();
        b.target.push(Sentence::new(
            Side::Target,
            t,
            item.para,
            item.target.clone(),
        ));
        let mut bead = Bead::new(id, (first..b.source.len()).collect(), vec![t], 1.0);
        // Kept in the written bitext so a reader can see what was done to each pair.
        bead.extra.insert(
            "synthetic".into(),
            serde_json::Value::String(item.kind.name()),
        );
        b.beads.push(bead);
    }
    b
}

/// Which items each flag concerns (by bead and by the sentences it names).
fn items_of_flags(bitext: &Bitext, flags: &[Flag]) -> Vec<BTreeSet<(String, usize)>> {
    let mut source_item = vec![0; bitext.source.len()];
    let mut target_item = vec![0; bitext.target.len()];
    for bead in &bitext.beads {
        for &s in &bead.source {
            source_item[s] = bead.id;
        }
        for &t in &bead.target {
            target_item[t] = bead.id;
        }
    }
    let mut per_item: Vec<BTreeSet<(String, usize)>> = vec![BTreeSet::new(); bitext.beads.len()];
    for (k, f) in flags.iter().enumerate() {
        if f.severity < Severity::Warning {
            continue;
        }
        let mut items: BTreeSet<usize> = f.bead.into_iter().collect();
        items.extend(f.source.iter().filter_map(|&s| source_item.get(s).copied()));
        items.extend(f.target.iter().filter_map(|&t| target_item.get(t).copied()));
        for i in items {
            per_item[i].insert((f.code.clone(), k));
        }
    }
    per_item
}

/// False positives of the checks on one genre: every pair of the file is an untouched,
/// faithful translation, so any warning or error is a false alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenreReport {
    /// Genre (the file name without `.tsv`).
    pub genre: String,
    /// Pairs in the file.
    pub pairs: usize,
    /// Pairs with any warning or error.
    pub flagged: usize,
    /// flagged / pairs.
    pub false_positive_rate: f64,
    /// Flagged pairs by check code.
    pub by_check: BTreeMap<String, usize>,
    /// Every false alarm: `line N: code: evidence`.
    pub alarms: Vec<String>,
}

/// Reads a genre file: one pair a line, `paragraph<TAB>arabic<TAB>english` (lines starting with
/// `#` and blank lines skipped). Pairs with the same paragraph number are one paragraph, as the
/// segmenter would give them; a heading or a list item is its own paragraph. Returns the
/// pairs with their line numbers.
pub fn read_genre(path: &Path) -> anyhow::Result<Vec<(usize, usize, String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [para, ar, en] = cols[..] else {
            bail!(
                "{}:{}: expected 3 tab-separated columns (paragraph, Arabic, English), found {}",
                path.display(),
                n + 1,
                cols.len()
            );
        };
        let para: usize = para.trim().parse().with_context(|| {
            format!(
                "{}:{}: the paragraph column must be a number",
                path.display(),
                n + 1
            )
        })?;
        rows.push((n + 1, para, ar.to_string(), en.to_string()));
    }
    Ok(rows)
}

/// Runs the checks on one genre file (one document of 1-1 beads) and counts the pairs they
/// flag.
pub fn genre_report(path: &Path, settings: &CheckSettings) -> anyhow::Result<GenreReport> {
    let rows = read_genre(path)?;
    let items: Vec<Item> = rows
        .iter()
        .map(|(_, para, ar, en)| Item {
            kind: Kind::Clean,
            para: *para,
            source: vec![ar.clone()],
            target: en.clone(),
        })
        .collect();
    let bitext = bitext_of(&items);
    let flags = quality::check(&bitext, settings);
    let per_item = items_of_flags(&bitext, &flags);
    let mut by_check: BTreeMap<String, usize> = BTreeMap::new();
    let mut alarms = Vec::new();
    for (i, found) in per_item.iter().enumerate() {
        let codes: BTreeSet<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        for code in codes {
            *by_check.entry(code.to_string()).or_default() += 1;
        }
        for (code, k) in found {
            alarms.push(format!(
                "line {}: {code}: {}",
                rows[i].0, flags[*k].evidence
            ));
        }
    }
    let flagged = per_item.iter().filter(|f| !f.is_empty()).count();
    let genre = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(GenreReport {
        genre,
        pairs: rows.len(),
        flagged,
        false_positive_rate: ratio(flagged, rows.len()),
        by_check,
        alarms,
    })
}

/// False positives per genre: `path` is a genre file or a folder of them (every `*.tsv`, in
/// name order), e.g. `corpora/genres/`.
pub fn genre_false_positives(
    path: &Path,
    settings: &CheckSettings,
) -> anyhow::Result<Vec<GenreReport>> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read the folder {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    files.iter().map(|f| genre_report(f, settings)).collect()
}

/// The genre reports as a table, one line a genre (to print under the PUD figures).
pub fn write_genre_table(reports: &[GenreReport], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<12} {:>6} {:>8} {:>7}  BY CHECK",
        "GENRE", "PAIRS", "FLAGGED", "RATE"
    )?;
    for r in reports {
        let checks: Vec<String> = r.by_check.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(
            out,
            "{:<12} {:>6} {:>8} {:>6.1}%  {}",
            r.genre,
            r.pairs,
            r.flagged,
            100.0 * r.false_positive_rate,
            checks.join(", ")
        )?;
    }
    Ok(())
}

/// Scores the checks on a generated set.
pub fn score(
    items: &[Item],
    settings: &CheckSettings,
    seed: u64,
    split: Split,
) -> (Report, Bitext) {
    let mut bitext = bitext_of(items);
    let flags = quality::check(&bitext, settings);
    let per_item = items_of_flags(&bitext, &flags);
    let codes_of =
        |i: usize| -> BTreeSet<&str> { per_item[i].iter().map(|(c, _)| c.as_str()).collect() };
    let clean: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].kind.is_clean())
        .collect();
    let clean_flagged = clean.iter().filter(|&&i| !per_item[i].is_empty()).count();
    let mut false_positives_by_check = BTreeMap::new();
    for &i in &clean {
        for code in codes_of(i) {
            *false_positives_by_check
                .entry(code.to_string())
                .or_insert(0) += 1;
        }
    }
    let hits = |i: usize, checks: &[&str]| codes_of(i).iter().any(|c| checks.contains(c));
    let types = Kind::CORRUPTIONS
        .iter()
        .map(|&kind| {
            let of_kind: Vec<usize> = (0..items.len())
                .filter(|&i| items[i].kind == kind)
                .collect();
            let checks = kind.checks();
            let caught = of_kind.iter().filter(|&&i| hits(i, checks)).count();
            let false_alarms = clean.iter().filter(|&&i| hits(i, checks)).count();
            let targeted = !checks.is_empty() && !of_kind.is_empty();
            TypeScore {
                kind,
                checks: checks.iter().map(|c| c.to_string()).collect(),
                items: of_kind.len(),
                caught,
                false_alarms,
                precision: targeted.then(|| ratio(caught, caught + false_alarms)),
                recall: targeted.then(|| ratio(caught, of_kind.len())),
                recall_any: ratio(
                    of_kind.iter().filter(|&&i| !per_item[i].is_empty()).count(),
                    of_kind.len(),
                ),
            }
        })
        .collect();
    bitext.flags = flags;
    let report = Report {
        seed,
        rounds: 1,
        split,
        pairs: items.len(),
        clean: clean.len(),
        clean_flagged,
        false_positive_rate: ratio(clean_flagged, clean.len()),
        false_positives_by_check,
        types,
    };
    (report, bitext)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The report as a table.
pub fn write_table(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "synthetic flag evaluation: UD Arabic-PUD, split {:?}, seeds {}..{}, {} pairs ({} untouched)",
        report.split,
        report.seed,
        report.seed + report.rounds - 1,
        report.pairs,
        report.clean
    )?;
    writeln!(
        out,
        "false positives on untouched pairs: {}/{} = {:.1}% {:?}\n",
        report.clean_flagged,
        report.clean,
        100.0 * report.false_positive_rate,
        report.false_positives_by_check
    )?;
    writeln!(
        out,
        "{:<18} {:<30} {:>5} {:>6} {:>9} {:>9} {:>10}",
        "corruption", "check(s)", "pairs", "caught", "precision", "recall", "any check"
    )?;
    let pct = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{:.3}", v));
    for t in &report.types {
        writeln!(
            out,
            "{:<18} {:<30} {:>5} {:>6} {:>9} {:>9} {:>10.3}",
            t.kind.name(),
            if t.checks.is_empty() {
                "(service signals)".to_string()
            } else {
                t.checks.join(", ")
            },
            t.items,
            t.caught,
            pct(t.precision),
            pct(t.recall),
            t.recall_any
        )?;
    }
    Ok(())
}

/// Figures of `report` that are worse than `baseline` (empty when none).
pub fn regressions(report: &Report, baseline: &Report) -> Vec<String> {
    let mut worse = Vec::new();
    const EPS: f64 = 1e-9;
    if report.false_positive_rate > baseline.false_positive_rate + EPS {
        worse.push(format!(
            "false-positive rate {:.4} > baseline {:.4}",
            report.false_positive_rate, baseline.false_positive_rate
        ));
    }
    for b in &baseline.types {
        let Some(t) = report.types.iter().find(|t| t.kind == b.kind) else {
            worse.push(format!("{} missing", b.kind.name()));
            continue;
        };
        for (what, now, then) in [
            ("precision", t.precision, b.precision),
            ("recall", t.recall, b.recall),
        ] {
            if let (Some(now), Some(then)) = (now, then)
                && now + EPS < then
            {
                worse.push(format!(
                    "{} {what} {now:.4} < baseline {then:.4}",
                    b.kind.name()
                ));
            }
        }
    }
    worse
}

/// One hand annotation of a source sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// Source sentence id.
    pub id: usize,
    /// `clean`, `garbled` or `minor`.
    pub label: String,
    /// The passage it belongs to (`14-15`): garbled passages are scored as a whole.
    pub passage: String,
}

/// Reads an annotations TSV (`id, label, passage, reason`, with a header line).
pub fn read_annotations(path: &Path) -> anyhow::Result<Vec<Annotation>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the annotations", path.display()))?;
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let id = f.first().and_then(|v| v.parse().ok());
        let (Some(id), Some(label), Some(passage)) = (id, f.get(1), f.get(2)) else {
            bail!(
                "{}:{}: expected id<TAB>label<TAB>passage<TAB>reason with a numeric id",
                path.display(),
                k + 1
            );
        };
        if !["clean", "garbled", "minor"].contains(label) {
            bail!(
                "{}:{}: label «{label}» is not clean, garbled or minor",
                path.display(),
                k + 1
            );
        }
        out.push(Annotation {
            id,
            label: label.to_string(),
            passage: passage.to_string(),
        });
    }
    Ok(out)
}

/// Scores the checks against hand annotations: which checks caught each garbled passage, and
/// which clean sentences got a warning or an error.
pub fn write_gold_report(
    bitext: &Bitext,
    gold: &[Annotation],
    settings: &CheckSettings,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    let flags = quality::check(bitext, settings);
    let mut by_sentence: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for f in flags.iter().filter(|f| f.severity >= Severity::Warning) {
        for &s in &f.source {
            by_sentence.entry(s).or_default().insert(f.code.clone());
        }
    }
    let mut passages: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for a in gold.iter().filter(|a| a.label == "garbled") {
        passages.entry(a.passage.as_str()).or_default().push(a.id);
    }
    let mut caught = 0;
    writeln!(out, "{:<10} {:<8} caught by", "passage", "label")?;
    for (passage, ids) in &passages {
        let codes: BTreeSet<&String> = ids
            .iter()
            .flat_map(|i| by_sentence.get(i).into_iter().flatten())
            .collect();
        caught += usize::from(!codes.is_empty());
        let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        writeln!(
            out,
            "{passage:<10} {:<8} {}",
            "garbled",
            if codes.is_empty() {
                "MISSED".to_string()
            } else {
                codes.join(", ")
            }
        )?;
    }
    for a in gold.iter().filter(|a| a.label == "minor") {
        let codes: Vec<&str> = by_sentence
            .get(&a.id)
            .into_iter()
            .flatten()
            .map(|c| c.as_str())
            .collect();
        writeln!(
            out,
            "{:<10} {:<8} {}",
            a.passage,
            "minor",
            if codes.is_empty() {
                "-".to_string()
            } else {
                codes.join(", ")
            }
        )?;
    }
    let clean: Vec<&Annotation> = gold.iter().filter(|a| a.label == "clean").collect();
    let noisy: Vec<String> = clean
        .iter()
        .filter_map(|a| {
            by_sentence.get(&a.id).map(|c| {
                format!(
                    "{} ({})",
                    a.id,
                    c.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
        })
        .collect();
    writeln!(
        out,
        "\ngarbled passages caught: {caught}/{}; clean sentences with a warning or error: {}/{}{}",
        passages.len(),
        noisy.len(),
        clean.len(),
        if noisy.is_empty() {
            String::new()
        } else {
            format!(": {}", noisy.join("; "))
        }
    )?;
    Ok(caught == passages.len() && noisy.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The genre files of corpora/genres: untouched professional-style translations that the
    /// checks must leave (almost) alone.
    fn genres() -> Vec<GenreReport> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/genres");
        genre_false_positives(&dir, &CheckSettings::default()).unwrap()
    }

    #[test]
    fn untouched_translations_of_every_genre_are_rarely_flagged() {
        let reports = genres();
        assert!(reports.len() >= 3, "{reports:?}");
        let mut table = Vec::new();
        write_genre_table(&reports, &mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        let alarms: Vec<String> = reports
            .iter()
            .flat_map(|r| r.alarms.iter().map(|a| format!("{}: {a}", r.genre)))
            .collect();
        let alarms = alarms.join("\n");
        // Shown with `--nocapture`: the figures the README and the report quote.
        println!("{table}{alarms}");
        for r in &reports {
            assert!(r.pairs >= 25, "{}: {} pairs", r.genre, r.pairs);
            // Structure, numbers in words, reversed brackets and labels: never an alarm.
            for code in [
                "fragment",
                "suspicious-break",
                "target-fragment",
                "number-mismatch",
                "unbalanced-brackets",
                "truncated",
            ] {
                assert!(!r.by_check.contains_key(code), "{table}\n{alarms}");
            }
            // The goal of issue #15: at most 2 % of untouched pairs flagged in every genre.
            assert!(r.false_positive_rate <= 0.02, "{table}\n{alarms}");
        }
    }

    #[test]
    fn a_genre_line_without_three_columns_is_one_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.tsv");
        std::fs::write(&path, "# comment\n0\tجملة.\tA sentence.\n1\tجملة فقط\n").unwrap();
        let err = read_genre(&path).unwrap_err().to_string();
        assert!(
            err.contains("bad.tsv:3") && err.contains("3 tab-separated"),
            "{err}"
        );
    }

    fn pair(ar: &str, en: &str) -> Pair {
        Pair {
            doc: "d".into(),
            ar: ar.into(),
            en: en.into(),
        }
    }

    #[test]
    fn corruptions_do_what_they_say() {
        let mut rng = fastrand::Rng::with_seed(7);
        let ar = "قال الوزير إن القوات الأمريكية ستبقى في البلاد بدعوة من الحكومة العراقية.";
        let parts = detach_fragment(ar, &mut rng).unwrap();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with('.') && parts[1].ends_with('.'));
        assert!(parts[1].split_whitespace().count() <= 4);
        let parts = split_at_relative(
            "زار الوزير القاعدة العسكرية الكبيرة التي تضم قوات التحالف.",
            &mut rng,
        )
        .unwrap();
        assert!(parts[1].starts_with("التي"), "{parts:?}");
        let en = "More than 2,500 soldiers were deployed in 2003.";
        let changed = change_number("نشر أكثر من 2500 جندي في 2003.", en, &mut rng).unwrap();
        assert_ne!(changed, en);
        let t = truncate(
            "He said that the soldiers would stay in the country.",
            &mut rng,
        )
        .unwrap();
        assert!(!t.ends_with('.'));
        let r = repeat_phrase(
            "He said that the soldiers would stay in the country.",
            &mut rng,
        )
        .unwrap();
        assert!(r.split_whitespace().count() > 10);
        let m = misspell("Schulman", &mut rng).unwrap();
        assert_ne!(m, "Schulman");
    }

    #[test]
    fn generation_is_reproducible_and_mixes_kinds() {
        let pairs: Vec<Pair> = (0..60)
            .map(|i| {
                Pair {
                    doc: format!("d{}", i / 3),
                    ..pair(
                        &format!("قال الوزير إن {i} جنديا سيبقون في البلاد بدعوة من الحكومة العراقية التي تدعمهم."),
                        &format!("The minister said {i} soldiers would stay in the country at the invitation of the Iraqi government, which supports them."),
                    )
                }
            })
            .collect();
        let a = generate(&pairs, Split::All, 3);
        let b = generate(&pairs, Split::All, 3);
        assert_eq!(
            a.iter()
                .map(|i| (i.kind, i.target.clone()))
                .collect::<Vec<_>>(),
            b.iter()
                .map(|i| (i.kind, i.target.clone()))
                .collect::<Vec<_>>()
        );
        let kinds: BTreeSet<Kind> = a.iter().map(|i| i.kind).collect();
        assert!(kinds.len() >= 8, "{kinds:?}");
        let (report, _) = score(&a, &CheckSettings::default(), 3, Split::All);
        assert_eq!(report.pairs, a.len());
        assert!(regressions(&report, &report).is_empty());
    }
}
