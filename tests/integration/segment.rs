//! `tarjama split` and `tarjama eval segment` through the real binary.

use crate::util::{Workdir, eval_file, repo_file, stderr, stdout};

/// PUD boundary F1 achieved when this test was written (P 1.0, R 601/603): the gate for
/// regressions. Raise it when the segmenter gets better, never lower it.
const PUD_F1_BASELINE: f64 = 0.998338;

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn seed_article_reproduces_the_gold_exactly() {
    let wd = Workdir::new();
    let article = repo_file("corpora/austin-baghdad/ar.txt");
    let out = wd.run(&["split", article.to_str().unwrap(), "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = json_lines(&stdout(&out));
    let gold_text =
        std::fs::read_to_string(repo_file("corpora/austin-baghdad/ar.sentences.jsonl")).unwrap();
    let gold = json_lines(&gold_text);
    assert_eq!(got.len(), 26);
    assert_eq!(got, gold);
    // text is exactly input[start..end].
    let input = std::fs::read_to_string(&article).unwrap();
    for record in &got {
        let (start, end) = (
            record["start"].as_u64().unwrap(),
            record["end"].as_u64().unwrap(),
        );
        assert_eq!(record["text"], input[start as usize..end as usize]);
    }
}

#[test]
fn bom_crlf_and_formats_from_stdin() {
    let wd = Workdir::new();
    let input = "\u{FEFF}عنوان الخبر\r\n\r\nقال د. أحمد إن النمو بلغ ٢٫٥ في المئة. وأضاف: «لا».\r\n";
    let out = wd.run_with_stdin(&["split", "-", "--format", "jsonl"], input.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    let records = json_lines(&stdout(&out));
    let summary: Vec<(u64, u64, &str)> = records
        .iter()
        .map(|r| {
            (
                r["id"].as_u64().unwrap(),
                r["para"].as_u64().unwrap(),
                r["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, 0, "عنوان الخبر"),
            (1, 1, "قال د. أحمد إن النمو بلغ ٢٫٥ في المئة."),
            (2, 1, "وأضاف: «لا».")
        ]
    );
    assert_eq!(records[0]["start"], 3, "the BOM stays outside the span");

    let out = wd.run_with_stdin(&["split", "--format", "tsv"], input.as_bytes());
    assert_eq!(stdout(&out).lines().nth(2).unwrap(), "2\t1\tوأضاف: «لا».");
    let out = wd.run_with_stdin(
        &["split", "--join-lines"],
        "سطر أول\nيكمل هنا. جملة".as_bytes(),
    );
    assert_eq!(stdout(&out), "سطر أول يكمل هنا.\nجملة\n");
}

#[test]
fn empty_input_gives_no_sentences() {
    let out = Workdir::new().run_with_stdin(&["split", "--format", "jsonl"], b"");
    assert!(out.status.success());
    assert_eq!(stdout(&out), "");
}

#[test]
fn english_text_is_detected() {
    let out = Workdir::new().run_with_stdin(
        &["split"],
        b"Mr. Smith arrived at 10.30 a.m. on Monday. He left.",
    );
    assert_eq!(
        stdout(&out),
        "Mr. Smith arrived at 10.30 a.m. on Monday.\nHe left.\n"
    );
}

fn eval_json(args: &[&str]) -> serde_json::Value {
    let out = Workdir::new().run(args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(stdout(&out).trim()).unwrap()
}

#[test]
fn pud_f1_does_not_drop_below_the_baseline() {
    let pud = eval_file("ud_arabic_pud/docs.jsonl");
    let score = eval_json(&["eval", "segment", pud.to_str().unwrap(), "--json"]);
    assert_eq!(score["docs"], 397);
    assert_eq!(score["gold_boundaries"], 603);
    let f1 = score["f1"].as_f64().unwrap();
    assert!(
        f1 >= PUD_F1_BASELINE,
        "PUD F1 {f1} < baseline {PUD_F1_BASELINE}"
    );
}

#[test]
fn pud_english_side_scores_perfectly() {
    let pud = eval_file("ud_arabic_pud/docs.jsonl");
    let args = ["eval", "segment", pud.to_str().unwrap(), "--json"];
    let english = [
        &args[..],
        &["--sentences-field", "sentences_en", "--lang", "en"],
    ]
    .concat();
    let score = eval_json(&english);
    assert_eq!(score["gold_boundaries"], 603);
    assert_eq!(score["f1"], 1.0, "{score}");
}

#[test]
fn all_active_sentencex_cases_pass() {
    let cases = eval_file("sentencex_ar/cases.jsonl");
    let score = eval_json(&["eval", "segment", cases.to_str().unwrap(), "--json"]);
    assert_eq!(score["docs"], 3, "three cases are active in sentencex");
    assert_eq!(score["docs_exact"], score["docs"], "{score}");
    assert_eq!(score["f1"], 1.0);
}

#[test]
fn every_quotation_case_passes() {
    let cases = eval_file("quotes_ar/cases.jsonl");
    let score = eval_json(&["eval", "segment", cases.to_str().unwrap(), "--json"]);
    assert_eq!(score["docs"], 22);
    assert_eq!(score["gold_boundaries"], 30);
    assert_eq!(score["docs_exact"], score["docs"], "{score}");
    assert_eq!(score["f1"], 1.0);
}

#[test]
fn seed_gold_scores_perfectly_and_the_gate_can_fail() {
    let wd = Workdir::new();
    let gold = repo_file("corpora/austin-baghdad/ar.sentences.jsonl");
    let text = repo_file("corpora/austin-baghdad/ar.txt");
    let args = [
        "eval",
        "segment",
        gold.to_str().unwrap(),
        "--text",
        text.to_str().unwrap(),
        "--min-f1",
        "1",
    ];
    let out = wd.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1.0000  1.0000  1.0000"),
        "{}",
        stdout(&out)
    );

    // Gold that wants a split where no terminator is: recall drops, the gate fails (exit 1).
    let wrong = wd.write(
        "wrong.jsonl",
        "{\"id\": \"x\", \"sentences\": [\"بدون نهاية\", \"ثم جملة.\"]}\n",
    );
    let out = wd.run(&[
        "eval",
        "segment",
        wrong.to_str().unwrap(),
        "--min-f1",
        "0.9",
        "-v",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missed x @"), "{}", stdout(&out));
}

#[test]
fn bad_gold_is_one_clear_error() {
    let wd = Workdir::new();
    let gold = wd.write("gold.jsonl", "{\"sentences\": [\"a.\"]}\nnot json\n");
    let out = wd.run(&["eval", "segment", gold.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("tarjama: error: "), "{err}");
    assert!(err.contains("gold.jsonl:2: not a JSON object"), "{err}");
    assert_eq!(stdout(&out), "", "nothing printed before the error");
    let spans = wd.write("spans.jsonl", "{\"start\": 0, \"end\": 5}\n");
    let out = wd.run(&["eval", "segment", spans.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("pass --text FILE"),
        "{}",
        stderr(&out)
    );
}
