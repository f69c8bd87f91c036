//! TSV: one bead per line, with a header line.
//!
//! Columns: `bead`, `source`, `target`, `type`, `score`, `flags`, `decision`, `note`. `target`
//! is the delivered translation (the reviewer's text after an `edit`); `flags` lists
//! `severity:code` items joined by `; `, most severe first; `decision` and `note` are the latest
//! review decision. Inside a field a backslash, tab, line feed and carriage return are written
//! `\\`, `\t`, `\n`, `\r`, and every other control character as `\xHH` (C0 and DEL: ESC, VT, FF
//! could drive the terminal of whoever runs `cat`) or `\uHHHH` (C1), so every bead is exactly one
//! line, a file shows no control character, and [`read_table`] gives back every text unchanged.
//! [`escape`] is the one TSV escaper of the crate (`split`, `align`, `cache export` use it too).

use std::io::{self, Write};

use crate::bitext::{Action, Bitext};
use crate::output::{BeadView, bead_views_iter, format_score};

/// The header line's fields.
pub const COLUMNS: [&str; 8] = [
    "bead", "source", "target", "type", "score", "flags", "decision", "note",
];

/// Writes the bitext as TSV.
pub fn write(bitext: &Bitext, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", COLUMNS.join("\t"))?;
    for view in bead_views_iter(bitext) {
        write_row(out, &row(&view))?;
    }
    Ok(())
}

fn row(view: &BeadView<'_>) -> Vec<String> {
    let flags = view
        .flags
        .iter()
        .map(|f| format!("{}:{}", f.severity, f.code))
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        view.bead.id.to_string(),
        view.source.clone(),
        view.target.clone(),
        view.bead.kind(),
        format_score(view.bead.score),
        flags,
        view.action().map(action_name).unwrap_or_default().into(),
        view.decision
            .and_then(|d| d.note.clone())
            .unwrap_or_default(),
    ]
}

/// The name of an action as written in every format (`accept`, `edit`, `garbled`, `reject`).
pub fn action_name(action: Action) -> &'static str {
    match action {
        Action::Accept => "accept",
        Action::Edit => "edit",
        Action::Garbled => "garbled",
        Action::Reject => "reject",
    }
}

/// Writes one line of escaped fields.
pub fn write_row(out: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        out.write_all(escape(field).as_bytes())?;
    }
    out.write_all(b"\n")
}

/// Escapes a field: `\` → `\\`, tab → `\t`, LF → `\n`, CR → `\r`, any other C0 control or DEL
/// → `\xHH`, a C1 control → `\uHHHH`. Borrowed when there is nothing to escape.
pub fn escape(field: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    if !field.chars().any(|c| c == '\\' || c.is_control()) {
        return std::borrow::Cow::Borrowed(field);
    }
    let mut escaped = String::with_capacity(field.len() + 8);
    for c in field.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\t' => escaped.push_str("\\t"),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(escaped, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(escaped, "\\u{:04x}", c as u32);
            }
            c => escaped.push(c),
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// Undoes [`escape`]; the error names the offending escape.
pub fn unescape(field: &str) -> Result<String, String> {
    let mut text = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => text.push('\\'),
            Some('t') => text.push('\t'),
            Some('n') => text.push('\n'),
            Some('r') => text.push('\r'),
            Some(kind @ ('x' | 'u')) => {
                let digits: String = chars
                    .by_ref()
                    .take(if kind == 'x' { 2 } else { 4 })
                    .collect();
                let code = u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|_| digits.len() == if kind == 'x' { 2 } else { 4 })
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        format!("bad escape '\\{kind}{digits}' (expected \\xHH or \\uHHHH)")
                    })?;
                text.push(code);
            }
            Some(other) => {
                return Err(format!(
                    "unknown escape '\\{other}' (a literal backslash is written '\\\\')"
                ));
            }
            None => return Err("a field ends with a lone backslash (write '\\\\')".into()),
        }
    }
    Ok(text)
}

/// A TSV file that cannot be read; the message names the file, line and fix.
#[derive(Debug, thiserror::Error)]
#[error("{name}:{line}: {message}")]
pub struct TsvError {
    /// File name.
    pub name: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// A parsed TSV table: the header's column names and the unescaped rows with their line numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names from the header line.
    pub columns: Vec<String>,
    /// `(line number, fields)` for each data line.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// Reads a TSV table written by [`write()`] (or by hand with the same escapes). The header line
/// must contain every name in `required`; every line must have as many fields as the header.
/// A CRLF line end is accepted (spreadsheets write them); blank lines are skipped.
pub fn read_table(text: &str, name: &str, required: &[&str]) -> Result<Table, TsvError> {
    let error = |line: usize, message: String| TsvError {
        name: name.to_string(),
        line,
        message,
    };
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)));
    let (_, header) = lines.next().filter(|(_, l)| !l.is_empty()).ok_or_else(|| {
        error(
            1,
            format!(
                "empty file; expected a header line ({})",
                required.join(", ")
            ),
        )
    })?;
    let columns: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split('\t')
        .map(str::to_string)
        .collect();
    if let Some(missing) = required.iter().find(|r| !columns.iter().any(|c| c == *r)) {
        return Err(error(
            1,
            format!(
                "the header has no '{missing}' column; the first line must name the columns: {}",
                required.join("<TAB>")
            ),
        ));
    }
    let mut rows = Vec::new();
    for (number, line) in lines {
        if line.is_empty() {
            continue;
        }
        let fields = line
            .split('\t')
            .map(unescape)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| error(number, e))?;
        if fields.len() != columns.len() {
            return Err(error(
                number,
                format!(
                    "{} fields where the header has {}; tabs inside a text must be written \\t",
                    fields.len(),
                    columns.len()
                ),
            ));
        }
        rows.push((number, fields));
    }
    Ok(Table { columns, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;
    use proptest::prelude::*;

    #[test]
    fn one_line_per_bead_plus_header() {
        let bitext = fixture::sample();
        let mut buf = Vec::new();
        write(&bitext, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), bitext.beads.len() + 1);
        let table = read_table(&text, "x.tsv", &COLUMNS).unwrap();
        assert_eq!(table.rows[3].1[6], "edit");
        assert!(table.rows[3].1[2].contains("2003"));
        assert_eq!(table.rows[6].1[3], "1-0");
        assert_eq!(table.rows[5].1[5], "warning:length-ratio");
    }

    #[test]
    fn tsv_escapes_terminal_controls() {
        assert_eq!(
            escape("a\u{1b}[31mb\u{b}c\u{c}d\u{7f}"),
            "a\\x1b[31mb\\x0bc\\x0cd\\x7f"
        );
        assert_eq!(escape("\u{85}"), "\\u0085");
        assert!(matches!(
            escape("جملة عادية."),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escape("a\tb\\c\r\nd"), "a\\tb\\\\c\\r\\nd");
        assert_eq!(unescape("a\\x1b\\u0085").unwrap(), "a\u{1b}\u{85}");
        assert!(unescape("\\x1").is_err());
    }

    #[test]
    fn bad_escapes_and_field_counts_name_the_line() {
        let err = read_table("a\tb\nx\\q\ty\n", "d.tsv", &["a"]).unwrap_err();
        assert!(
            err.to_string().starts_with("d.tsv:2: unknown escape '\\q'"),
            "{err}"
        );
        let err = read_table("a\tb\nx\n", "d.tsv", &["a"]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.tsv:2: 1 fields where the header has 2"),
            "{err}"
        );
        let err = read_table("a\n", "d.tsv", &["bead"]).unwrap_err();
        assert!(err.to_string().contains("no 'bead' column"), "{err}");
    }

    proptest! {
        #[test]
        fn any_text_survives_escape_and_read(fields in proptest::collection::vec(any::<String>(), 1..4)) {
            let header: Vec<String> = (0..fields.len()).map(|i| format!("c{i}")).collect();
            let mut buf = Vec::new();
            write_row(&mut buf, &header).unwrap();
            write_row(&mut buf, &fields).unwrap();
            let text = String::from_utf8(buf).unwrap();
            let table = read_table(&text, "p.tsv", &[]).unwrap();
            // A row of only empty fields is a blank line when there is one column.
            if fields.len() == 1 && fields[0].is_empty() {
                prop_assert!(table.rows.is_empty());
            } else {
                prop_assert_eq!(&table.rows[0].1, &fields);
            }
        }
    }
}
