//! The bitext reader's fast path: the three records a bitext is mostly made of (sentence, bead,
//! flag), as tarjama writes them (`type` first), read straight into their structs.
//!
//! Serde's derived reader of an internally tagged enum of structs with a flattened map buffers
//! every field of every line before it builds the struct (it was most of the time of reading a
//! big bitext). This one reads each field once, into its place, and gives up (`None`) on anything
//! unusual: another key order, a field given twice, an escaped key, a value of the wrong type.
//! The derived reader then reads the line, or says what is wrong with it, so the two always
//! agree (a property test holds them to it).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, MapAccess, Visitor};

use super::{Bead, Flag, Record, Sentence};

/// `text` as a sentence, bead or flag record, when it is one as tarjama writes it.
pub(super) fn record(text: &str) -> Option<Record> {
    let mut json = serde_json::Deserializer::from_str(text);
    let record = json.deserialize_map(RecordVisitor).ok()?;
    json.end().ok()?;
    Some(record)
}

/// The error that sends a line to the derived reader; never shown.
fn give_up<E: de::Error>() -> E {
    E::custom("not on the fast path")
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bitext record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        if map.next_key::<&str>()? != Some("type") {
            return Err(give_up());
        }
        match map.next_value::<&str>()? {
            "sentence" => sentence(map).map(Record::Sentence),
            "bead" => bead(map).map(Record::Bead),
            "flag" => flag(map).map(Record::Flag),
            _ => Err(give_up()),
        }
    }
}

/// Reads the value of a field met for the first time into `slot`.
fn once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(give_up());
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Keeps the value of a field no struct field is named after, as the flattened `extra` map does.
fn keep<'de, A: MapAccess<'de>>(
    key: &str,
    extra: &mut BTreeMap<String, serde_json::Value>,
    map: &mut A,
) -> Result<(), A::Error> {
    if key == "type" {
        return Err(give_up());
    }
    extra.insert(key.to_string(), map.next_value()?);
    Ok(())
}

/// A required field's value.
fn required<T, E: de::Error>(slot: Option<T>) -> Result<T, E> {
    slot.ok_or_else(give_up)
}

fn sentence<'de, A: MapAccess<'de>>(mut map: A) -> Result<Sentence, A::Error> {
    let (mut side, mut id, mut para, mut text) = (None, None, None, None);
    let (mut start, mut end, mut origin) = (None, None, None);
    let (mut provider, mut memory_score, mut mt) = (None, None, None);
    let mut extra = BTreeMap::new();
    while let Some(key) = map.next_key::<&str>()? {
        match key {
            "side" => once(&mut side, &mut map)?,
            "id" => once(&mut id, &mut map)?,
            "para" => once(&mut para, &mut map)?,
            "start" => once(&mut start, &mut map)?,
            "end" => once(&mut end, &mut map)?,
            "text" => once(&mut text, &mut map)?,
            "origin" => once(&mut origin, &mut map)?,
            "provider" => once(&mut provider, &mut map)?,
            "memory_score" => once(&mut memory_score, &mut map)?,
            "mt" => once(&mut mt, &mut map)?,
            key => keep(key, &mut extra, &mut map)?,
        }
    }
    Ok(Sentence {
        side: required(side)?,
        id: required(id)?,
        para: required(para)?,
        start: start.flatten(),
        end: end.flatten(),
        text: required(text)?,
        origin: origin.flatten(),
        provider: provider.flatten(),
        memory_score: memory_score.flatten(),
        mt: mt.flatten(),
        extra,
    })
}

fn bead<'de, A: MapAccess<'de>>(mut map: A) -> Result<Bead, A::Error> {
    let (mut id, mut source, mut target, mut score) = (None, None, None, None);
    let mut extra = BTreeMap::new();
    while let Some(key) = map.next_key::<&str>()? {
        match key {
            "id" => once(&mut id, &mut map)?,
            "source" => once(&mut source, &mut map)?,
            "target" => once(&mut target, &mut map)?,
            "score" => once(&mut score, &mut map)?,
            key => keep(key, &mut extra, &mut map)?,
        }
    }
    Ok(Bead {
        id: required(id)?,
        source: required(source)?,
        target: required(target)?,
        score: required(score)?,
        extra,
    })
}

fn flag<'de, A: MapAccess<'de>>(mut map: A) -> Result<Flag, A::Error> {
    let (mut code, mut severity, mut source, mut target) = (None, None, None, None);
    let (mut bead, mut message, mut evidence) = (None, None, None);
    let mut extra = BTreeMap::new();
    while let Some(key) = map.next_key::<&str>()? {
        match key {
            "code" => once(&mut code, &mut map)?,
            "severity" => once(&mut severity, &mut map)?,
            "source" => once(&mut source, &mut map)?,
            "target" => once(&mut target, &mut map)?,
            "bead" => once(&mut bead, &mut map)?,
            "message" => once(&mut message, &mut map)?,
            "evidence" => once(&mut evidence, &mut map)?,
            key => keep(key, &mut extra, &mut map)?,
        }
    }
    Ok(Flag {
        code: required(code)?,
        severity: required(severity)?,
        source: source.unwrap_or_default(),
        target: target.unwrap_or_default(),
        bead: bead.flatten(),
        message: required(message)?,
        evidence: evidence.unwrap_or_default(),
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::{Origin, Severity, Side};
    use proptest::prelude::*;

    /// What serde's derived reader makes of `text`.
    fn derived(text: &str) -> Option<Record> {
        serde_json::from_str(text).ok()
    }

    #[test]
    fn records_as_written_take_the_fast_path() {
        let mut sentence = Sentence::new(Side::Target, 3, 1, "He said \"no\".\u{202E}");
        sentence.origin = Some(Origin::Memory);
        sentence.memory_score = Some(0.75);
        sentence
            .extra
            .insert("x-note".into(), serde_json::json!({"a": [1]}));
        let records = [
            Record::Sentence(sentence),
            Record::Bead(super::super::Bead::new(0, vec![0, 1], vec![], 0.5)),
            Record::Flag(Flag {
                code: "fragment".into(),
                severity: Severity::Warning,
                source: vec![1],
                target: vec![],
                bead: None,
                message: "m".into(),
                evidence: String::new(),
                extra: BTreeMap::new(),
            }),
        ];
        for record in records {
            let line = serde_json::to_string(&record).unwrap();
            assert_eq!(super::record(&line), Some(record), "{line}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_derived_reader() {
        for line in [
            r#"{"id":0,"type":"bead","source":[0],"target":[0],"score":1}"#,
            r#"{"type":"bead","id":0,"id":1,"source":[0],"target":[0],"score":1}"#,
            r#"{"type":"bead","id":0,"source":[0],"target":[0]}"#,
            r#"{"type":"bead","\u0069d":0,"source":[0],"target":[0],"score":1}"#,
            r#"{"type":"bead","id":-1,"source":[0],"target":[0],"score":1}"#,
            r#"{"type":"bead","id":0,"source":[0],"target":[0],"score":1,"type":"flag"}"#,
            r#"{"type":"bead","id":0,"source":[0],"target":[0],"score":1} x"#,
            r#"{"type":"header","schema":1,"source_lang":"ar","target_lang":"en"}"#,
            r#"{"type":"flag","code":"x","severity":"bad","message":"m"}"#,
        ] {
            assert_eq!(super::record(line), None, "{line}");
        }
    }

    /// A JSON value of any type.
    fn any_value() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u32..5).prop_map(|n| n.to_string()),
            Just("-1".to_string()),
            Just("0.5".to_string()),
            Just("null".to_string()),
            Just("[0,1]".to_string()),
            "[a-z\"\\\\ ]{0,6}".prop_map(|s| serde_json::to_string(&s).unwrap()),
            Just("\"warning\"".to_string()),
            Just("{\"k\":true}".to_string()),
        ]
    }

    /// A value `field` takes in a record as tarjama writes it.
    fn valid_value(field: &str) -> &'static str {
        match field {
            "side" => "\"target\"",
            "origin" => "\"memory\"",
            "severity" => "\"warning\"",
            "score" | "memory_score" => "0.5",
            "source" | "target" => "[0,1]",
            "id" | "para" | "start" | "end" | "bead" => "3",
            _ => "\"a \\\"text\\\"\"",
        }
    }

    /// The fields of a record of `kind`, in the order tarjama writes them.
    fn fields_of(kind: &str) -> &'static [&'static str] {
        match kind {
            "sentence" => &[
                "side",
                "id",
                "para",
                "start",
                "end",
                "text",
                "origin",
                "provider",
                "memory_score",
                "mt",
            ],
            "bead" => &["id", "source", "target", "score"],
            _ => &[
                "code", "severity", "source", "target", "bead", "message", "evidence",
            ],
        }
    }

    /// A record line of `kind`: each field valid, of another type, or missing; other fields
    /// after them (a second `type` or `id` among them).
    fn line(kind: &'static str) -> impl Strategy<Value = String> {
        let fields: Vec<_> = fields_of(kind)
            .iter()
            .map(|&field| {
                prop_oneof![
                    4 => Just(Some(valid_value(field).to_string())),
                    1 => any_value().prop_map(Some),
                    1 => Just(None),
                ]
                .prop_map(move |value| value.map(|v| format!("\"{field}\":{v}")))
            })
            .collect();
        let extra = proptest::collection::vec(
            (
                prop_oneof![Just("x-a"), Just("x-b"), Just("type"), Just("id")],
                any_value(),
            )
                .prop_map(|(k, v)| format!("\"{k}\":{v}")),
            0..3,
        );
        (fields, extra).prop_map(move |(fields, extra)| {
            let body: Vec<String> = std::iter::once(format!("\"type\":\"{kind}\""))
                .chain(fields.into_iter().flatten())
                .chain(extra)
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    proptest! {
        /// Whatever the line, the fast path reads what the derived reader reads, or gives up;
        /// it gives up only on what the derived reader refuses or on a field given twice.
        #[test]
        fn the_fast_path_agrees_with_the_derived_reader(
            line in prop_oneof![line("sentence"), line("bead"), line("flag")],
        ) {
            match super::record(&line) {
                Some(fast) => prop_assert_eq!(Some(fast), derived(&line), "{}", line),
                None => prop_assert!(
                    derived(&line).is_none() || line.matches("\"id\":").count() > 1,
                    "{}", line
                ),
            }
        }
    }
}
