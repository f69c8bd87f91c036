//! `tarjama align` and `tarjama eval align`: formats, errors, agreement with the reference
//! scorer, and the accuracy baseline on Text+Berg test.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Workdir, eval_file, stderr, stdout};

/// Strict F1 on Text+Berg test with the Google MT at the last tuning (0.8554; dev-tuned).
/// The test fails if a change makes it drop below.
const TEST_STRICT_F1_BASELINE: f64 = 0.855;
/// The same with Google MT in both directions (`--mt` and `--mt-target`; 0.8770, dev-tuned).
const TEST_STRICT_F1_BOTH_DIRECTIONS_BASELINE: f64 = 0.876;

/// The same without MT (length, anchors and the lexicon learned from the document; 0.8398).
const TEST_STRICT_F1_NO_MT_BASELINE: f64 = 0.839;
/// Strict F1 of the seed article against its fluent human translation, without MT
/// (segmented, paragraphs kept; 0.818 over 24 gold beads, so one bead moves it by ~0.04).
const SEED_STRICT_F1_NO_MT_BASELINE: f64 = 0.81;

/// One set (`test`, `dev`) of the Text+Berg data in `corpora/eval/textberg`.
fn textberg(set: &str) -> PathBuf {
    eval_file(&format!("textberg/{set}"))
}

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some("python3")
    } else {
        eprintln!("skipped: python3 not found, cannot run the reference scorer");
        None
    }
}

/// The reference alignment scorer kept with the evaluation data.
fn reference_scorer() -> PathBuf {
    eval_file("tools/align_score.py")
}

fn json_field(json: &str, key: &str) -> f64 {
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no {key} in {json}"))
}

/// Runs our `eval align --json` and the reference scorer on the same files; both must agree to
/// the third decimal on every figure.
fn assert_scorers_agree(wd: &Workdir, gold: &[PathBuf], hyp: &[PathBuf]) -> String {
    let mut args: Vec<String> = vec![
        "eval".into(),
        "align".into(),
        "--json".into(),
        "--gold".into(),
    ];
    args.extend(gold.iter().map(|p| p.display().to_string()));
    args.push("--hyp".into());
    args.extend(hyp.iter().map(|p| p.display().to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let ours = wd.run(&refs);
    assert!(ours.status.success(), "{}", stderr(&ours));
    let ours = stdout(&ours);
    let script = reference_scorer();
    let Some(py) = python3() else {
        return ours;
    };
    let mut cmd = Command::new(py);
    cmd.arg(script)
        .arg("--json")
        .arg("-g")
        .args(gold)
        .arg("-t")
        .args(hyp);
    let theirs = cmd.output().unwrap();
    assert!(
        theirs.status.success(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let theirs = String::from_utf8(theirs.stdout).unwrap();
    for key in [
        "precision_strict",
        "recall_strict",
        "f1_strict",
        "precision_lax",
        "recall_lax",
        "f1_lax",
    ] {
        let (a, b) = (json_field(&ours, key), json_field(&theirs, key));
        assert!((a - b).abs() < 5e-4, "{key}: ours {a}, align_score.py {b}");
    }
    ours
}

#[test]
fn eval_align_agrees_with_the_reference_scorer_on_edge_cases() {
    let wd = Workdir::new();
    let gold = [
        wd.write("g1", "[0]:[0]\n[1]:[1, 2]\n[2]:[]\n[]:[3]\n[3, 4]:[4]\n"),
        wd.write("g2", "[0]:[0]\n\n[1]:[1]\n[2]:[2]\n"),
    ];
    let hyp = [
        // duplicates, a cost column, a wrong null, a lax-only hit, a both-empty bead
        wd.write(
            "h1",
            "[0]:[0]:0.15\n[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[]:[3]\n[3]:[4]\n[4]:[]\n[]:[]\n",
        ),
        wd.write("h2", "[0, 1]:[0, 1]\n[2]:[2]\n"),
    ];
    let json = assert_scorers_agree(&wd, &gold, &hyp);
    assert!(json_field(&json, "f1_strict") > 0.0);
    let table = wd.run(&["eval", "align", "-g", "g1", "-t", "h1"]);
    assert!(
        stdout(&table).contains("| F1          |"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn eval_align_reports_bad_lines_with_position() {
    let wd = Workdir::new();
    wd.write("g", "[0]:[0]\n[1]:[x]\n");
    let out = wd.run(&["eval", "align", "--gold", "g", "--hyp", "g"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("tarjama: error: g:2: target ids"), "{err}");
    let out = wd.run(&["eval", "align", "--gold", "g", "g", "--hyp", "g"]);
    assert_eq!(out.status.code(), Some(2));
}

fn align_doc(wd: &Workdir, dir: &Path, doc: &str, extra: &[&str]) -> PathBuf {
    let out_path = wd.path().join(format!("{doc}.beads"));
    let src = dir.join(format!("{doc}.de"));
    let tgt = dir.join(format!("{doc}.fr"));
    let mut args = vec![
        "align".to_string(),
        "--lines".into(),
        src.display().to_string(),
        tgt.display().to_string(),
        "-o".into(),
        out_path.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = wd.run(&refs);
    assert!(out.status.success(), "{}", stderr(&out));
    out_path
}

/// Aligns the seven Text+Berg test documents with `mt_args(doc)` and returns the strict F1
/// (checked against the reference scorer).
fn textberg_test_f1(mt_args: impl Fn(&Path, &str) -> Vec<String>) -> f64 {
    let dir = textberg("test");
    let wd = Workdir::new();
    let mut gold = Vec::new();
    let mut hyp = Vec::new();
    for k in 1..=7 {
        let doc = format!("{k:03}");
        let args = mt_args(&dir, &doc);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        hyp.push(align_doc(&wd, &dir, &doc, &refs));
        gold.push(dir.join(format!("{doc}.gold")));
    }
    let json = assert_scorers_agree(&wd, &gold, &hyp);
    json_field(&json, "f1_strict")
}

fn google_mt(dir: &Path, doc: &str, ext: &str) -> String {
    dir.join(format!("{doc}.mt-google.{ext}"))
        .display()
        .to_string()
}

#[test]
fn textberg_test_strict_f1_with_google_mt_stays_above_the_baseline() {
    let f1 = textberg_test_f1(|dir, doc| vec!["--mt".into(), google_mt(dir, doc, "fr")]);
    assert!(
        f1 >= TEST_STRICT_F1_BASELINE,
        "Text+Berg test strict F1 {f1:.4} dropped below the baseline {TEST_STRICT_F1_BASELINE}"
    );
}

#[test]
fn textberg_test_strict_f1_with_mt_in_both_directions_stays_above_the_baseline() {
    let f1 = textberg_test_f1(|dir, doc| {
        vec![
            "--mt".into(),
            google_mt(dir, doc, "fr"),
            "--mt-target".into(),
            google_mt(dir, doc, "de"),
        ]
    });
    assert!(
        f1 >= TEST_STRICT_F1_BOTH_DIRECTIONS_BASELINE,
        "Text+Berg test strict F1 (both MT directions) {f1:.4} dropped below the baseline {TEST_STRICT_F1_BOTH_DIRECTIONS_BASELINE}"
    );
}

#[test]
fn textberg_test_strict_f1_without_mt_stays_above_the_baseline() {
    let f1 = textberg_test_f1(|_, _| Vec::new());
    assert!(
        f1 >= TEST_STRICT_F1_NO_MT_BASELINE,
        "Text+Berg test strict F1 (no MT) {f1:.4} dropped below the baseline {TEST_STRICT_F1_NO_MT_BASELINE}"
    );
}

/// The seed article (Arabic) against a fluent English translation with realistic boundary
/// differences, no MT: segmentation, paragraphs, anchors and the learned lexicon together.
#[test]
fn seed_article_aligns_with_its_human_translation_without_mt() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/austin-baghdad");
    let wd = Workdir::new();
    let hyp = wd.path().join("seed.beads");
    let out = wd.run(&[
        "align",
        &corpus.join("ar.txt").display().to_string(),
        &corpus.join("en.human.txt").display().to_string(),
        "-o",
        &hyp.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = assert_scorers_agree(&wd, &[corpus.join("ar-en.human.gold")], &[hyp]);
    let f1 = json_field(&json, "f1_strict");
    assert!(
        f1 >= SEED_STRICT_F1_NO_MT_BASELINE,
        "seed article strict F1 (no MT) {f1:.4} dropped below the baseline {SEED_STRICT_F1_NO_MT_BASELINE}"
    );
}

#[test]
fn jsonl_output_is_a_valid_bitext_with_mt_and_file_targets() {
    let wd = Workdir::new();
    wd.write(
        "src.txt",
        "Der Gletscher schmilzt.\nWir stiegen um 5 Uhr auf.\n",
    );
    wd.write(
        "tgt.txt",
        "Le glacier fond.\nNous sommes partis à 5 heures.\n",
    );
    wd.write(
        "mt.txt",
        "Le glacier fond.\nNous sommes montés à 5 heures.\n",
    );
    let out = wd.run(&[
        "align",
        "--lines",
        "src.txt",
        "tgt.txt",
        "--mt",
        "mt.txt",
        "--format",
        "jsonl",
        "--src-lang",
        "de",
        "--tgt-lang",
        "fr",
        "-o",
        "out.jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bitext = tarjama::bitext::Bitext::read_path(&wd.path().join("out.jsonl")).unwrap();
    assert_eq!(bitext.header.source_lang.as_str(), "de");
    assert_eq!(
        bitext.source[1].mt.as_deref(),
        Some("Nous sommes montés à 5 heures.")
    );
    assert_eq!(bitext.source[1].start, Some(24));
    assert_eq!(bitext.target[0].origin, Some(tarjama::bitext::Origin::File));
    let pairs: Vec<(Vec<usize>, Vec<usize>)> = bitext
        .beads
        .iter()
        .map(|b| (b.source.clone(), b.target.clone()))
        .collect();
    assert_eq!(pairs, vec![(vec![0], vec![0]), (vec![1], vec![1])]);
    assert!(bitext.beads.iter().all(|b| b.score > 0.5 && b.score <= 1.0));

    let out = wd.run(&[
        "align", "--lines", "src.txt", "tgt.txt", "--mt", "mt.txt", "--format", "tsv",
    ]);
    let tsv = stdout(&out);
    assert!(
        tsv.starts_with(
            "bead\tsource\ttarget\ttype\tscore\n0\tDer Gletscher schmilzt.\tLe glacier fond.\t1-1\t"
        ),
        "{tsv}"
    );
    let out = wd.run(&["align", "--lines", "src.txt", "tgt.txt"]);
    assert_eq!(stdout(&out), "[0]:[0]\n[1]:[1]\n");
}

#[test]
fn segments_paragraph_text_and_aligns_arabic_with_english() {
    let wd = Workdir::new();
    wd.write(
        "ar.txt",
        "قال وزير الدفاع إن 2500 جندي سيبقون. وأكد أن الشراكة مع NATO قوية.\n\nوصل الوزير يوم الثلاثاء.",
    );
    wd.write(
        "en.txt",
        "The defence minister said 2,500 soldiers would stay. He stressed that the partnership with NATO is strong.\n\nThe minister arrived on Tuesday.",
    );
    let out = wd.run(&["align", "ar.txt", "en.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[0]:[0]\n[1]:[1]\n[2]:[2]\n");
}

#[test]
fn mt_with_the_wrong_number_of_lines_is_one_clear_error() {
    let wd = Workdir::new();
    wd.write("src.txt", "a\nb\nc\n");
    wd.write("tgt.txt", "a\nb\n");
    wd.write("mt.txt", "a\nb\n");
    let out = wd.run(&["align", "--lines", "src.txt", "tgt.txt", "--mt", "mt.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("tarjama: error: mt.txt: 2 lines, but src.txt has 3 sentences"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert!(!wd.path().join("out").exists());
    let out = wd.run(&[
        "align",
        "--lines",
        "src.txt",
        "tgt.txt",
        "--mt-target",
        "src.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("tarjama: error: src.txt: 3 lines, but tgt.txt has 2 sentences; give the MT one line per target sentence"),
        "{err}"
    );
}

#[test]
fn empty_target_gives_omission_beads() {
    let wd = Workdir::new();
    wd.write("src.txt", "a\nb\n");
    wd.write("tgt.txt", "");
    let out = wd.run(&["align", "--lines", "src.txt", "tgt.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "[0]:[]\n[1]:[]\n");
}
