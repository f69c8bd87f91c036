//! Partial omissions and additions (`omission`/`addition` on 1-1 beads) through the real binary,
//! on the seed article and its reference translation.

use serde_json::{Value, json};

use crate::util::{Workdir, flags, repo_file, stderr, stdout};

/// The seed article with its reference translation as 1-1 beads; `edit` may change a target
/// line, and `mt` gives every source sentence a machine translation (here: the reference line,
/// as `translate` would store it before a human edits the target).
fn seed_bitext(edit: &dyn Fn(usize, &str) -> String, mt: bool) -> String {
    let source =
        std::fs::read_to_string(repo_file("corpora/austin-baghdad/ar.sentences.jsonl")).unwrap();
    let english = std::fs::read_to_string(repo_file("corpora/austin-baghdad/en.lines.txt"))
        .expect("corpora/austin-baghdad/en.lines.txt");
    let english: Vec<&str> = english.lines().collect();
    let mut out = String::from(
        "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n",
    );
    let mut paras = Vec::new();
    for (line, reference) in source.lines().zip(&english) {
        let s: Value = serde_json::from_str(line).unwrap();
        let mut record = json!({"type": "sentence", "side": "source", "id": s["id"], "para": s["para"], "text": s["text"]});
        if mt {
            record["mt"] = json!(reference);
        }
        out.push_str(&format!("{record}\n"));
        paras.push(s["para"].clone());
    }
    for (id, (text, para)) in english.iter().zip(&paras).enumerate() {
        let record = json!({"type": "sentence", "side": "target", "id": id, "para": para, "text": edit(id, text)});
        out.push_str(&format!("{record}\n"));
    }
    for id in 0..paras.len() {
        out.push_str(&format!(
            "{{\"type\":\"bead\",\"id\":{id},\"source\":[{id}],\"target\":[{id}],\"score\":1.0}}\n"
        ));
    }
    out
}

/// (bead, code, evidence) of the omission/addition flags `tarjama check` writes.
fn coverage_flags(bitext: String) -> Vec<(u64, String, String)> {
    let wd = Workdir::new();
    wd.write("b.jsonl", bitext);
    let out = wd.run(&["check", "b.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    flags(&stdout(&out))
        .into_iter()
        .filter(|v| v["code"] == "omission" || v["code"] == "addition")
        .map(|f| {
            (
                f["bead"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["evidence"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const DROPPED: &str =
    ", a subject that remains sensitive and divisive to this day in light of recent history";

#[test]
fn the_reference_translation_has_no_omission_or_addition() {
    assert_eq!(
        coverage_flags(seed_bitext(&|_, t| t.to_string(), false)),
        []
    );
    assert_eq!(coverage_flags(seed_bitext(&|_, t| t.to_string(), true)), []);
}

#[test]
fn a_dropped_clause_is_an_omission_with_its_evidence() {
    let bitext = seed_bitext(
        &|id, t| {
            if id == 1 {
                assert!(t.contains(DROPPED), "the fixture changed: {t}");
                t.replace(DROPPED, "")
            } else {
                t.to_string()
            }
        },
        false,
    );
    let flags = coverage_flags(bitext);
    assert_eq!(flags.len(), 1, "{flags:?}");
    let (bead, code, evidence) = &flags[0];
    assert_eq!((*bead, code.as_str()), (1, "omission"));
    assert!(evidence.contains("shorter than predicted"), "{evidence}");
}

#[test]
fn machine_translation_catches_a_short_omission_the_length_hides() {
    let shortened = |id: usize, t: &str| {
        if id == 1 {
            t.replace(" and divisive to this day in light of recent history", "")
        } else {
            t.to_string()
        }
    };
    // Without MT the sentence is still within the usual spread of lengths.
    assert_eq!(coverage_flags(seed_bitext(&shortened, false)), []);
    let flags = coverage_flags(seed_bitext(&shortened, true));
    assert_eq!(flags.len(), 1, "{flags:?}");
    let (bead, code, evidence) = &flags[0];
    assert_eq!((*bead, code.as_str()), (1, "omission"));
    assert!(
        evidence.contains("MT vs target")
            && evidence.contains("missing: divisive, day, light, recent, history"),
        "{evidence}"
    );
}
