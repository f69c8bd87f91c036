//! XML escaping shared by the TMX and XLIFF writers, and the reading helpers their readers use.
//!
//! Rules (XML 1.0, 5th edition):
//! - `&`, `<`, `>` are always escaped (`>` too, so `]]>` can never appear in text).
//! - A carriage return is written `&#13;`: a literal one would be turned into a line feed by
//!   every parser (end-of-line normalisation), and the text would not come back unchanged.
//! - In attribute values `"` is escaped, and tab, LF and CR are written as character references,
//!   because attribute-value normalisation would turn literal ones into spaces.
//! - Characters XML 1.0 cannot carry at all, even as references (C0 controls other than tab,
//!   LF, CR; U+FFFE; U+FFFF) are replaced with U+FFFD REPLACEMENT CHARACTER. Surrogates cannot
//!   occur in a Rust string.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether XML 1.0 can carry `c` (the `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with every character XML 1.0 cannot carry replaced by U+FFFD: what a reader of our
/// TMX or XLIFF gets back for `text`.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Writes `text` escaped for element content.
pub fn write_text(out: &mut dyn Write, text: &str) -> io::Result<()> {
    write_escaped(out, text, false)
}

/// Writes `text` escaped for a double-quoted attribute value.
pub fn write_attr(out: &mut dyn Write, text: &str) -> io::Result<()> {
    write_escaped(out, text, true)
}

/// `text` escaped for element content, as a string.
pub fn escape_text(text: &str) -> String {
    let mut buf = Vec::with_capacity(text.len());
    write_escaped(&mut buf, text, false).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("escaping keeps UTF-8")
}

fn write_escaped(out: &mut dyn Write, text: &str, attribute: bool) -> io::Result<()> {
    let mut plain_from = 0;
    for (i, c) in text.char_indices() {
        let replacement: &str = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#13;",
            '"' if attribute => "&quot;",
            '\t' if attribute => "&#9;",
            '\n' if attribute => "&#10;",
            c if !is_xml_char(c) => "\u{FFFD}",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[plain_from..i])?;
        out.write_all(replacement.as_bytes())?;
        plain_from = i + c.len_utf8();
    }
    out.write_all(&text.as_bytes()[plain_from..])
}

/// 1-based line and column of a byte offset in `text`, for error messages.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The character a predefined entity or character reference (`amp`, `#13`, `#x41`) stands for.
pub fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| is_xml_char(c))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_carriage_returns() {
        assert_eq!(
            escape_text("a<b>&c]]>\r\n\"'"),
            "a&lt;b&gt;&amp;c]]&gt;&#13;\n\"'"
        );
        let mut attr = Vec::new();
        write_attr(&mut attr, "x\"y\tz\n").unwrap();
        assert_eq!(String::from_utf8(attr).unwrap(), "x&quot;y&#9;z&#10;");
    }

    #[test]
    fn replaces_what_xml_cannot_carry() {
        assert_eq!(
            escape_text("a\u{1}b\u{FFFF}c\u{1F600}"),
            "a\u{FFFD}b\u{FFFD}c\u{1F600}"
        );
        assert_eq!(xml_safe("ok\u{0}"), "ok\u{FFFD}");
        assert!(matches!(xml_safe("ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn resolves_references() {
        assert_eq!(resolve_reference("amp"), Some('&'));
        assert_eq!(resolve_reference("#13"), Some('\r'));
        assert_eq!(resolve_reference("#x1F600"), Some('\u{1F600}'));
        assert_eq!(resolve_reference("#1"), None);
        assert_eq!(resolve_reference("nbsp"), None);
    }

    #[test]
    fn finds_lines_and_columns() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
