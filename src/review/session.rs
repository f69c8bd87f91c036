//! The interactive review session: line-oriented prompts, so it works in any terminal, in tmux
//! and with scripted standard input.
//!
//! It goes through the flagged beads nobody has decided on, riskiest first. For each it shows
//! the bead before and after (as context), the source on its own line in logical order (the
//! terminal does the bidirectional display; nothing is reshaped or reordered), the target, and
//! the flags with their evidence, then asks `[a]ccept [e]dit [g]arbled [r]eject [s]kip [q]uit`.
//! Every decision is handed to `persist` at once (the command appends it to the bitext file and
//! syncs it, see [`crate::review::store`]), so quitting, end of input or Ctrl-C lose nothing, and
//! the next session resumes with the beads still undecided.
//!
//! Texts come from articles and machine translation, so they may hold anything: control
//! characters (ESC, BEL) and bidirectional overrides are shown as visible stand-ins
//! ([`terminal_safe`]) and never reach the terminal as such. The bead views and the flag index
//! are built once per session, so start-up is linear in the size of the bitext.

use std::io::{BufRead, Write};

use std::borrow::Cow;

use crate::bitext::{Action, Bitext, Decision};
use crate::output::{BeadView, bead_views, format_score, tsv::action_name};
use crate::review::{new_decision, queue_of};

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
/// `persist` is called with each decision (its basis stamped) and must have saved it when it
/// returns `Ok`.
pub fn run(
    bitext: &Bitext,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &SessionOptions,
    persist: &mut dyn FnMut(Decision) -> anyhow::Result<()>,
) -> anyhow::Result<SessionSummary> {
    let views = bead_views(bitext);
    let pending = queue_of(&views);
    let mut summary = SessionSummary::default();
    if pending.is_empty() {
        let flagged = views.iter().filter(|v| !v.flags.is_empty()).count();
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
        show_bead(
            bitext,
            &views,
            id,
            (position + 1, pending.len()),
            options,
            output,
        )?;
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
        let mut decision = new_decision(id, action, text, note, options.reviewer.clone());
        decision.set_basis(bitext.basis(views[id].bead));
        persist(decision)?;
        summary.decided += 1;
        writeln!(output, "Saved: bead {id} {}.", action_name(action))?;
    }
    summary.remaining = pending.len() - summary.decided;
    writeln!(
        output,
        "\n{} decided, {} skipped, {} still to review.",
        summary.decided, summary.skipped, summary.remaining
    )?;
    Ok(summary)
}

fn show_bead(
    bitext: &Bitext,
    views: &[BeadView<'_>],
    id: usize,
    (position, total): (usize, usize),
    options: &SessionOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
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
            terminal_safe(&flag.code),
            terminal_safe(&flag.message)
        )?;
        if !flag.evidence.is_empty() {
            writeln!(out, "    evidence: {}", terminal_safe(&flag.evidence))?;
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

/// A text for display: `(none)` when empty, made safe for the terminal, wrapped if asked.
fn shown(text: &str, wrap: usize) -> String {
    if text.is_empty() {
        return "(none)".into();
    }
    let text = terminal_safe(text);
    if wrap == 0 {
        return text.into_owned();
    }
    wrap_words(&text, wrap)
}

/// Whether a character would act on the terminal or on the bidirectional layout instead of
/// being shown: C0 and C1 controls (ESC starts escape sequences, BEL rings), DEL, and the
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can
/// reorder what follows them on the line.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would act on the terminal replaced by a visible stand-in:
/// C0 controls and DEL by their control pictures (U+2400…, `␛` for ESC), C1 controls and the
/// bidirectional controls by `<U+XXXX>`. Tab stays.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\t' && acts_on_terminal(c)) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\t' => safe.push(c),
            '\u{7f}' => safe.push('\u{2421}'),
            c if (c as u32) < 0x20 => {
                safe.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            c if acts_on_terminal(c) => safe.push_str(&format!("<U+{:04X}>", c as u32)),
            c => safe.push(c),
        }
    }
    Cow::Owned(safe)
}

/// The first 120 characters of a context line, on one line.
fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = terminal_safe(&flat).into_owned();
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

    /// Runs a session; its decisions are appended to `bitext` as a store would.
    fn session(bitext: &mut Bitext, script: &str) -> (SessionSummary, String, usize) {
        let mut output = Vec::new();
        let mut saved = Vec::new();
        let summary = run(
            bitext,
            &mut script.as_bytes(),
            &mut output,
            &SessionOptions::default(),
            &mut |d| {
                saved.push(d);
                Ok(())
            },
        )
        .unwrap();
        let saves = saved.len();
        bitext.decisions.extend(saved);
        (summary, String::from_utf8(output).unwrap(), saves)
    }

    #[test]
    fn hostile_text_cannot_drive_the_terminal() {
        let mut bitext = fixture::sample();
        let t = bitext.beads[6].source[0];
        bitext.source[t].text = "evil \u{1b}[2J\u{7}\u{202e}txet\u{9b}31m".into();
        let (_, out, _) = session(&mut bitext, "q\n");
        assert!(
            !out.chars().any(|c| acts_on_terminal(c) && c != '\n'),
            "{out:?}"
        );
        assert!(out.contains("evil \u{241b}[2J\u{2407}<U+202E>txet<U+009B>31m"));
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
