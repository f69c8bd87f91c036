//! Review: a reviewer's decisions on flagged beads, interactive ([`session`]) or imported from a
//! reviewed XLIFF or a TSV of decisions ([`import`]).
//!
//! Decisions are only ever appended to the bitext (the last one per bead wins), and the bitext
//! file is rewritten atomically after each one ([`save`]), so quitting or a Ctrl-C loses nothing
//! and the next session resumes with the beads still undecided.

pub mod import;
pub mod session;

use std::path::Path;

use crate::bitext::{Action, Bead, Bitext, Decision, Severity};

/// How risky a bead is, in 0..=1: the higher, the sooner a reviewer should look at it.
///
/// Stand-in until the quality stage's `quality::risk` lands (swap the body for a call to it; the
/// formula is the same): each flag concerning the bead is an independent chance that the pair is
/// wrong (info 0.05, warning 0.4, error 0.8); a bead without flags has risk 0.
pub fn bead_risk(bitext: &Bitext, bead: &Bead) -> f64 {
    let clean: f64 = bitext
        .flags_for_bead(bead)
        .iter()
        .map(|f| match f.severity {
            Severity::Error => 0.2,
            Severity::Warning => 0.6,
            Severity::Info => 0.95,
        })
        .product();
    1.0 - clean
}

/// The beads a reviewer still has to look at: flagged, with no decision yet; riskiest first
/// (document order among equals).
pub fn queue(bitext: &Bitext) -> Vec<usize> {
    let mut pending: Vec<(f64, usize)> = crate::output::bead_views(bitext)
        .iter()
        .filter(|v| v.decision.is_none() && !v.flags.is_empty())
        .map(|v| (bead_risk(bitext, v.bead), v.bead.id))
        .collect();
    pending.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    pending.into_iter().map(|(_, id)| id).collect()
}

/// A decision stamped with the current time (RFC 3339, UTC, seconds).
pub fn new_decision(
    bead: usize,
    action: Action,
    text: Option<String>,
    note: Option<String>,
    reviewer: Option<String>,
) -> Decision {
    Decision {
        bead,
        action,
        text,
        note,
        reviewer,
        time: Some(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()),
        extra: Default::default(),
    }
}

/// Rewrites the bitext file atomically (temporary file + rename).
pub fn save(bitext: &Bitext, path: &Path) -> anyhow::Result<()> {
    crate::output::atomic::write_atomic(path, |out| bitext.write_jsonl(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn queue_is_undecided_flagged_beads_riskiest_first() {
        let bitext = fixture::sample();
        // Bead 6: omission (error); bead 5: length ratio (warning); bead 0: info.
        assert_eq!(queue(&bitext), [6, 5, 0]);
    }

    #[test]
    fn risk_grows_with_severity() {
        let bitext = fixture::sample();
        let risk = |i: usize| bead_risk(&bitext, &bitext.beads[i]);
        assert!(risk(3) > risk(2), "error > warning");
        assert!(risk(2) > risk(0), "warning > info");
        assert!(risk(0) > risk(4), "info > nothing");
        assert_eq!(risk(4), 0.0);
        assert!((risk(6) - 0.8).abs() < 1e-9);
    }
}
