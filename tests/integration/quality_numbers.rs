//! `number-mismatch` through the real binary: numbers a translator legitimately rewrites
//! (times, words, conversions, roundings) pass, changed ones are flagged, and
//! `[checks.number-mismatch]` in config.toml makes roundings and conversions strict.

use crate::util::{Workdir, flags, stderr, stdout};

/// Pairs 0–3 say the same numbers differently, pairs 4–5 change one.
const PAIRS: &[(&str, &str)] = &[
    (
        "ستتحدث عند الساعة 23:45 بعد ثلاثة آلاف وخمسمائة كلمة.",
        "She will speak at 23.45 after 3,500 words.",
    ),
    (
        "قتل 2487 شخصا في 20/3/2003.",
        "Nearly 2,500 people were killed on March 20, 2003.",
    ),
    ("على بعد 16 كيلومترا.", "10 miles (16 km) away."),
    ("عام 1441 هـ، وتستمر لشهرين.", "In 2020, lasting 2 months."),
    ("على بعد 16 كيلومترا.", "10 miles (17 km) away."),
    ("بلغ الحادية والثلاثين من عمره.", "He is now 30."),
];

fn bitext() -> String {
    let mut out = String::from(
        "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n",
    );
    for (side, pick) in [("source", 0), ("target", 1)] {
        for (id, pair) in PAIRS.iter().enumerate() {
            let text = if pick == 0 { pair.0 } else { pair.1 };
            let record = serde_json::json!({"type": "sentence", "side": side, "id": id, "para": id, "text": text});
            out.push_str(&format!("{record}\n"));
        }
    }
    for id in 0..PAIRS.len() {
        out.push_str(&format!(
            "{{\"type\":\"bead\",\"id\":{id},\"source\":[{id}],\"target\":[{id}],\"score\":1.0}}\n"
        ));
    }
    out
}

/// A configuration needs a translation chain, even for `check`.
const CHAIN: &str = "[translate]\nchain = [\"memory\"]\n\n";

/// Beads with a `number-mismatch` flag.
fn mismatched(args: &[&str], wd: &Workdir) -> Vec<u64> {
    let out = wd.run(args);
    assert!(out.status.success(), "{}", stderr(&out));
    flags(&stdout(&out))
        .into_iter()
        .filter(|v| v["code"] == "number-mismatch")
        .map(|v| v["bead"].as_u64().unwrap())
        .collect()
}

#[test]
fn rewritten_numbers_pass_and_changed_ones_are_flagged() {
    let wd = Workdir::new();
    wd.write("b.jsonl", bitext());
    assert_eq!(mismatched(&["check", "b.jsonl"], &wd), [4, 5]);
}

#[test]
fn strict_settings_flag_roundings_and_conversions() {
    let wd = Workdir::new();
    wd.write("b.jsonl", bitext());
    wd.write(
        "strict.toml",
        format!("{CHAIN}[checks.number-mismatch]\nroundings = false\nconversions = false\n"),
    );
    let args = ["--config", "strict.toml", "check", "b.jsonl"];
    assert_eq!(mismatched(&args, &wd), [1, 2, 4, 5]);
    wd.write(
        "typo.toml",
        format!("{CHAIN}[checks.number-mismatch]\nrounding = false\n"),
    );
    let out = wd.run(&["--config", "typo.toml", "check", "b.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("rounding"), "{}", stderr(&out));
}
