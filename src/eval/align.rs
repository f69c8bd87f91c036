//! `tarjama eval align`: strict and lax precision / recall / F1 of sentence alignments.
//!
//! The metric of Sennrich & Volk (2011) as implemented by Vecalign's `score.py` and the project's
//! reference scorer `align_score.py`; counts are summed over all documents before dividing.
//! - Beads are de-duplicated; beads empty on both sides are dropped.
//! - Precision is over every hypothesis bead, nulls included: a strict hit is a bead identical
//!   to a gold bead; a lax hit is a strict hit or a bead one of whose target ids is aligned in
//!   gold to one of its source ids.
//! - Recall is over gold beads non-empty on both sides, against hypothesis beads non-empty on
//!   both sides, with the same tests.

use std::collections::{HashMap, HashSet};

use crate::input::{Source, read_text};

/// One bead as in the file: source ids and target ids.
pub type BeadIds = (Vec<usize>, Vec<usize>);

/// A bead file that cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[error("{name}:{line}: {message}")]
pub struct ParseError {
    /// File name.
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// Parses bead lines `[0, 1]:[2]` (also `[3]:[]`, bare integers, and a trailing `:cost` column
/// as Vecalign writes it). Blank lines are skipped.
pub fn parse_beads(text: &str, name: &str) -> Result<Vec<BeadIds>, ParseError> {
    let mut beads = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let error = |message: String| ParseError {
            name: name.to_string(),
            line: index + 1,
            message,
        };
        let parts: Vec<&str> = line
            .split(':')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() < 2 {
            return Err(error(format!(
                "expected \"[src ids]:[tgt ids]\" such as \"[0, 1]:[2]\", got {line:?}"
            )));
        }
        let src =
            parse_ids(parts[0]).map_err(|m| error(format!("source ids {:?}: {m}", parts[0])))?;
        let tgt =
            parse_ids(parts[1]).map_err(|m| error(format!("target ids {:?}: {m}", parts[1])))?;
        beads.push((src, tgt));
    }
    Ok(beads)
}

/// `[1, 2]`, `[]`, `(1, 2)` or a bare integer.
fn parse_ids(text: &str) -> Result<Vec<usize>, String> {
    let inner = match (text.chars().next(), text.chars().last()) {
        (Some('['), Some(']')) | (Some('('), Some(')')) if text.len() >= 2 => {
            &text[1..text.len() - 1]
        }
        _ => {
            return text
                .parse::<usize>()
                .map(|v| vec![v])
                .map_err(|_| "not a list of sentence ids".into());
        }
    };
    let items: Vec<&str> = inner.split(',').map(str::trim).collect();
    let mut ids = Vec::new();
    for (k, item) in items.iter().enumerate() {
        if item.is_empty() && k + 1 == items.len() {
            continue; // `[]` or a trailing comma
        }
        ids.push(
            item.parse::<usize>()
                .map_err(|_| format!("{item:?} is not a sentence id (0, 1, 2…)"))?,
        );
    }
    Ok(ids)
}

/// Raw counts: `[strict hits, strict misses, lax hits, lax misses]` for precision and recall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Hypothesis beads checked against gold.
    pub precision: [usize; 4],
    /// Gold beads (non-empty on both sides) checked against the hypothesis.
    pub recall: [usize; 4],
}

impl Counts {
    /// Counts of one document.
    pub fn of_document(gold: &[BeadIds], hyp: &[BeadIds]) -> Counts {
        let both = |beads: &[BeadIds]| -> Vec<BeadIds> {
            beads
                .iter()
                .filter(|(s, t)| !s.is_empty() && !t.is_empty())
                .cloned()
                .collect()
        };
        Counts {
            precision: match_counts(gold, hyp),
            recall: match_counts(&both(hyp), &both(gold)),
        }
    }

    /// Adds another document's counts (micro-average).
    pub fn add(&mut self, other: &Counts) {
        for k in 0..4 {
            self.precision[k] += other.precision[k];
            self.recall[k] += other.recall[k];
        }
    }

    /// Precision, recall and F1.
    pub fn scores(&self) -> Scores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let p = &self.precision;
        let r = &self.recall;
        let (ps, pl) = (ratio(p[0], p[0] + p[1]), ratio(p[2], p[2] + p[3]));
        let (rs, rl) = (ratio(r[0], r[0] + r[1]), ratio(r[2], r[2] + r[3]));
        Scores {
            precision_strict: ps,
            recall_strict: rs,
            f1_strict: f1(ps, rs),
            precision_lax: pl,
            recall_lax: rl,
            f1_lax: f1(pl, rl),
            hyp_beads_scored: p[0] + p[1],
            gold_beads_scored: r[0] + r[1],
        }
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Strict and lax precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Strict precision.
    pub precision_strict: f64,
    /// Strict recall.
    pub recall_strict: f64,
    /// Strict F1.
    pub f1_strict: f64,
    /// Lax precision.
    pub precision_lax: f64,
    /// Lax recall.
    pub recall_lax: f64,
    /// Lax F1.
    pub f1_lax: f64,
    /// Distinct hypothesis beads scored for precision.
    pub hyp_beads_scored: usize,
    /// Distinct gold beads scored for recall.
    pub gold_beads_scored: usize,
}

/// Scores several documents with pooled counts.
pub fn score(gold_docs: &[Vec<BeadIds>], hyp_docs: &[Vec<BeadIds>]) -> Scores {
    let mut total = Counts::default();
    for (g, h) in gold_docs.iter().zip(hyp_docs) {
        total.add(&Counts::of_document(g, h));
    }
    total.scores()
}

/// Checks each distinct candidate bead against the reference beads.
fn match_counts(reference: &[BeadIds], candidate: &[BeadIds]) -> [usize; 4] {
    let nonempty = |b: &&BeadIds| !b.0.is_empty() || !b.1.is_empty();
    let reference: HashSet<&BeadIds> = reference.iter().filter(nonempty).collect();
    let candidate: HashSet<&BeadIds> = candidate.iter().filter(nonempty).collect();
    let mut linked: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (s, t) in &reference {
        for &i in s {
            linked.entry(i).or_default().extend(t.iter().copied());
        }
    }
    let mut counts = [0usize; 4];
    for bead in candidate {
        if reference.contains(bead) {
            counts[0] += 1;
            counts[2] += 1;
            continue;
        }
        counts[1] += 1;
        let lax = bead
            .0
            .iter()
            .filter_map(|i| linked.get(i))
            .any(|targets| bead.1.iter().any(|t| targets.contains(t)));
        counts[if lax { 2 } else { 3 }] += 1;
    }
    counts
}

/// Reads a beads file (`[src ids]:[tgt ids]` per line), or standard input for `-`.
pub fn read_beads(path: &std::path::Path) -> anyhow::Result<Vec<BeadIds>> {
    let source = Source::from_arg(path);
    let text = read_text(&source)?;
    Ok(parse_beads(&text, &source.display_name())?)
}

/// The table `align_score.py` prints.
pub fn format_table(s: &Scores) -> String {
    format!(
        " ---------------------------------\n\
         |             |  Strict |    Lax  |\n\
         | Precision   |   {:.3} |   {:.3} |\n\
         | Recall      |   {:.3} |   {:.3} |\n\
         | F1          |   {:.3} |   {:.3} |\n \
         ---------------------------------\n",
        s.precision_strict, s.precision_lax, s.recall_strict, s.recall_lax, s.f1_strict, s.f1_lax
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_standard_forms() {
        let beads =
            parse_beads("[0, 1]:[2]\n\n[3]:[]\n[]:[3]\n4:5\n[5]:[6]:0.1560\n", "x").unwrap();
        assert_eq!(
            beads,
            vec![
                (vec![0, 1], vec![2]),
                (vec![3], vec![]),
                (vec![], vec![3]),
                (vec![4], vec![5]),
                (vec![5], vec![6]),
            ]
        );
        let err = parse_beads("[0]:[1]\n[a]:[2]\n", "g.txt")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("g.txt:2: source ids"), "{err}");
        assert!(parse_beads("[0]\n", "g").is_err());
    }

    #[test]
    fn strict_and_lax_counts_follow_the_reference_scorer() {
        let gold = parse_beads("[0]:[0]\n[1]:[1, 2]\n[2]:[]\n[3]:[3]\n", "g").unwrap();
        let hyp = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[3]:[3]\n[3]:[3]\n", "h").unwrap();
        let c = Counts::of_document(&gold, &hyp);
        // precision: 5 distinct beads; strict hits [0]:[0], [2]:[], [3]:[3]; lax adds [1]:[1]
        assert_eq!(c.precision, [3, 2, 4, 1]);
        // recall: gold both-sided [0]:[0], [1]:[1,2], [3]:[3] against hyp both-sided
        assert_eq!(c.recall, [2, 1, 3, 0]);
        let s = c.scores();
        assert!((s.precision_strict - 0.6).abs() < 1e-12);
        assert!((s.f1_lax - 2.0 * 0.8 / 1.8).abs() < 1e-12);
    }

    #[test]
    fn empty_inputs_score_zero() {
        let s = score(&[vec![]], &[vec![]]);
        assert_eq!(s.f1_strict, 0.0);
    }
}
