//! The interactive review session: line-oriented prompts, so it works in any terminal, in tmux
//! and with scripted standard input.
//!
//! It goes through the flagged beads nobody has decided on, riskiest first. For each it shows
//! the bead before and after (as context), the source on its own line in logical order (the
//! terminal does the bidirectional display; nothing is reshaped or reordered), the target, and
//! the flags with their evidence, then asks `[a]ccept [e]dit [g]arbled [r]eject [s]kip [q]uit`.
//! Every decision is handed to `persist` at once (the command rewrites the bitext file
//! atomically), so quitting, end of input or Ctrl-C lose nothing, and the next session resumes
//! with the beads still undecided.

use std::io::{BufRead, Write};

use crate::bitext::{Action, Bitext};
use crate::output::{BeadView, bead_views, format_score, tsv::action_name};
use crate::review::{new_decision, queue};

/// Session settings.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// Recorded in each decision.
    pub reviewer: Option<String>,
    /// Wrap source and target at this many characters (0: one line each, as they are).
    pub wrap: usize,
}

/// What a session did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionSummary {
    /// Decisions recorded.
    pub decided: usize,
    /// Beads skipped.
    pub skipped: usize,
    /// Flagged beads still undecided at the end.
    pub remaining: usize,
}

/// What the reviewer typed at the main prompt.
enum Answer {
    Decide(Action),
    Skip,
    Quit,
}

/// Runs a session over `bitext`, reading answers from `input` and writing prompts to `output`;
/// `persist` is called after each decision with the updated bitext.
pub fn run(
    bitext: &mut Bitext,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &SessionOptions,
    persist: &mut dyn FnMut(&Bitext) -> anyhow::Result<()>,
) -> anyhow::Result<SessionSummary> {
    let pending = queue(bitext);
    let mut summary = SessionSummary::default();
    if pending.is_empty() {
        let flagged = bead_views(bitext)
            .iter()
            .filter(|v| !v.flags.is_empty())
            .count();
        writeln!(
            output,
            "Nothing to review: {flagged} flagged beads, all decided."
        )?;
        return Ok(summary);
    }
    writeln!(
        output,
        "{} flagged beads to review, riskiest first. Each decision is saved at once; quit (q) or Ctrl-C at any time and run the same command to resume.",
        pending.len()
    )?;
    for (position, &id) in pending.iter().enumerate() {
        show_bead(bitext, id, position + 1, pending.len(), options, output)?;
        let Some(answer) = ask_action(input, output)? else {
            break;
        };
        let action = match answer {
            Answer::Quit => break,
            Answer::Skip => {
                summary.skipped += 1;
                continue;
            }
            Answer::Decide(action) => action,
        };
        let Some((text, note)) = ask_details(action, input, output)? else {
            break; // end of input while typing an edit: nothing to record
        };
        bitext.decisions.push(new_decision(
            id,
            action,
            text,
            note,
            options.reviewer.clone(),
        ));
        persist(bitext)?;
        summary.decided += 1;
        writeln!(output, "Saved: bead {id} {}.", action_name(action))?;
    }
    summary.remaining = queue(bitext).len();
    writeln!(
        output,
        "\n{} decided, {} skipped, {} still to review.",
        summary.decided, summary.skipped, summary.remaining
    )?;
    Ok(summary)
}

fn show_bead(
    bitext: &Bitext,
    id: usize,
    position: usize,
    total: usize,
    options: &SessionOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let views = bead_views(bitext);
    let view = &views[id];
    let (src, tgt) = (&bitext.header.source_lang, &bitext.header.target_lang);
    writeln!(
        out,
        "\n── [{position}/{total}] bead {id} · {} · score {} · risk {} ──",
        view.bead.kind(),
        format_score(view.bead.score),
        format_score(crate::quality::risk(bitext, view.bead))
    )?;
    if id > 0 {
        show_context(out, "before", &views[id - 1])?;
    }
    writeln!(out, "source ({src}):")?;
    writeln!(out, "{}", shown(&view.source, options.wrap))?;
    writeln!(out, "target ({tgt}):")?;
    writeln!(out, "{}", shown(&view.target, options.wrap))?;
    writeln!(out, "flags:")?;
    for flag in &view.flags {
        writeln!(
            out,
            "  {} {}: {}",
            flag.severity.to_string().to_uppercase(),
            flag.code,
            flag.message
        )?;
        if !flag.evidence.is_empty() {
            writeln!(out, "    evidence: {}", flag.evidence)?;
        }
    }
    if let Some(next) = views.get(id + 1) {
        show_context(out, "after", next)?;
    }
    Ok(())
}

fn show_context(out: &mut dyn Write, label: &str, view: &BeadView<'_>) -> std::io::Result<()> {
    writeln!(out, "{label} (bead {}):", view.bead.id)?;
    writeln!(out, "  {}", excerpt(&view.source))?;
    writeln!(out, "  {}", excerpt(&view.target))
}

/// A text for display: `(none)` when empty, wrapped if asked.
fn shown(text: &str, wrap: usize) -> String {
    if text.is_empty() {
        return "(none)".into();
    }
    if wrap == 0 {
        return text.to_string();
    }
    wrap_words(text, wrap)
}

/// The first 120 characters of a context line, on one line.
fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.is_empty() {
        return "(none)".into();
    }
    if flat.chars().count() <= MAX {
        return flat;
    }
    let cut: String = flat.chars().take(MAX).collect();
    format!("{cut}…")
}

/// Greedy word wrap at `width` characters (a longer word gets a line of its own).
fn wrap_words(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let fits = line.is_empty() || line.chars().count() + 1 + word.chars().count() <= width;
            if !fits {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// Reads one line; `None` at end of input.
fn read_line(input: &mut dyn BufRead) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Some(
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string(),
    ))
}

fn ask_action(input: &mut dyn BufRead, out: &mut dyn Write) -> std::io::Result<Option<Answer>> {
    loop {
        write!(out, "[a]ccept [e]dit [g]arbled [r]eject [s]kip [q]uit > ")?;
        out.flush()?;
        let Some(line) = read_line(input)? else {
            writeln!(out)?;
            return Ok(None);
        };
        let answer = match line.trim().to_ascii_lowercase().as_str() {
            "a" | "accept" => Answer::Decide(Action::Accept),
            "e" | "edit" => Answer::Decide(Action::Edit),
            "g" | "garbled" => Answer::Decide(Action::Garbled),
            "r" | "reject" => Answer::Decide(Action::Reject),
            "s" | "skip" | "" => Answer::Skip,
            "q" | "quit" => Answer::Quit,
            other => {
                writeln!(out, "'{other}'? Type a, e, g, r, s or q, then Enter.")?;
                continue;
            }
        };
        return Ok(Some(answer));
    }
}

type Details = (Option<String>, Option<String>);

/// The new translation for an edit, the optional note for garbled and reject. `None` when the
/// input ends before an edit's text (the edit is not recorded); an optional note cut short by
/// the end of input is simply absent.
fn ask_details(
    action: Action,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> std::io::Result<Option<Details>> {
    let prompt = match action {
        Action::Accept => return Ok(Some((None, None))),
        Action::Edit => loop {
            write!(out, "new translation (one line) > ")?;
            out.flush()?;
            let Some(text) = read_line(input)? else {
                writeln!(out)?;
                return Ok(None);
            };
            if !text.trim().is_empty() {
                return Ok(Some((Some(text), None)));
            }
            writeln!(
                out,
                "An edit needs the new translation; type it, or Ctrl-C to stop."
            )?;
        },
        Action::Garbled => "note: what is wrong with the source (optional) > ",
        Action::Reject => "note: why reject the pair (optional) > ",
    };
    write!(out, "{prompt}")?;
    out.flush()?;
    let note = read_line(input)?.filter(|n| !n.trim().is_empty());
    Ok(Some((None, note)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    fn session(bitext: &mut Bitext, script: &str) -> (SessionSummary, String, usize) {
        let mut output = Vec::new();
        let mut saves = 0;
        let summary = run(
            bitext,
            &mut script.as_bytes(),
            &mut output,
            &SessionOptions::default(),
            &mut |_| {
                saves += 1;
                Ok(())
            },
        )
        .unwrap();
        (summary, String::from_utf8(output).unwrap(), saves)
    }

    #[test]
    fn decides_riskiest_first_and_saves_each_decision() {
        let mut bitext = fixture::sample();
        let before = bitext.decisions.len();
        let (summary, out, saves) = session(
            &mut bitext,
            "x\nr\nno source match\ne\n\nToday, Baghdad keeps strong ties.\na\n",
        );
        assert_eq!(
            summary,
            SessionSummary {
                decided: 3,
                skipped: 0,
                remaining: 0
            }
        );
        assert_eq!(saves, 3);
        let new: Vec<_> = bitext.decisions[before..]
            .iter()
            .map(|d| (d.bead, d.action))
            .collect();
        assert_eq!(
            new,
            [(6, Action::Reject), (5, Action::Edit), (0, Action::Accept)]
        );
        assert_eq!(
            bitext.decisions[before].note.as_deref(),
            Some("no source match")
        );
        assert!(out.contains("'x'? Type a, e, g, r, s or q"));
        assert!(out.contains("An edit needs the new translation"));
        assert!(out.contains("source (ar):\nوالتقى لويد أوستن"));
        assert!(out.contains("  ERROR omission:"));
        assert!(out.contains("before (bead 5):"));
    }

    #[test]
    fn end_of_input_quits_and_resume_skips_decided_beads() {
        let mut bitext = fixture::sample();
        let (summary, _, _) = session(&mut bitext, "g\n");
        assert_eq!(
            summary,
            SessionSummary {
                decided: 1,
                skipped: 0,
                remaining: 2
            }
        );
        let (summary, out, _) = session(&mut bitext, "s\nq\n");
        assert!(out.starts_with("2 flagged beads to review"));
        assert_eq!(
            summary,
            SessionSummary {
                decided: 0,
                skipped: 1,
                remaining: 2
            }
        );
        let (_, out, _) = session(&mut bitext, "a\na\n");
        assert!(out.contains("0 still to review"));
        let (_, out, _) = session(&mut bitext, "");
        assert_eq!(out, "Nothing to review: 5 flagged beads, all decided.\n");
    }

    #[test]
    fn an_edit_cut_off_by_end_of_input_is_not_recorded() {
        let mut bitext = fixture::sample();
        let before = bitext.decisions.len();
        let (summary, _, saves) = session(&mut bitext, "e\n");
        assert_eq!((summary.decided, saves), (0, 0));
        assert_eq!(bitext.decisions.len(), before);
    }

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap_words("aa bb cc dd", 5), "aa bb\ncc dd");
        assert_eq!(wrap_words("toolongword x", 4), "toolongword\nx");
    }
}
