//! TMX 1.4b: a translation memory CAT tools import (OmegaT, Okapi, Trados), valid against the
//! TMX 1.4b DTD.
//!
//! Which beads become a `<tu>`:
//! - only beads with text on both sides (an insertion or omission is not a translation pair;
//!   an `edit` that gives an omission a translation makes it one);
//! - never a bead whose latest decision is `reject` or `garbled`;
//! - if the bitext has no decision at all, every other bead; once review has started, only the
//!   beads accepted or edited, unless [`ExportOptions::all`] (`--all`) also asks for the beads
//!   nobody has decided on yet.
//!
//! An edited bead carries the reviewer's text. Each `<tu>` has `tuid` = bead id and `<prop>`s:
//! `x-tarjama-bead` (type), `x-tarjama-score`, `x-tarjama-provider`, one `x-tarjama-flag`
//! (`severity code`) per flag, `x-tarjama-decision`; each flag's message and evidence is also a
//! `<note>`, which every CAT tool shows.

use std::io::{self, Write};

use crate::bitext::{Action, Bitext, Side};
use crate::output::xml::{write_attr, write_text};
use crate::output::{BeadView, ExportOptions, bead_views_iter, format_score, tsv::action_name};

/// Whether a bead goes into the TMX (see the module documentation).
pub fn includes(view: &BeadView<'_>, review_started: bool, options: &ExportOptions) -> bool {
    if view.source.is_empty() || view.target.is_empty() {
        return false;
    }
    match view.action() {
        Some(Action::Reject | Action::Garbled) => false,
        Some(Action::Accept | Action::Edit) => true,
        None => !review_started || options.all,
    }
}

/// Writes the bitext as TMX 1.4b.
pub fn write(bitext: &Bitext, out: &mut dyn Write, options: &ExportOptions) -> io::Result<()> {
    write_header(bitext, out)?;
    out.write_all(b"  <body>\n")?;
    let review_started = !bitext.decisions.is_empty();
    for view in bead_views_iter(bitext) {
        if includes(&view, review_started, options) {
            write_tu(bitext, &view, out)?;
        }
    }
    out.write_all(b"  </body>\n</tmx>\n")
}

fn write_header(bitext: &Bitext, out: &mut dyn Write) -> io::Result<()> {
    let header = &bitext.header;
    let segtype = match header.unit.as_deref() {
        Some("paragraph") => "paragraph",
        _ => "sentence",
    };
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    out.write_all(b"<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n")?;
    write!(
        out,
        "  <header creationtool=\"tarjama\" creationtoolversion=\"{}\" segtype=\"{segtype}\" o-tmf=\"tarjama\" adminlang=\"en\" srclang=\"",
        env!("CARGO_PKG_VERSION")
    )?;
    write_attr(out, header.source_lang.as_str())?;
    out.write_all(b"\" datatype=\"plaintext\"")?;
    if let Some(date) = header.created.as_deref().and_then(tmx_date) {
        write!(out, " creationdate=\"{date}\"")?;
    }
    let props: Vec<(&str, &str)> = [
        ("x-tarjama-source-file", header.source_file.as_deref()),
        ("x-tarjama-target-file", header.target_file.as_deref()),
        (
            "x-tarjama-config-fingerprint",
            header.config_fingerprint.as_deref(),
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .chain(
        header
            .providers
            .iter()
            .map(|p| ("x-tarjama-provider", p.as_str())),
    )
    .collect();
    if props.is_empty() {
        return out.write_all(b"/>\n");
    }
    out.write_all(b">\n")?;
    for (kind, value) in props {
        write_prop(out, "    ", kind, value)?;
    }
    out.write_all(b"  </header>\n")
}

fn write_tu(bitext: &Bitext, view: &BeadView<'_>, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "    <tu tuid=\"{}\" srclang=\"", view.bead.id)?;
    write_attr(out, bitext.header.source_lang.as_str())?;
    out.write_all(b"\">\n")?;
    write_prop(out, "      ", "x-tarjama-bead", &view.bead.kind())?;
    write_prop(
        out,
        "      ",
        "x-tarjama-score",
        &format_score(view.bead.score),
    )?;
    for provider in &view.providers {
        write_prop(out, "      ", "x-tarjama-provider", provider)?;
    }
    for flag in &view.flags {
        write_prop(
            out,
            "      ",
            "x-tarjama-flag",
            &format!("{} {}", flag.severity, flag.code),
        )?;
    }
    if let Some(decision) = view.decision {
        write_prop(
            out,
            "      ",
            "x-tarjama-decision",
            action_name(decision.action),
        )?;
    }
    for flag in &view.flags {
        let mut note = format!("{} {}: {}", flag.severity, flag.code, flag.message);
        if !flag.evidence.is_empty() {
            note.push_str(" [");
            note.push_str(&flag.evidence);
            note.push(']');
        }
        out.write_all(b"      <note>")?;
        write_text(out, &crate::output::neutral_bidi(&note))?;
        out.write_all(b"</note>\n")?;
    }
    write_tuv(out, bitext, Side::Source, &view.source)?;
    write_tuv(out, bitext, Side::Target, &view.target)?;
    out.write_all(b"    </tu>\n")
}

fn write_tuv(out: &mut dyn Write, bitext: &Bitext, side: Side, text: &str) -> io::Result<()> {
    let lang = match side {
        Side::Source => &bitext.header.source_lang,
        Side::Target => &bitext.header.target_lang,
    };
    out.write_all(b"      <tuv xml:lang=\"")?;
    write_attr(out, lang.as_str())?;
    out.write_all(b"\"><seg>")?;
    write_text(out, text)?;
    out.write_all(b"</seg></tuv>\n")
}

fn write_prop(out: &mut dyn Write, indent: &str, kind: &str, value: &str) -> io::Result<()> {
    write!(out, "{indent}<prop type=\"{kind}\">")?;
    write_text(out, value)?;
    out.write_all(b"</prop>\n")
}

/// An RFC 3339 time as TMX wants it (`YYYYMMDDThhmmssZ`, UTC), or `None` if it does not parse.
fn tmx_date(rfc3339: &str) -> Option<String> {
    let time = humantime::parse_rfc3339_weak(rfc3339)
        .or_else(|_| humantime::parse_rfc3339(rfc3339))
        .ok()?;
    let text = humantime::format_rfc3339_seconds(time).to_string();
    Some(text.replace(['-', ':'], ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    fn render(bitext: &Bitext, options: &ExportOptions) -> String {
        let mut buf = Vec::new();
        write(bitext, &mut buf, options).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn converts_dates() {
        assert_eq!(
            tmx_date("2026-11-29T05:00:00Z").as_deref(),
            Some("20261129T050000Z")
        );
        assert_eq!(tmx_date("yesterday"), None);
    }

    #[test]
    fn after_review_only_accepted_and_edited_pairs_unless_all() {
        let bitext = fixture::sample();
        let tmx = render(&bitext, &ExportOptions::default());
        // Bead 3 is edited; bead 2 garbled; the others undecided; bead 6 has no target.
        assert_eq!(tmx.matches("<tu ").count(), 1, "{tmx}");
        assert!(tmx.contains("On March 20, 2003"));
        assert!(
            !tmx.contains("<seg>On March 20, 2013"),
            "the edit replaces the translation"
        );
        let all = render(&bitext, &ExportOptions { all: true });
        assert_eq!(all.matches("<tu ").count(), 5, "{all}");
        assert!(!all.contains("tuid=\"2\""), "garbled pairs stay out");
        assert!(!all.contains("tuid=\"6\""), "an omission is not a pair");
    }

    /// The texts of every `<seg>`, read back with quick-xml as a CAT tool would.
    fn segs(tmx: &str) -> Vec<String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(tmx);
        let (mut segs, mut current): (Vec<String>, Option<String>) = (Vec::new(), None);
        loop {
            match reader.read_event().expect("well-formed TMX") {
                Event::Start(e) if e.local_name().as_ref() == "seg" => {
                    current = Some(String::new())
                }
                Event::End(e) if e.local_name().as_ref() == "seg" => segs.extend(current.take()),
                Event::Text(t) => {
                    if let Some(c) = current.as_mut() {
                        c.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(c) = current.as_mut() {
                        c.push(
                            crate::output::xml::resolve_reference(r.as_ref())
                                .expect("known reference"),
                        );
                    }
                }
                Event::Eof => return segs,
                _ => {}
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_survives_write_and_read(
            source in "\\PC*|[<>&\"'\\]\\[ \\t\\n\\r\u{200f}\u{202b}\u{1F600}\u{1}\u{b}a-zع]{1,40}",
            target in proptest::prelude::any::<String>(),
        ) {
            use crate::bitext::{Bead, Sentence, Side};
            proptest::prop_assume!(!source.is_empty() && !target.is_empty());
            let mut b = Bitext::new("ar".parse().unwrap(), "en".parse().unwrap());
            b.source.push(Sentence::new(Side::Source, 0, 0, source.clone()));
            b.target.push(Sentence::new(Side::Target, 0, 0, target.clone()));
            b.beads.push(Bead::new(0, vec![0], vec![0], 1.0));
            let expected = vec![
                crate::output::xml::xml_safe(&source).into_owned(),
                crate::output::xml::xml_safe(&target).into_owned(),
            ];
            proptest::prop_assert_eq!(segs(&render(&b, &ExportOptions::default())), expected);
        }
    }

    #[test]
    fn before_review_every_pair() {
        let mut bitext = fixture::sample();
        bitext.decisions.clear();
        let tmx = render(&bitext, &ExportOptions::default());
        assert_eq!(tmx.matches("<tu ").count(), 6);
        assert!(tmx.contains("<prop type=\"x-tarjama-flag\">warning suspicious-break</prop>"));
    }
}
