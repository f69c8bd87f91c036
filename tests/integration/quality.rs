//! `tarjama check` and `tarjama eval flags` through the real binary.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::{Workdir, eval_file, flags, repo_file, stderr, stdout};

/// A small Arabic→English bitext: a garbled passage (a detached relative clause), a changed
/// number, a clean pair, an old flag of a check (to be replaced) and a `translation-failed`
/// flag (to be kept).
const BITEXT: &str = r#"{"type":"header","schema":1,"source_lang":"ar","target_lang":"en"}
{"type":"sentence","side":"source","id":0,"para":0,"text":"قال الوزير إن الجنود سيبقون في البلاد بدعوة من الحكومة."}
{"type":"sentence","side":"source","id":1,"para":0,"text":"التي توحد البلدين."}
{"type":"sentence","side":"source","id":2,"para":1,"text":"قتل أكثر من 100000 مدني بين عامي 2003 و2011."}
{"type":"sentence","side":"source","id":3,"para":2,"text":"والتقى الوزير رئيس الوزراء في بغداد."}
{"type":"sentence","side":"target","id":0,"para":0,"text":"The minister said the soldiers would stay in the country at the government's invitation."}
{"type":"sentence","side":"target","id":1,"para":0,"text":"Which unite the two countries."}
{"type":"sentence","side":"target","id":2,"para":1,"text":"More than 10,000 civilians were killed between 2003 and 2011."}
{"type":"sentence","side":"target","id":3,"para":2,"text":"The minister met the prime minister in Baghdad."}
{"type":"bead","id":0,"source":[0],"target":[0],"score":0.9}
{"type":"bead","id":1,"source":[1],"target":[1],"score":0.9}
{"type":"bead","id":2,"source":[2],"target":[2],"score":0.9}
{"type":"bead","id":3,"source":[3],"target":[3],"score":0.9}
{"type":"flag","code":"repetition","severity":"warning","source":[3],"target":[3],"bead":3,"message":"stale","evidence":"old run"}
{"type":"flag","code":"translation-failed","severity":"error","source":[3],"target":[3],"bead":3,"message":"HTTP 503","evidence":"deepl"}
"#;

fn codes_for_bead(flags: &[Value], bead: u64) -> Vec<String> {
    flags
        .iter()
        .filter(|f| f["bead"] == bead)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_appends_flags_replaces_its_own_and_keeps_the_others() {
    let wd = Workdir::new();
    wd.write("b.jsonl", BITEXT);
    let out = wd.run(&["check", "b.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let flags = flags(&text);
    let brk = flags
        .iter()
        .find(|f| f["code"] == "suspicious-break")
        .expect("the detached relative clause is flagged");
    assert_eq!(brk["source"], serde_json::json!([0, 1]));
    assert_eq!(brk["severity"], "warning");
    assert!(!brk["evidence"].as_str().unwrap().is_empty());
    assert!(codes_for_bead(&flags, 1).contains(&"target-fragment".to_string()));
    assert!(codes_for_bead(&flags, 2).contains(&"number-mismatch".to_string()));
    let clean = codes_for_bead(&flags, 3);
    assert_eq!(
        clean,
        ["translation-failed"],
        "the stale flag is replaced, the failure kept"
    );
    // Checking the checked file again changes nothing.
    wd.write("checked.jsonl", &text);
    let again = wd.run(&["check", "checked.jsonl"]);
    assert_eq!(stdout(&again), text);
}

#[test]
fn fail_on_sets_the_exit_code_and_output_goes_to_a_file() {
    let wd = Workdir::new();
    wd.write("b.jsonl", BITEXT);
    let out = wd.run(&[
        "check",
        "b.jsonl",
        "--fail-on",
        "warning",
        "-o",
        "out.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(wd.path().join("out.jsonl")).unwrap();
    assert!(written.starts_with("{\"type\":\"header\""));
    // Only errors count with --fail-on error: the translation-failed flag is one.
    let out = wd.run(&["check", "b.jsonl", "--fail-on", "error"]);
    assert_eq!(out.status.code(), Some(1));
    // A bitext with nothing wrong passes the strictest gate.
    let ok = "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n{\"type\":\"sentence\",\"side\":\"source\",\"id\":0,\"para\":0,\"text\":\"والتقى الوزير رئيس الوزراء في بغداد.\"}\n{\"type\":\"sentence\",\"side\":\"target\",\"id\":0,\"para\":0,\"text\":\"The minister met the prime minister in Baghdad.\"}\n{\"type\":\"bead\",\"id\":0,\"source\":[0],\"target\":[0],\"score\":0.9}\n";
    wd.write("ok.jsonl", ok);
    let out = wd.run(&["check", "ok.jsonl", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn text_report_lists_beads_by_risk_with_evidence() {
    let wd = Workdir::new();
    wd.write("b.jsonl", BITEXT);
    let out = wd.run(&["check", "b.jsonl", "--format", "text"]);
    let text = stdout(&out);
    assert!(text.contains("suspicious-break"), "{text}");
    assert!(text.contains("evidence: source only: [100000]"), "{text}");
    assert!(text.contains("  source: التي توحد البلدين."), "{text}");
    let first_bead = text.lines().find(|l| l.starts_with("bead ")).unwrap();
    assert!(first_bead.contains("risk"), "{first_bead}");
}

#[test]
fn list_prints_the_registry() {
    let wd = Workdir::new();
    let out = wd.run(&["check", "--list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for code in [
        "fragment",
        "suspicious-break",
        "number-mismatch",
        "length-ratio",
        "untranslated",
        "round-trip",
        "llm-judge",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(code)),
            "{code} missing:\n{text}"
        );
    }
}

#[test]
fn bad_input_and_bad_settings_are_one_clear_line() {
    let wd = Workdir::new();
    wd.write("bad.jsonl", "{\"type\":\"bead\"}\n");
    let out = wd.run(&["check", "bad.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("tarjama: error: bad.jsonl:1: the first record must be the header"),
        "{err}"
    );
    wd.write("b.jsonl", BITEXT);
    wd.write("config.toml", "[checks.fragment]\nmax_word = 3\n");
    let out = wd.run(&["--config", "config.toml", "check", "b.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("config.toml") && err.contains("max_word"),
        "{err}"
    );
    // A disabled check stays quiet.
    wd.write(
        "config.toml",
        "[checks.suspicious-break]\nenabled = false\n[checks.fragment]\nenabled = false\n",
    );
    let out = wd.run(&["--config", "config.toml", "check", "b.jsonl"]);
    let text = stdout(&out);
    assert!(
        !text.contains("suspicious-break") && !text.contains("\"fragment\""),
        "{text}"
    );
}

/// UD Arabic-PUD `sentences.tsv` from the evaluation data.
fn pud() -> PathBuf {
    eval_file("ud_arabic_pud/sentences.tsv")
}

#[test]
fn synthetic_evaluation_holds_the_committed_baseline() {
    let pud = pud();
    let baseline = repo_file("corpora/synthetic/pud-test-seeds101-200.json");
    let wd = Workdir::new();
    let report_args = [
        "eval",
        "flags",
        "--synthetic",
        "--pud",
        pud.to_str().unwrap(),
        "--split",
        "test",
        "--seed",
        "101",
        "--rounds",
        "100",
        "--format",
        "json",
    ];
    let mut gated = report_args.to_vec();
    gated.extend(["--baseline", baseline.to_str().unwrap()]);
    let out = wd.run(&gated);
    assert_eq!(
        out.status.code(),
        Some(0),
        "below the baseline: {}",
        stderr(&out)
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The project's goals (#5): at most 2 % of untouched pairs flagged, precision and recall
    // at least 0.9 for every corruption type.
    assert!(report["false_positive_rate"].as_f64().unwrap() <= 0.02);
    for t in report["types"].as_array().unwrap() {
        eprintln!(
            "{:<18} P {:?} R {:?} ({} pairs)",
            t["kind"].as_str().unwrap(),
            t["precision"],
            t["recall"],
            t["items"]
        );
        assert!(t["items"].as_u64().unwrap() >= 1000, "{t}");
        for measure in ["precision", "recall"] {
            assert!(t[measure].as_f64().unwrap() >= 0.9, "{measure}: {t}");
        }
    }
    // Same seed, same set: the report is reproducible (two rounds are enough to show it).
    let mut small = report_args.to_vec();
    let rounds = small.len() - 3;
    small[rounds] = "2";
    let (first, again) = (wd.run(&small), wd.run(&small));
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(stdout(&again), stdout(&first));
}

/// One row of `corpora/austin-baghdad/annotations.tsv`.
struct Annotation {
    id: usize,
    label: String,
    passage: String,
}

fn annotations() -> Vec<Annotation> {
    let text = std::fs::read_to_string(repo_file("corpora/austin-baghdad/annotations.tsv"))
        .expect("corpora/austin-baghdad/annotations.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Annotation {
                id: f[0].parse().unwrap(),
                label: f[1].to_string(),
                passage: f[2].to_string(),
            }
        })
        .collect()
}

/// The seed article with its reference translation as a bitext of 1-1 beads.
fn seed_bitext() -> String {
    let source =
        std::fs::read_to_string(repo_file("corpora/austin-baghdad/ar.sentences.jsonl")).unwrap();
    let english = std::fs::read_to_string(repo_file("corpora/austin-baghdad/en.lines.txt"))
        .expect("corpora/austin-baghdad/en.lines.txt");
    let english: Vec<&str> = english.lines().collect();
    let mut out = String::from(
        "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n",
    );
    let mut paras = Vec::new();
    for line in source.lines() {
        let s: Value = serde_json::from_str(line).unwrap();
        let record = serde_json::json!({"type": "sentence", "side": "source", "id": s["id"], "para": s["para"], "text": s["text"]});
        out.push_str(&format!("{record}\n"));
        paras.push(s["para"].clone());
    }
    assert_eq!(
        paras.len(),
        english.len(),
        "one English line per Arabic sentence"
    );
    for (id, (text, para)) in english.iter().zip(&paras).enumerate() {
        let record = serde_json::json!({"type": "sentence", "side": "target", "id": id, "para": para, "text": text});
        out.push_str(&format!("{record}\n"));
    }
    for id in 0..paras.len() {
        out.push_str(&format!(
            "{{\"type\":\"bead\",\"id\":{id},\"source\":[{id}],\"target\":[{id}],\"score\":1.0}}\n"
        ));
    }
    out
}

#[test]
fn seed_article_every_garbled_passage_flagged_and_no_clean_sentence() {
    let wd = Workdir::new();
    wd.write("seed.jsonl", seed_bitext());
    let out = wd.run(&["check", "seed.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let flags = flags(&stdout(&out));
    // Warnings and errors by source sentence.
    let mut by_sentence: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    for f in flags.iter().filter(|f| f["severity"] != "info") {
        for s in f["source"].as_array().unwrap() {
            by_sentence
                .entry(s.as_u64().unwrap())
                .or_default()
                .push(f["code"].as_str().unwrap().to_string());
        }
    }
    let gold = annotations();
    let mut passages: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for a in gold.iter().filter(|a| a.label == "garbled") {
        passages.entry(a.passage.as_str()).or_default().push(a.id);
    }
    assert!(!passages.is_empty());
    let mut missed = Vec::new();
    for (passage, ids) in &passages {
        let caught: std::collections::BTreeSet<String> = ids
            .iter()
            .flat_map(|&id| by_sentence.get(&(id as u64)).cloned().unwrap_or_default())
            .collect();
        eprintln!("garbled passage {passage}: caught by {caught:?}");
        // A garbled passage is a problem of the source: a source-side check must see it.
        let source_side = [
            "fragment",
            "suspicious-break",
            "lost-quotation",
            "verb-agreement",
            "unbalanced-brackets",
        ];
        if !caught.iter().any(|c| source_side.contains(&c.as_str())) {
            missed.push(*passage);
        }
    }
    let noisy: Vec<(usize, &Vec<String>)> = gold
        .iter()
        .filter(|a| a.label == "clean")
        .filter_map(|a| by_sentence.get(&(a.id as u64)).map(|codes| (a.id, codes)))
        .collect();
    assert!(
        missed.is_empty(),
        "garbled passages not flagged: {missed:?}"
    );
    assert!(noisy.is_empty(), "clean sentences with warnings: {noisy:?}");
    // `eval flags --gold` reports the same, and exits 0 only when all is well.
    let annotations = repo_file("corpora/austin-baghdad/annotations.tsv");
    let out = wd.run(&[
        "eval",
        "flags",
        "--gold",
        annotations.to_str().unwrap(),
        "seed.jsonl",
    ]);
    let report = stdout(&out);
    eprintln!("{report}");
    let n = passages.len();
    assert!(
        report.contains(&format!("garbled passages caught: {n}/{n}")),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(0), "{report}");
}

/// Eight Arabic→English pairs; the back translation of pair 3 will come back unrelated.
fn signal_bitext() -> String {
    let mut out = String::from(
        "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n",
    );
    let pairs: Vec<(String, String)> = (0..8)
        .map(|i| {
            (
                format!("ذهب الوزير إلى بغداد في اليوم {i} من الزيارة."),
                format!("The minister went to Baghdad on day {i} of the visit."),
            )
        })
        .collect();
    for (i, (ar, _)) in pairs.iter().enumerate() {
        out.push_str(&format!(
            "{}\n",
            serde_json::json!({"type":"sentence","side":"source","id":i,"para":0,"text":ar})
        ));
    }
    for (i, (_, en)) in pairs.iter().enumerate() {
        out.push_str(&format!(
            "{}\n",
            serde_json::json!({"type":"sentence","side":"target","id":i,"para":0,"text":en})
        ));
    }
    for i in 0..pairs.len() {
        out.push_str(&format!(
            "{{\"type\":\"bead\",\"id\":{i},\"source\":[{i}],\"target\":[{i}],\"score\":1.0}}\n"
        ));
    }
    out
}

/// A LibreTranslate stand-in that translates English back into the Arabic of the pair, except
/// for day 3 (unrelated Arabic); `fail` makes it answer 503 to everything.
fn back_translator(fail: bool) -> crate::mock_http::MockServer {
    use crate::mock_http::{MockServer, Request, Response};
    MockServer::start(move |req: &Request| {
        if fail {
            return Response::json(503, &serde_json::json!({"error": "Service Unavailable"}));
        }
        let body = req.json();
        let q: Vec<String> = body["q"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_else(|| vec![body["q"].as_str().unwrap_or_default().to_string()]);
        let out: Vec<String> = q
            .iter()
            .map(|t| {
                let day: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
                if day == "3" {
                    "كانت السماء تمطر بغزارة طوال الليل في الريف.".to_string()
                } else {
                    format!("ذهب الوزير إلى بغداد في اليوم {day} من الزيارة.")
                }
            })
            .collect();
        Response::json(200, &serde_json::json!({"translatedText": out}))
    })
}

fn signal_config(wd: &Workdir, url: &str) {
    wd.write(
        "config.toml",
        format!(
            "[translate]\nfrom = \"ar\"\nto = \"en\"\nchain = [\"lt\"]\ncache = \"cache.sqlite\"\n\n\
             [providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{url}\"\napi_key_env = \"\"\n\
             requests_per_second = 0.0\nmax_retries = 1\nbackoff_base = \"10ms\"\ntimeout = \"5s\"\n\n\
             [checks.round-trip]\nenabled = true\nprovider = \"lt\"\n"
        ),
    );
}

#[test]
fn round_trip_signal_runs_through_the_cache_and_degrades_to_not_checked() {
    let server = back_translator(false);
    let wd = Workdir::new();
    signal_config(&wd, &server.url());
    wd.write("b.jsonl", signal_bitext());
    let out = wd.run(&["--config", "config.toml", "check", "b.jsonl", "--signals"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let found = flags(&stdout(&out));
    let round_trip: Vec<&Value> = found.iter().filter(|f| f["code"] == "round-trip").collect();
    assert_eq!(round_trip.len(), 1, "{found:?}");
    assert_eq!(round_trip[0]["bead"], 3);
    assert!(round_trip[0]["evidence"].as_str().unwrap().contains("chrF"));
    let requests = server.requests().len();
    assert!(requests >= 1);
    // Second run: every back translation comes from the cache, no request goes out.
    let again = wd.run(&["--config", "config.toml", "check", "b.jsonl", "--signals"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests().len(), requests, "the cache was not used");
    assert_eq!(stdout(&again), stdout(&out));

    // A failing service: the check still finishes, with a `not-checked` note.
    let down = back_translator(true);
    let wd = Workdir::new();
    signal_config(&wd, &down.url());
    wd.write("b.jsonl", signal_bitext());
    let out = wd.run(&[
        "--config",
        "config.toml",
        "check",
        "b.jsonl",
        "--signals",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let flags = flags(&stdout(&out));
    assert!(flags.iter().all(|f| f["code"] != "round-trip"));
    let note = flags
        .iter()
        .find(|f| f["code"] == "not-checked")
        .expect("not-checked");
    assert_eq!(note["severity"], "info");
}
