//! Review: a reviewer's decisions on flagged beads, interactive ([`session`]) or imported from a
//! reviewed XLIFF or a TSV of decisions ([`import`]).
//!
//! Decisions are only ever appended to the bitext (the last one per bead wins), and the bitext
//! file is rewritten atomically after each one ([`save`]), so quitting or a Ctrl-C loses nothing
//! and the next session resumes with the beads still undecided.

pub mod import;
pub mod session;

use std::path::Path;

use crate::bitext::{Action, Bitext, Decision};

/// The beads a reviewer still has to look at: flagged, with no decision yet; riskiest first
/// (document order among equals).
pub fn queue(bitext: &Bitext) -> Vec<usize> {
    let mut pending: Vec<(f64, usize)> = crate::output::bead_views(bitext)
        .iter()
        .filter(|v| v.decision.is_none() && !v.flags.is_empty())
        .map(|v| (crate::quality::risk(bitext, v.bead), v.bead.id))
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
        let risk = |i: usize| crate::quality::risk(&bitext, &bitext.beads[i]);
        assert!(risk(3) > risk(2), "error > warning");
        assert!(risk(2) > risk(0), "warning > info");
        assert!(risk(0) > risk(4), "info > nothing");
        assert_eq!(risk(4), 0.0);
        assert!((risk(6) - 0.8).abs() < 1e-9);
    }
}
