//! `swapped` through the real binary: two neighbouring translations exchanged in a bitext
//! imported line by line.

use serde_json::Value;

use crate::util::{Workdir, flags, stderr, stdout};

/// Three 1-1 beads; the English of beads 1 and 2 is exchanged.
const BITEXT: &str = r#"{"type":"header","schema":1,"source_lang":"ar","target_lang":"en"}
{"type":"sentence","side":"source","id":0,"para":0,"text":"قال الوزير إن القوات الأمريكية ستبقى في العراق بدعوة من الحكومة."}
{"type":"sentence","side":"source","id":1,"para":0,"text":"وأضاف أن التعاون مستمر."}
{"type":"sentence","side":"source","id":2,"para":0,"text":"نشرت الولايات المتحدة نحو 2500 جندي في العراق في إطار التحالف الدولي ضد تنظيم الدولة الإسلامية."}
{"type":"sentence","side":"target","id":0,"para":0,"text":"The minister said US forces would stay in Iraq at the government's invitation."}
{"type":"sentence","side":"target","id":1,"para":0,"text":"The United States has about 2,500 troops in Iraq as part of the international coalition against the Islamic State group."}
{"type":"sentence","side":"target","id":2,"para":0,"text":"He added that the cooperation continues."}
{"type":"bead","id":0,"source":[0],"target":[0],"score":1.0}
{"type":"bead","id":1,"source":[1],"target":[1],"score":1.0}
{"type":"bead","id":2,"source":[2],"target":[2],"score":1.0}
"#;

#[test]
fn exchanged_neighbours_get_one_warning_naming_both_and_config_can_turn_it_off() {
    let wd = Workdir::new();
    wd.write("b.jsonl", BITEXT);
    let out = wd.run(&["check", "b.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let swapped: Vec<Value> = flags(&stdout(&out))
        .into_iter()
        .filter(|v| v["code"] == "swapped")
        .collect();
    assert_eq!(swapped.len(), 1, "{swapped:?}");
    let f = &swapped[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["source"], serde_json::json!([1, 2]));
    assert_eq!(f["target"], serde_json::json!([1, 2]));
    assert_eq!(f["beads"], serde_json::json!([1, 2]));
    assert!(f["evidence"].as_str().unwrap().contains("numbers"), "{f}");

    let out = wd.run(&[
        "check",
        "--fail-on",
        "warning",
        "--format",
        "text",
        "b.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("swapped"), "{}", stdout(&out));

    wd.write(
        "config.toml",
        "[translate]\nchain = [\"memory\"]\n[checks.swapped]\nenabled = false\n",
    );
    let out = wd.run(&["--config", "config.toml", "check", "b.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("\"swapped\""), "{}", stdout(&out));
}
