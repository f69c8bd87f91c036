//! Markdown: a heading with the counts, then one table row per bead (bead, type, score, source,
//! target, flags, decision).
//!
//! Table cells cannot hold line breaks or unescaped pipes: `|` is written `\|`, a line break
//! `<br>`; `<`, `>` and `&` are written as HTML entities (renderers accept raw HTML, so an
//! article's markup must not become markup), and backslashes, backticks, `*`, `_`, `[`, `]` are
//! backslash-escaped so that no text turns into formatting or links. Source and target cells are
//! wrapped in `<span dir="…" lang="…">` because Markdown has no direction control of its own.

use std::io::{self, Write};

use crate::bitext::Bitext;
use crate::lang::Lang;
use crate::output::{bead_views, format_score, tsv::action_name, visible_controls};

/// Writes the bitext as a Markdown table.
pub fn write(bitext: &Bitext, out: &mut dyn Write) -> io::Result<()> {
    let header = &bitext.header;
    let title = header.source_file.as_deref().unwrap_or("bitext");
    let views = bead_views(bitext);
    let flagged = views.iter().filter(|v| !v.flags.is_empty()).count();
    writeln!(out, "# {}\n", cell(title))?;
    writeln!(
        out,
        "{} → {}: {} beads, {} flagged, {} decided.\n",
        cell(header.source_lang.as_str()),
        cell(header.target_lang.as_str()),
        views.len(),
        flagged,
        views.iter().filter(|v| v.decision.is_some()).count()
    )?;
    writeln!(
        out,
        "| bead | type | score | source ({}) | target ({}) | flags | decision |",
        cell(header.source_lang.as_str()),
        cell(header.target_lang.as_str())
    )?;
    writeln!(out, "|---:|:---:|---:|---|---|---|---|")?;
    for view in &views {
        let flags = view
            .flags
            .iter()
            .map(|f| {
                let mut text = format!(
                    "**{}** `{}` {}",
                    f.severity,
                    cell(&f.code).replace('`', "'"),
                    cell(&f.message)
                );
                if !f.evidence.is_empty() {
                    text.push_str(&format!(" (<bdi>{}</bdi>)", cell(&f.evidence)));
                }
                text
            })
            .collect::<Vec<_>>()
            .join("<br>");
        let decision = view.decision.map_or(String::new(), |d| {
            let mut text = action_name(d.action).to_string();
            if let Some(note) = &d.note {
                text.push_str(": ");
                text.push_str(&cell(note));
            }
            text
        });
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            view.bead.id,
            view.bead.kind(),
            format_score(view.bead.score),
            directed(&view.source, &header.source_lang),
            directed(&view.target, &header.target_lang),
            flags,
            decision
        )?;
    }
    Ok(())
}

fn directed(text: &str, lang: &Lang) -> String {
    if text.is_empty() {
        return String::new();
    }
    let dir = if lang.is_rtl() { "rtl" } else { "ltr" };
    format!(
        "<span dir=\"{dir}\" lang=\"{}\">{}</span>",
        cell(lang.as_str()),
        cell(text)
    )
}

/// Escapes text for a table cell (see the module documentation).
pub fn cell(text: &str) -> String {
    let text = visible_controls(text);
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => escaped.push_str("\\|"),
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => escaped.push_str("<br>"),
            '\t' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn one_row_per_bead_with_escaped_cells() {
        let bitext = fixture::sample();
        let mut buf = Vec::new();
        write(&bitext, &mut buf).unwrap();
        let md = String::from_utf8(buf).unwrap();
        let rows = md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| bead"))
            .count();
        assert_eq!(rows, bitext.beads.len());
        assert!(md.contains("<span dir=\"rtl\" lang=\"ar\">"));
        assert!(md.contains("| edit: 2013 → 2003 |"));
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc<d>&"), "a\\|b<br>c&lt;d&gt;&amp;");
        assert_eq!(cell("*x* [y](z) `c` \\"), "\\*x\\* \\[y\\](z) \\`c\\` \\\\");
        assert!(!cell("a\r\nb\rc").contains(['\r', '\n']));
    }
}
