//! Review: a reviewer's decisions on flagged beads, interactive ([`session`]) or imported from a
//! reviewed XLIFF or a TSV of decisions ([`import`]).
//!
//! Decisions are only ever appended to the bitext (the last one per bead wins), each synced to
//! disk as it is made ([`store`]), so quitting, a Ctrl-C or a kill loses nothing, several
//! reviewers can work on one file at once, and the next session resumes with the beads still
//! undecided.

pub mod import;
pub mod session;
pub mod store;

use std::path::Path;

use crate::bitext::{Action, Bitext, Decision};

/// The beads a reviewer still has to look at: flagged, with no decision yet; riskiest first
/// (document order among equals).
pub fn queue(bitext: &Bitext) -> Vec<usize> {
    queue_of(&crate::output::bead_views(bitext))
}

/// [`queue`] for views already built (linear: the views carry their flags).
pub fn queue_of(views: &[crate::output::BeadView<'_>]) -> Vec<usize> {
    let mut pending: Vec<(f64, usize)> = views
        .iter()
        .filter(|v| v.decision.is_none() && !v.flags.is_empty())
        .map(|v| (crate::quality::risk_of(v.flags.iter().copied()), v.bead.id))
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

/// Writes the bitext file atomically, under its lock, keeping every decision already in the
/// file (see [`store::write_keeping_decisions`]).
pub fn save(bitext: &Bitext, path: &Path) -> anyhow::Result<()> {
    let mut bitext = bitext.clone();
    store::write_keeping_decisions(path, &mut bitext).map(|_| ())
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
