//! XLIFF 2.0 (OASIS core, namespace `urn:oasis:names:tc:xliff:document:2.0`): the bilingual
//! file a reviewer opens in a CAT tool, and [`read`], which `tarjama review --import` uses to
//! bring the reviewed file back.
//!
//! Shape: one `<file id="f1" canResegment="no">` (CAT tools must keep our segments: their ids
//! are bead ids); one `<unit id="pN">` per run of beads in source paragraph N
//! (0-based, as in the bitext); one `<segment id="bK">` per bead K. Segment `state`:
//! - `translated`: a translation nobody flagged or decided on;
//! - `initial` with `subState="tarjama:flagged"`: flagged, waiting for review (the flags are the
//!   unit's `<notes>`); also any bead with no translation (no `<target>` is written then);
//! - `final`: accepted or edited by a reviewer (an edit's text is the `<target>`);
//! - `reviewed` with `subState="tarjama:garbled"` or `"tarjama:rejected"`: the reviewer marked the
//!   source garbled or rejected the pair.
//!
//! Each flag is a `<note id="bK-n" category="tarjama:CODE" priority="P" appliesTo="…">` whose text
//! starts with `[bK]`; priority 1 (highest in XLIFF) for errors, 3 for warnings, 8 for
//! information. A decision's note is `category="tarjama:decision"`. Texts that need their
//! whitespace kept exactly (line breaks, tabs, leading, trailing or double spaces) get
//! `xml:space="preserve"`.

use std::io::{self, Write};

use quick_xml::events::{BytesStart, Event};

use crate::bitext::{Action, Bitext, Flag, Severity};
use crate::output::xml::{line_col, resolve_reference, write_attr, write_text};
use crate::output::{BeadView, bead_views, tsv::action_name};

/// The XLIFF 2.0 core namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// The values XLIFF 2.0 allows for `state`.
pub const STATES: [&str; 4] = ["initial", "translated", "reviewed", "final"];

/// Writes the bitext as XLIFF 2.0.
pub fn write(bitext: &Bitext, out: &mut dyn Write) -> io::Result<()> {
    if bitext.beads.is_empty() {
        // XLIFF 2.0 requires at least one unit with one segment per file.
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the bitext has no beads, and an XLIFF file needs at least one segment; align the bitext first (tarjama align)",
        ));
    }
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    write!(
        out,
        "<xliff xmlns=\"{NAMESPACE}\" version=\"2.0\" srcLang=\""
    )?;
    write_attr(out, bitext.header.source_lang.as_str())?;
    out.write_all(b"\" trgLang=\"")?;
    write_attr(out, bitext.header.target_lang.as_str())?;
    // canResegment="no": segment ids are bead ids, which the import relies on.
    out.write_all(b"\">\n  <file id=\"f1\" canResegment=\"no\"")?;
    if let Some(original) = &bitext.header.source_file {
        out.write_all(b" original=\"")?;
        write_attr(out, original)?;
        out.write_all(b"\"")?;
    }
    out.write_all(b">\n")?;
    let views = bead_views(bitext);
    for (para, unit) in units(&views) {
        write_unit(out, para, unit)?;
    }
    out.write_all(b"  </file>\n</xliff>\n")
}

/// Consecutive beads of the same paragraph: one `<unit>` each. Paragraph numbers never go back
/// (beads are monotone), so a unit id is never repeated.
fn units<'v, 'a>(views: &'v [BeadView<'a>]) -> Vec<(usize, &'v [BeadView<'a>])> {
    let mut units = Vec::new();
    let mut start = 0;
    for i in 1..=views.len() {
        if i == views.len() || unit_para(views, i) != unit_para(views, start) {
            units.push((unit_para(views, start), &views[start..i]));
            start = i;
        }
    }
    units
}

/// A bead's unit paragraph: its source paragraph, or for an insertion (no source) that of the
/// bead before it, so an insertion stays in the paragraph it was found in.
fn unit_para(views: &[BeadView<'_>], index: usize) -> usize {
    views[..=index]
        .iter()
        .rev()
        .find(|v| !v.bead.source.is_empty())
        .map_or(views[index].para, |v| v.para)
}

fn write_unit(out: &mut dyn Write, para: usize, unit: &[BeadView<'_>]) -> io::Result<()> {
    writeln!(out, "    <unit id=\"p{para}\">")?;
    let has_notes = unit
        .iter()
        .any(|v| !v.flags.is_empty() || v.decision.is_some_and(|d| d.note.is_some()));
    if has_notes {
        out.write_all(b"      <notes>\n")?;
        for view in unit {
            write_notes(out, view)?;
        }
        out.write_all(b"      </notes>\n")?;
    }
    for view in unit {
        write_segment(out, view)?;
    }
    out.write_all(b"    </unit>\n")
}

fn write_notes(out: &mut dyn Write, view: &BeadView<'_>) -> io::Result<()> {
    let id = view.bead.id;
    for (n, flag) in view.flags.iter().enumerate() {
        write!(
            out,
            "        <note id=\"b{id}-{}\" category=\"tarjama:",
            n + 1
        )?;
        write_attr(out, &flag.code)?;
        write!(out, "\" priority=\"{}\"", priority(flag.severity))?;
        if let Some(side) = applies_to(flag) {
            write!(out, " appliesTo=\"{side}\"")?;
        }
        out.write_all(b">")?;
        let mut text = format!("[b{id}] {} {}: {}", flag.severity, flag.code, flag.message);
        if !flag.evidence.is_empty() {
            text.push_str(" [");
            text.push_str(&flag.evidence);
            text.push(']');
        }
        write_text(out, &crate::output::neutral_bidi(&text))?;
        out.write_all(b"</note>\n")?;
    }
    if let Some(decision) = view.decision
        && let Some(note) = &decision.note
    {
        write!(
            out,
            "        <note id=\"b{id}-d\" category=\"tarjama:decision\">"
        )?;
        write_text(
            out,
            &crate::output::neutral_bidi(&format!(
                "[b{id}] {}: {note}",
                action_name(decision.action)
            )),
        )?;
        out.write_all(b"</note>\n")?;
    }
    Ok(())
}

fn write_segment(out: &mut dyn Write, view: &BeadView<'_>) -> io::Result<()> {
    let (state, sub_state) = segment_state(view);
    write!(
        out,
        "      <segment id=\"b{}\" state=\"{state}\"",
        view.bead.id
    )?;
    if let Some(sub) = sub_state {
        write!(out, " subState=\"{sub}\"")?;
    }
    out.write_all(b">\n")?;
    write_content(out, "source", &view.source)?;
    if !view.target.is_empty() {
        write_content(out, "target", &view.target)?;
    }
    out.write_all(b"      </segment>\n")
}

fn write_content(out: &mut dyn Write, element: &str, text: &str) -> io::Result<()> {
    let space = if needs_preserve(text) {
        " xml:space=\"preserve\""
    } else {
        ""
    };
    write!(out, "        <{element}{space}>")?;
    write_text(out, text)?;
    writeln!(out, "</{element}>")
}

/// Whether a tool could change `text` by normalising its whitespace.
fn needs_preserve(text: &str) -> bool {
    text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace)
        || text.contains(['\n', '\t', '\r'])
        || text.contains("  ")
}

/// The `state` and `subState` of a bead's segment (see the module documentation).
pub fn segment_state(view: &BeadView<'_>) -> (&'static str, Option<&'static str>) {
    match view.action() {
        Some(Action::Accept | Action::Edit) => ("final", None),
        Some(Action::Garbled) => ("reviewed", Some("tarjama:garbled")),
        Some(Action::Reject) => ("reviewed", Some("tarjama:rejected")),
        None if view.target.is_empty() && view.flags.is_empty() => ("initial", None),
        None if view.flags.is_empty() => ("translated", None),
        None => ("initial", Some("tarjama:flagged")),
    }
}

fn priority(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 1,
        Severity::Warning => 3,
        Severity::Info => 8,
    }
}

fn applies_to(flag: &Flag) -> Option<&'static str> {
    match (flag.source.is_empty(), flag.target.is_empty()) {
        (false, true) => Some("source"),
        (true, false) => Some("target"),
        _ => None,
    }
}

/// An XLIFF document as [`read`] sees it: languages, segments and notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// `srcLang` of the root.
    pub src_lang: String,
    /// `trgLang` of the root, if any.
    pub trg_lang: Option<String>,
    /// `version` of the root.
    pub version: String,
    /// `id` of each `<file>`.
    pub files: Vec<String>,
    /// `id` of each `<unit>`, in order.
    pub units: Vec<String>,
    /// Every segment, in order.
    pub segments: Vec<Segment>,
    /// Every note, in order.
    pub notes: Vec<Note>,
}

/// One `<segment>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Segment {
    /// The enclosing unit's id.
    pub unit: String,
    /// The segment's `id`, if it has one.
    pub id: Option<String>,
    /// `state` (absent means `initial`).
    pub state: Option<String>,
    /// `subState`.
    pub sub_state: Option<String>,
    /// Text of `<source>`.
    pub source: String,
    /// Text of `<target>`, if present.
    pub target: Option<String>,
    /// 1-based line of the `<segment>` tag.
    pub line: usize,
}

/// One `<note>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Note {
    /// The enclosing unit's id (empty for a file-level note).
    pub unit: String,
    /// `id`.
    pub id: Option<String>,
    /// `category`.
    pub category: Option<String>,
    /// `priority`.
    pub priority: Option<String>,
    /// `appliesTo`.
    pub applies_to: Option<String>,
    /// The note's text.
    pub text: String,
}

/// An XLIFF file that cannot be read; the message names the file, line and column.
#[derive(Debug, thiserror::Error)]
#[error("{name}:{line}:{column}: {message}")]
pub struct XliffError {
    /// File name.
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// Where text is being collected.
enum Capture {
    None,
    Source,
    Target,
    Note,
}

/// Reads an XLIFF 2.x document: checks the root (namespace, `version` 2.x, `srcLang`) and
/// collects segments and notes. Text inside inline elements is kept (`<cp hex>` becomes its
/// character); markup is not.
pub fn read(text: &str, name: &str) -> Result<Document, XliffError> {
    let error_at = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        XliffError {
            name: name.to_string(),
            line,
            column,
            message,
        }
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut lines = LineCounter::new(text);
    let mut doc = Document::default();
    let mut seen_root = false;
    let mut unit = String::new();
    let mut segment: Option<Segment> = None;
    let mut note: Option<Note> = None;
    let mut capture = Capture::None;
    let mut depth_in_capture = 0usize;
    let mut buffer = String::new();
    loop {
        let offset = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            error_at(
                reader.error_position() as usize,
                format!("not well-formed XML: {e}"),
            )
        })?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let local = local_name(start);
                if !seen_root {
                    check_root(start, &mut doc).map_err(|m| error_at(offset, m))?;
                    seen_root = true;
                    continue;
                }
                if !matches!(capture, Capture::None) {
                    if local == "cp" {
                        let hex = attribute(start, "hex").unwrap_or_default();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| {
                                error_at(offset, format!("<cp hex=\"{hex}\"> is not a character"))
                            })?;
                        buffer.push(c);
                    }
                    if !empty {
                        depth_in_capture += 1;
                    }
                    continue;
                }
                match local.as_str() {
                    "file" => doc.files.push(attribute(start, "id").unwrap_or_default()),
                    "unit" => {
                        unit = attribute(start, "id").unwrap_or_default();
                        doc.units.push(unit.clone());
                    }
                    "segment" => {
                        segment = Some(Segment {
                            unit: unit.clone(),
                            id: attribute(start, "id"),
                            state: attribute(start, "state"),
                            sub_state: attribute(start, "subState"),
                            line: lines.line_at(offset),
                            ..Segment::default()
                        });
                    }
                    "note" => {
                        note = Some(Note {
                            unit: unit.clone(),
                            id: attribute(start, "id"),
                            category: attribute(start, "category"),
                            priority: attribute(start, "priority"),
                            applies_to: attribute(start, "appliesTo"),
                            text: String::new(),
                        });
                        capture = Capture::Note;
                    }
                    "source" if segment.is_some() => capture = Capture::Source,
                    "target" if segment.is_some() => capture = Capture::Target,
                    _ => {}
                }
                if empty {
                    // `<source/>`, `<note/>`: the element ends here.
                    finish_capture(&mut capture, &mut buffer, &mut segment, &mut note, &mut doc);
                    if local == "segment"
                        && let Some(done) = segment.take()
                    {
                        doc.segments.push(done);
                    }
                }
            }
            Event::End(ref end) => {
                if depth_in_capture > 0 {
                    depth_in_capture -= 1;
                    continue;
                }
                let local = end.local_name().as_ref().to_string();
                match local.as_str() {
                    "source" | "target" | "note" => {
                        finish_capture(&mut capture, &mut buffer, &mut segment, &mut note, &mut doc)
                    }
                    "segment" => {
                        if let Some(done) = segment.take() {
                            doc.segments.push(done);
                        }
                    }
                    "unit" => unit.clear(),
                    _ => {}
                }
            }
            Event::Text(t) if !matches!(capture, Capture::None) => {
                buffer.push_str(&t.xml10_content());
            }
            Event::CData(t) if !matches!(capture, Capture::None) => {
                let raw = t.into_inner().into_owned();
                buffer.push_str(&raw.replace("\r\n", "\n").replace('\r', "\n"));
            }
            Event::GeneralRef(r) if !matches!(capture, Capture::None) => {
                let name_ref = r.as_ref().to_string();
                let c = resolve_reference(&name_ref).ok_or_else(|| {
                    error_at(
                        offset,
                        format!("unknown entity or character reference '&{name_ref};'"),
                    )
                })?;
                buffer.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(error_at(
            0,
            "no <xliff> element; is this an XLIFF file?".into(),
        ));
    }
    Ok(doc)
}

/// Line numbers of increasing byte offsets, counted incrementally (a file is scanned once, not
/// once per segment).
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of `offset`; offsets must not decrease between calls.
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset > self.offset {
            self.line += self.text[self.offset..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = offset;
        }
        self.line
    }
}

fn finish_capture(
    capture: &mut Capture,
    buffer: &mut String,
    segment: &mut Option<Segment>,
    note: &mut Option<Note>,
    doc: &mut Document,
) {
    let text = std::mem::take(buffer);
    match std::mem::replace(capture, Capture::None) {
        Capture::Source => {
            if let Some(s) = segment.as_mut() {
                s.source = text;
            }
        }
        Capture::Target => {
            if let Some(s) = segment.as_mut() {
                s.target = Some(text);
            }
        }
        Capture::Note => {
            if let Some(mut n) = note.take() {
                n.text = text;
                doc.notes.push(n);
            }
        }
        Capture::None => {}
    }
}

fn check_root(start: &BytesStart<'_>, doc: &mut Document) -> Result<(), String> {
    if local_name(start) != "xliff" {
        return Err(format!(
            "the root element is <{}>, not <xliff>; is this an XLIFF file?",
            local_name(start)
        ));
    }
    let namespaced = start.attributes().flatten().any(|a| {
        let key = a.key.as_ref().to_string();
        (key == "xmlns" || key.starts_with("xmlns:")) && a.value.as_ref() == NAMESPACE
    });
    doc.version = attribute(start, "version").unwrap_or_default();
    if !namespaced || !doc.version.starts_with("2.") {
        return Err(format!(
            "not an XLIFF 2 document (version \"{}\", namespace {NAMESPACE} expected); export with `tarjama export --format xliff` and keep the CAT tool's XLIFF 2 output",
            doc.version
        ));
    }
    doc.src_lang = attribute(start, "srcLang")
        .ok_or_else(|| "the <xliff> element has no srcLang attribute".to_string())?;
    doc.trg_lang = attribute(start, "trgLang");
    Ok(())
}

fn local_name(start: &BytesStart<'_>) -> String {
    start.local_name().as_ref().to_string()
}

/// An attribute's value, unescaped, by qualified name.
fn attribute(start: &BytesStart<'_>, key: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;
    use crate::output::xml::xml_safe;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn render(bitext: &Bitext) -> String {
        let mut buf = Vec::new();
        write(bitext, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn structure_follows_the_core_specification() {
        let bitext = fixture::sample();
        let text = render(&bitext);
        let doc = read(&text, "f.xlf").unwrap();
        assert_eq!(doc.version, "2.0");
        assert_eq!(
            (doc.src_lang.as_str(), doc.trg_lang.as_deref()),
            ("ar", Some("en"))
        );
        assert_eq!(doc.segments.len(), bitext.beads.len());
        let unit_ids: HashSet<_> = doc.units.iter().collect();
        assert_eq!(unit_ids.len(), doc.units.len(), "unit ids are unique");
        let segment_ids: HashSet<_> = doc.segments.iter().map(|s| s.id.clone()).collect();
        assert_eq!(
            segment_ids.len(),
            doc.segments.len(),
            "segment ids are unique"
        );
        for s in &doc.segments {
            let state = s.state.as_deref().unwrap();
            assert!(STATES.contains(&state), "{state}");
            if state != "initial" {
                assert!(s.target.is_some(), "a {state} segment has a target");
            }
            if let Some(sub) = &s.sub_state {
                assert!(
                    sub.split_once(':')
                        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
                );
            }
        }
        for n in &doc.notes {
            let p: u8 = n.priority.as_deref().unwrap_or("1").parse().unwrap();
            assert!((1..=10).contains(&p));
        }
        let states: Vec<_> = doc
            .segments
            .iter()
            .map(|s| s.state.clone().unwrap())
            .collect();
        assert_eq!(
            states,
            [
                "initial",
                "translated",
                "reviewed",
                "final",
                "translated",
                "initial",
                "initial"
            ]
        );
        assert_eq!(
            doc.segments[3]
                .target
                .as_deref()
                .map(|t| t.contains("2003")),
            Some(true)
        );
        assert!(
            doc.segments[6].target.is_none(),
            "an omission has no target"
        );
        assert!(
            doc.notes
                .iter()
                .any(|n| n.category.as_deref() == Some("tarjama:omission")
                    && n.applies_to.as_deref() == Some("source"))
        );
    }

    #[test]
    fn an_empty_bitext_is_an_error_not_an_invalid_file() {
        let empty = Bitext::new("ar".parse().unwrap(), "en".parse().unwrap());
        let err = write(&empty, &mut Vec::new()).unwrap_err();
        assert!(
            err.to_string().contains("needs at least one segment"),
            "{err}"
        );
    }

    #[test]
    fn line_counter_agrees_with_line_col() {
        let text = "a\nbb\n\nccc\nd";
        let mut lines = LineCounter::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                lines.line_at(offset),
                line_col(text, offset).0,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn segment_lines_are_reported() {
        let doc = read(&render(&fixture::sample()), "f.xlf").unwrap();
        let lines: Vec<usize> = doc.segments.iter().map(|s| s.line).collect();
        assert_eq!(lines[0], 8);
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn units_follow_source_paragraphs() {
        let doc = read(&render(&fixture::sample()), "f.xlf").unwrap();
        assert_eq!(doc.units, ["p0", "p1", "p2", "p3", "p4"]);
        assert_eq!(doc.segments[2].unit, "p1");
    }

    #[test]
    fn refuses_other_documents_with_a_position() {
        let err = read("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"/>", "x.xlf").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.xlf:2:1: the root element is <tmx>"),
            "{err}"
        );
        let err = read(
            "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"/>",
            "x.xlf",
        )
        .unwrap_err();
        assert!(err.to_string().contains("not an XLIFF 2 document"), "{err}");
        let err = read(
            &format!("<xliff xmlns=\"{NAMESPACE}\" version=\"2.0\" srcLang=\"ar\"><file id=\"f\">"),
            "x.xlf",
        );
        assert!(err.is_ok() || err.unwrap_err().to_string().contains("not well-formed"));
    }

    #[test]
    fn reads_cdata_inline_text_and_code_points() {
        let text = format!(
            "<xliff xmlns=\"{NAMESPACE}\" version=\"2.0\" srcLang=\"ar\" trgLang=\"en\"><file id=\"f\"><unit id=\"u\"><segment id=\"s\"><source>a&amp;b</source><target><![CDATA[x<y]]><mrk id=\"m\">z</mrk><cp hex=\"0001\"/></target></segment></unit></file></xliff>"
        );
        let doc = read(&text, "x").unwrap();
        assert_eq!(doc.segments[0].source, "a&b");
        assert_eq!(doc.segments[0].target.as_deref(), Some("x<yz\u{1}"));
    }

    fn one_bead(source: &str, target: &str) -> Bitext {
        use crate::bitext::{Bead, Sentence, Side};
        let mut b = Bitext::new("ar".parse().unwrap(), "en".parse().unwrap());
        b.source.push(Sentence::new(Side::Source, 0, 0, source));
        b.target.push(Sentence::new(Side::Target, 0, 0, target));
        b.beads.push(Bead::new(0, vec![0], vec![0], 1.0));
        b
    }

    proptest! {
        #[test]
        fn any_text_survives_write_and_read(
            source in "\\PC*|[<>&\"'\\]\\[ \\t\\n\\r\u{200f}\u{202b}\u{1F600}\u{1}\u{b}a-zع]{1,40}",
            target in any::<String>(),
        ) {
            prop_assume!(!target.is_empty());
            let doc = read(&render(&one_bead(&source, &target)), "p.xlf").unwrap();
            prop_assert_eq!(&doc.segments[0].source, &xml_safe(&source).into_owned());
            let expected = xml_safe(&target).into_owned();
            prop_assert_eq!(doc.segments[0].target.as_deref(), Some(expected.as_str()));
        }
    }
}
