//! Importing decisions from a reviewed XLIFF (exported by `tarjama export --format xliff`, then
//! edited in a CAT tool) or from a TSV of decisions.
//!
//! All or nothing: the whole file is checked against the bitext first, and the first mismatch
//! (an unknown bead or segment id, a source text that differs from the bitext's, other languages,
//! an unknown action) is one error naming the file, the line and what to do; then no decision is
//! applied. Importing the same file twice adds nothing the second time: a decision equal to the
//! bead's current one is not repeated.
//!
//! XLIFF segment `bK` → decision on bead K:
//! - `subState="tarjama:garbled"` / `"tarjama:rejected"` → `garbled` / `reject`;
//! - a `<target>` that differs from the exported one → `edit` with the new text (whatever the
//!   state: reviewers do not always remember to change it);
//! - an unchanged target with `state` `reviewed` or `final` → `accept`;
//! - `initial` or `translated` and unchanged → no decision.
//!
//! TSV: a header line naming the columns, then one decision per line, escaped as in
//! [`crate::output::tsv`]. Required: `bead` and `action` (or `decision`, as in an exported
//! `aligned.tsv`); optional: `text` (or `target`) for an edit, `note`, and `source`, which must
//! then equal the bitext's. Lines with an empty action are skipped.

use std::path::Path;

use crate::bitext::{Action, Bitext, Decision};
use crate::output::xml::xml_safe;
use crate::output::{BeadView, bead_views, tsv, xliff};
use crate::review::new_decision;

/// An import that does not match the bitext; nothing was applied.
#[derive(Debug, thiserror::Error)]
#[error("{name}:{position}: {message}")]
pub struct ImportError {
    /// The imported file's name.
    pub name: String,
    /// `line` or `line:column`.
    pub position: String,
    /// What does not match and what to do.
    pub message: String,
}

impl ImportError {
    fn at(name: &str, line: usize, message: String) -> ImportError {
        ImportError {
            name: name.to_string(),
            position: line.to_string(),
            message,
        }
    }
}

impl From<xliff::XliffError> for ImportError {
    fn from(e: xliff::XliffError) -> ImportError {
        ImportError {
            name: e.name,
            position: format!("{}:{}", e.line, e.column),
            message: e.message,
        }
    }
}

impl From<tsv::TsvError> for ImportError {
    fn from(e: tsv::TsvError) -> ImportError {
        ImportError::at(&e.name, e.line, e.message)
    }
}

/// Which kind of file an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// A reviewed XLIFF 2.0 file.
    Xliff,
    /// A TSV of decisions.
    Tsv,
}

impl ImportKind {
    /// By extension (`.xlf`, `.xliff`, `.xml` / `.tsv`, `.tab`, `.txt`), else by content: XML
    /// starts with `<`.
    pub fn detect(path: &Path, text: &str) -> ImportKind {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("xlf" | "xliff" | "xml") => ImportKind::Xliff,
            Some("tsv" | "tab" | "txt") => ImportKind::Tsv,
            _ if text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<') =>
            {
                ImportKind::Xliff
            }
            _ => ImportKind::Tsv,
        }
    }
}

/// The decisions a file brings, checked against `bitext` (nothing is applied).
pub fn decisions(
    bitext: &Bitext,
    kind: ImportKind,
    text: &str,
    name: &str,
    reviewer: Option<&str>,
) -> Result<Vec<Decision>, ImportError> {
    match kind {
        ImportKind::Xliff => from_xliff(bitext, text, name, reviewer),
        ImportKind::Tsv => from_tsv(bitext, text, name, reviewer),
    }
}

/// Decisions from a reviewed XLIFF (see the module documentation).
pub fn from_xliff(
    bitext: &Bitext,
    text: &str,
    name: &str,
    reviewer: Option<&str>,
) -> Result<Vec<Decision>, ImportError> {
    let doc = xliff::read(text, name)?;
    check_languages(bitext, &doc, name)?;
    let views = bead_views(bitext);
    let mut seen = vec![false; views.len()];
    let mut found = Vec::new();
    for segment in &doc.segments {
        let fail = |message: String| ImportError::at(name, segment.line, message);
        let id = segment.id.as_deref().unwrap_or("");
        let bead = id
            .strip_prefix('b')
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n < views.len() && id == format!("b{n}"))
            .ok_or_else(|| {
                fail(format!(
                    "unknown segment id \"{id}\": this bitext has beads b0 to b{}; was the XLIFF exported from another bitext?",
                    views.len().saturating_sub(1)
                ))
            })?;
        if std::mem::replace(&mut seen[bead], true) {
            return Err(fail(format!("segment {id} appears twice")));
        }
        let view = &views[bead];
        if segment.source != xml_safe(&view.source) {
            return Err(fail(format!(
                "segment {id}: the source text differs from bead {bead} of the bitext; export the XLIFF again from this bitext and redo the review in it"
            )));
        }
        if let Some(decision) = xliff_decision(view, segment, reviewer).map_err(fail)?
            && !repeats(view.decision, &decision)
        {
            found.push(decision);
        }
    }
    Ok(found)
}

fn check_languages(bitext: &Bitext, doc: &xliff::Document, name: &str) -> Result<(), ImportError> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let source = bitext.header.source_lang.as_str();
    let target = bitext.header.target_lang.as_str();
    let target_ok = doc.trg_lang.as_deref().is_none_or(|t| same(t, target));
    if !same(&doc.src_lang, source) || !target_ok {
        return Err(ImportError::at(
            name,
            1,
            format!(
                "the XLIFF is {} → {}, the bitext {source} → {target}; import it into the bitext it was exported from",
                doc.src_lang,
                doc.trg_lang.as_deref().unwrap_or("?")
            ),
        ));
    }
    Ok(())
}

fn xliff_decision(
    view: &BeadView<'_>,
    segment: &xliff::Segment,
    reviewer: Option<&str>,
) -> Result<Option<Decision>, String> {
    let id = view.bead.id;
    let make = |action, text| {
        Some(new_decision(
            id,
            action,
            text,
            None,
            reviewer.map(String::from),
        ))
    };
    match segment.sub_state.as_deref() {
        Some("tarjama:garbled") => return Ok(make(Action::Garbled, None)),
        Some("tarjama:rejected") => return Ok(make(Action::Reject, None)),
        _ => {}
    }
    let target = segment.target.clone().unwrap_or_default();
    if target != xml_safe(&view.target) {
        if target.trim().is_empty() {
            return Err(format!(
                "segment b{id}: the target was emptied; to reject the pair set subState=\"tarjama:rejected\" (or use a TSV with action reject)"
            ));
        }
        return Ok(make(Action::Edit, Some(target)));
    }
    // An unchanged target marked reviewed or final accepts it, unless it was already accepted
    // or is the reviewer's own edit (which the export marks final).
    let settled = matches!(view.action(), Some(Action::Accept | Action::Edit));
    Ok(match segment.state.as_deref() {
        Some("reviewed" | "final") if !settled => make(Action::Accept, None),
        _ => None,
    })
}

/// Whether `new` says nothing the bead's current decision does not already say.
fn repeats(current: Option<&Decision>, new: &Decision) -> bool {
    current.is_some_and(|c| {
        c.action == new.action
            && (new.action != Action::Edit || c.text == new.text)
            && (new.note.is_none() || c.note == new.note)
    })
}

/// Decisions from a TSV (see the module documentation).
pub fn from_tsv(
    bitext: &Bitext,
    text: &str,
    name: &str,
    reviewer: Option<&str>,
) -> Result<Vec<Decision>, ImportError> {
    let table = tsv::read_table(text, name, &["bead"])?;
    let action_column = table
        .column("action")
        .or_else(|| table.column("decision"))
        .ok_or_else(|| {
            ImportError::at(
                name,
                1,
                "the header has no 'action' (or 'decision') column; expected bead<TAB>action<TAB>text<TAB>note".into(),
            )
        })?;
    let text_column = table.column("text").or_else(|| table.column("target"));
    let note_column = table.column("note");
    let source_column = table.column("source");
    let views = bead_views(bitext);
    let mut found = Vec::new();
    for (line, fields) in &table.rows {
        let fail = |message: String| ImportError::at(name, *line, message);
        let action_text = fields[action_column].trim();
        if action_text.is_empty() {
            continue;
        }
        let raw_id = fields[table.column("bead").unwrap_or(0)].trim();
        let bead = raw_id
            .parse::<usize>()
            .ok()
            .filter(|&n| n < views.len())
            .ok_or_else(|| {
                fail(format!(
                    "unknown bead \"{raw_id}\": this bitext has beads 0 to {}",
                    views.len().saturating_sub(1)
                ))
            })?;
        let view = &views[bead];
        if let Some(c) = source_column
            && fields[c] != view.source
        {
            return Err(fail(format!(
                "bead {bead}: the source text differs from the bitext's; export the TSV again from this bitext"
            )));
        }
        let action = parse_action(action_text).ok_or_else(|| {
            fail(format!(
                "unknown action \"{action_text}\"; use accept, edit, garbled or reject"
            ))
        })?;
        let text = text_column
            .map(|c| fields[c].clone())
            .filter(|t| !t.is_empty());
        let text = match action {
            Action::Edit => Some(text.ok_or_else(|| {
                fail(format!(
                    "bead {bead}: an edit needs the new translation in the text column"
                ))
            })?),
            Action::Accept
                if text_column.is_some_and(|c| table.columns[c] == "target")
                    && text.as_deref().is_some_and(|t| t != view.target) =>
            {
                return Err(fail(format!(
                    "bead {bead}: action accept, but the target differs from the bitext's; write edit to keep the new text"
                )));
            }
            _ => None,
        };
        let note = note_column
            .map(|c| fields[c].clone())
            .filter(|n| !n.is_empty());
        let decision = new_decision(bead, action, text, note, reviewer.map(String::from));
        if !repeats(view.decision, &decision) {
            found.push(decision);
        }
    }
    Ok(found)
}

/// `accept`, `edit`, `garbled`, `reject` (any case), or their first letter.
pub fn parse_action(text: &str) -> Option<Action> {
    match text.to_ascii_lowercase().as_str() {
        "a" | "accept" | "accepted" => Some(Action::Accept),
        "e" | "edit" | "edited" => Some(Action::Edit),
        "g" | "garbled" => Some(Action::Garbled),
        "r" | "reject" | "rejected" => Some(Action::Reject),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    fn exported_xliff(bitext: &Bitext) -> String {
        let mut buf = Vec::new();
        xliff::write(bitext, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn an_untouched_export_brings_nothing() {
        let bitext = fixture::sample();
        let text = exported_xliff(&bitext);
        assert!(
            from_xliff(&bitext, &text, "r.xlf", None)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn edits_states_and_substates_become_decisions() {
        let bitext = fixture::sample();
        let text = exported_xliff(&bitext)
            .replace(
                "<target>Today, Baghdad maintains very strong relations with Washington, especially at the military level.</target>",
                "<target>Today, Baghdad maintains very strong ties with Washington &amp; more.</target>",
            )
            .replace(
                "<segment id=\"b0\" state=\"initial\" subState=\"tarjama:flagged\">",
                "<segment id=\"b0\" state=\"final\">",
            )
            .replace(
                "<segment id=\"b6\" state=\"initial\" subState=\"tarjama:flagged\">",
                "<segment id=\"b6\" state=\"reviewed\" subState=\"tarjama:rejected\">",
            );
        let found = from_xliff(&bitext, &text, "r.xlf", Some("lina")).unwrap();
        let summary: Vec<_> = found.iter().map(|d| (d.bead, d.action)).collect();
        assert_eq!(
            summary,
            [(0, Action::Accept), (5, Action::Edit), (6, Action::Reject)]
        );
        assert_eq!(
            found[1].text.as_deref(),
            Some("Today, Baghdad maintains very strong ties with Washington & more.")
        );
        assert_eq!(found[0].reviewer.as_deref(), Some("lina"));
    }

    #[test]
    fn mismatches_are_refused_with_a_line() {
        let bitext = fixture::sample();
        let good = exported_xliff(&bitext);
        let err = from_xliff(
            &bitext,
            &good.replace("id=\"b4\"", "id=\"b44\""),
            "r.xlf",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("r.xlf:"), "{err}");
        assert!(err.contains("unknown segment id \"b44\""), "{err}");
        let err = from_xliff(&bitext, &good.replace("فتح الغزو", "فتح"), "r.xlf", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("segment b4: the source text differs"), "{err}");
        let err = from_xliff(
            &bitext,
            &good.replace("trgLang=\"en\"", "trgLang=\"fr\""),
            "r.xlf",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("the XLIFF is ar → fr"), "{err}");
    }

    #[test]
    fn tsv_decisions_and_exported_tsv() {
        let bitext = fixture::sample();
        let text = "bead\taction\ttext\tnote\n5\tedit\tToday, Baghdad keeps\\tstrong ties.\t\n6\tg\t\tsee \\\"original\\\\\n0\t\t\t\n";
        let err = from_tsv(&bitext, text, "d.tsv", None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("d.tsv:3: unknown escape"), "{err}");
        let text = "bead\taction\ttext\tnote\n5\tedit\tToday, Baghdad keeps\\tstrong ties.\t\n6\tg\t\tsource cut off\n0\t\t\t\n";
        let found = from_tsv(&bitext, text, "d.tsv", None).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].text.as_deref(),
            Some("Today, Baghdad keeps\tstrong ties.")
        );
        assert_eq!(
            (found[1].action, found[1].note.as_deref()),
            (Action::Garbled, Some("source cut off"))
        );
        let err = from_tsv(&bitext, "bead\taction\n9\taccept\n", "d.tsv", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.tsv:2: unknown bead \"9\": this bitext has beads 0 to 6"
        );
        let err = from_tsv(&bitext, "bead\taction\n1\tmaybe\n", "d.tsv", None).unwrap_err();
        assert!(err.to_string().contains("unknown action \"maybe\""));
        // An exported aligned.tsv re-imported as it is: its decisions are already there.
        let mut exported = Vec::new();
        tsv::write(&bitext, &mut exported).unwrap();
        let exported = String::from_utf8(exported).unwrap();
        assert!(
            from_tsv(&bitext, &exported, "aligned.tsv", None)
                .unwrap()
                .is_empty()
        );
    }
}
