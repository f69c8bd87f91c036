//! `tarjama export`: snapshots of every format, TMX validation against the TMX 1.4b DTD with
//! xmllint, XLIFF structure (and the OASIS schema when one is available), and the HTML report
//! rendered in a real headless Chromium.
//!
//! Snapshots live in `tests/fixtures/expected/`; regenerate them with
//! `TARJAMA_BLESS=1 cargo test --test integration output::` and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Workdir, eval_file, repo_file, stderr, stdout};

const FIXTURE: &str = "tests/fixtures/bitext.jsonl";

/// The fixture copied into a fresh work folder as `bitext.jsonl`.
pub fn workdir_with_fixture() -> Workdir {
    let wd = Workdir::new();
    wd.write(
        "bitext.jsonl",
        std::fs::read(repo_file(FIXTURE)).expect("fixture"),
    );
    wd
}

fn export(wd: &Workdir, args: &[&str]) -> String {
    let out = wd.run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Compares `actual` with the committed snapshot (the crate version is normalised so that a
/// version bump does not invalidate every snapshot).
fn check_snapshot(name: &str, actual: &str) {
    let path = repo_file(&format!("tests/fixtures/expected/{name}"));
    let actual = actual.replace(env!("CARGO_PKG_VERSION"), "{VERSION}");
    if std::env::var_os("TARJAMA_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; create it with TARJAMA_BLESS=1",
            path.display()
        )
    });
    if expected != actual {
        let (line, (want, got)) = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, pair)| (i + 1, pair))
            .unwrap_or((
                expected.lines().count().min(actual.lines().count()) + 1,
                ("<end>", "<end>"),
            ));
        panic!(
            "{name} differs from its snapshot at line {line}:\n  expected: {want}\n  actual:   {got}\n(if the change is intended: TARJAMA_BLESS=1 cargo test --test integration output::, then review the diff)"
        );
    }
}

#[test]
fn every_format_matches_its_snapshot() {
    let wd = workdir_with_fixture();
    for (format, file) in [
        ("tsv", "bitext.tsv"),
        ("tmx", "bitext.tmx"),
        ("xliff", "bitext.xlf"),
        ("html", "bitext.html"),
        ("md", "bitext.md"),
    ] {
        let text = export(&wd, &["export", "bitext.jsonl", "--format", format]);
        check_snapshot(file, &text);
    }
    let all = export(&wd, &["export", "bitext.jsonl", "--format", "tmx", "--all"]);
    check_snapshot("bitext.all.tmx", &all);
}

#[test]
fn output_file_is_written_atomically_and_errors_are_one_line() {
    let wd = workdir_with_fixture();
    let out = wd.run(&[
        "export",
        "bitext.jsonl",
        "-f",
        "html",
        "-o",
        "out/report.html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wd.path().join("out/report.html").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(wd.path().join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    wd.write("bad.jsonl", "{\"type\":\"header\",\"schema\":1,\"source_lang\":\"ar\",\"target_lang\":\"en\"}\n{\"type\":\"bead\",\"id\":0,\"source\":[3],\"target\":[],\"score\":1}\n");
    let out = wd.run(&["export", "bad.jsonl", "--format", "tmx", "-o", "bad.tmx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("tarjama: error: bad.jsonl:2: bead 0 is not monotone"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!wd.path().join("bad.tmx").exists());

    let out = wd.run(&["export", "bitext.jsonl", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A bitext whose texts carry everything an escaper can get wrong.
fn hostile_bitext(wd: &Workdir) -> PathBuf {
    let lines = [
        r#"{"type":"header","schema":1,"source_lang":"ar","target_lang":"en","source_file":"<b>&amp;\"x\".txt"}"#,
        r#"{"type":"sentence","side":"source","id":0,"para":0,"text":"<script>document.title='pwned'</script> ]]> & \u0001\u200f\u202bقال \"هنا\"\ttab\r\nline"}"#,
        r#"{"type":"sentence","side":"target","id":0,"para":0,"text":"</td></tr></table><img src=x onerror=\"document.title='pwned'\"> 😀 \u000b"}"#,
        r#"{"type":"bead","id":0,"source":[0],"target":[0],"score":0.5}"#,
        r#"{"type":"flag","code":"x<y>","severity":"error","source":[0],"target":[0],"bead":0,"message":"<i>m</i>","evidence":"\"e\" & ع"}"#,
    ];
    wd.write("hostile.jsonl", lines.join("\n") + "\n")
}

fn xmllint() -> Option<PathBuf> {
    let ok = Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(PathBuf::from("xmllint"))
    } else {
        eprintln!(
            "SKIPPED: xmllint not installed (Debian package libxml2-utils); TMX DTD validation not run"
        );
        None
    }
}

/// The TMX 1.4b DTD from the evaluation data.
fn dtd() -> PathBuf {
    eval_file("schemas/tmx14.dtd")
}

#[test]
fn tmx_is_valid_against_the_tmx14_dtd() {
    let dtd = dtd();
    let Some(xmllint) = xmllint() else { return };
    let wd = workdir_with_fixture();
    hostile_bitext(&wd);
    let mut checked = 0;
    for (input, extra) in [
        ("bitext.jsonl", None),
        ("bitext.jsonl", Some("--all")),
        ("hostile.jsonl", None),
    ] {
        let mut args = vec!["export", input, "--format", "tmx", "-o", "check.tmx"];
        args.extend(extra);
        let out = wd.run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let lint = Command::new(&xmllint)
            .arg("--noout")
            .arg("--dtdvalid")
            .arg(&dtd)
            .arg(wd.path().join("check.tmx"))
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "{input} {extra:?}: xmllint says\n{}",
            String::from_utf8_lossy(&lint.stderr)
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn xliff_has_the_core_structure_and_validates_when_a_schema_is_given() {
    let wd = workdir_with_fixture();
    hostile_bitext(&wd);
    for input in ["bitext.jsonl", "hostile.jsonl"] {
        let text = export(&wd, &["export", input, "--format", "xliff"]);
        let doc = tarjama::output::xliff::read(&text, input).unwrap();
        assert_eq!(doc.version, "2.0");
        assert_eq!(doc.files, ["f1"]);
        assert!(text.contains("<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"ar\" trgLang=\"en\">"));
        for segment in &doc.segments {
            let state = segment.state.as_deref().unwrap_or("initial");
            assert!(tarjama::output::xliff::STATES.contains(&state), "{state}");
        }
        wd.write("check.xlf", &text);
        validate_with_xsd(&wd.path().join("check.xlf"));
    }
}

/// Validates against the OASIS XLIFF 2.0 core schema named by `TARJAMA_XLIFF_XSD`, if set.
fn validate_with_xsd(file: &Path) {
    let Some(xsd) = std::env::var_os("TARJAMA_XLIFF_XSD") else {
        eprintln!(
            "SKIPPED: XSD validation of XLIFF (set TARJAMA_XLIFF_XSD to xliff_core_2.0.xsd to run it); structure checked in Rust"
        );
        return;
    };
    let Some(xmllint) = xmllint() else { return };
    let lint = Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
}

#[test]
fn tsv_parses_back_to_the_beads() {
    let wd = workdir_with_fixture();
    let text = export(&wd, &["export", "bitext.jsonl", "--format", "tsv"]);
    let bitext = tarjama::bitext::Bitext::read_path(&repo_file(FIXTURE)).unwrap();
    let table =
        tarjama::output::tsv::read_table(&text, "x", &tarjama::output::tsv::COLUMNS).unwrap();
    assert_eq!(table.rows.len(), bitext.beads.len());
    for ((_, row), bead) in table.rows.iter().zip(&bitext.beads) {
        assert_eq!(row[0], bead.id.to_string());
        assert_eq!(
            row[1],
            bitext.text_of(tarjama::bitext::Side::Source, &bead.source)
        );
        assert_eq!(row[3], bead.kind());
    }
}

// ---- HTML in a real browser ----

/// The Chromium binary, or `None` (with a note) when it is not installed.
fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if found {
            return Some(name);
        }
    }
    eprintln!(
        "SKIPPED: Chromium not installed (Debian package chromium); HTML report not rendered"
    );
    None
}

/// Runs headless Chromium on a local file with its own profile folder; kills it after 60 s.
fn headless(browser: &str, wd: &Workdir, file: &Path, extra: &[&str]) -> Output {
    let profile = wd
        .path()
        .join(format!("chromium-profile-{}", fastrand::u32(..)));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", file.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut text).map(|_| text)
    });
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: reader.join().unwrap().unwrap(),
        stderr: Vec::new(),
    }
}

#[test]
fn html_report_renders_in_chromium() {
    let Some(browser) = chromium() else { return };
    let wd = workdir_with_fixture();
    export(
        &wd,
        &["export", "bitext.jsonl", "-f", "html", "-o", "report.html"],
    );
    let report = wd.path().join("report.html");

    let dom = String::from_utf8(headless(browser, &wd, &report, &["--dump-dom"]).stdout).unwrap();
    assert_eq!(dom.matches("<tr id=\"b").count(), 7, "one row per bead");
    assert_eq!(
        dom.matches("class=\"bead flagged").count(),
        5,
        "flagged rows highlighted"
    );
    assert_eq!(dom.matches("class=\"bead flagged sev-error").count(), 2);
    assert_eq!(
        dom.matches("dir=\"rtl\" lang=\"ar\"").count(),
        7,
        "Arabic cells are RTL"
    );
    assert!(
        dom.contains("7 of 7 beads shown"),
        "the sorting/filtering script ran"
    );
    assert!(dom.contains("<title>tarjama report: corpora/austin-baghdad/ar.txt</title>"));

    // Sorting and filtering preset from the address: riskiest first, warnings and errors only.
    let dom = String::from_utf8(
        headless(
            browser,
            &wd,
            Path::new(&format!("{}#order=risk&severity=warning", report.display())),
            &["--dump-dom"],
        )
        .stdout,
    )
    .unwrap();
    assert!(dom.contains("4 of 7 beads shown"), "{dom}");
    let order: Vec<&str> = dom
        .match_indices("<tr id=\"b")
        .map(|(i, _)| &dom[i + 8..i + 10])
        .collect();
    assert_eq!(
        order[..2],
        ["b3", "b6"],
        "errors first (risk 0.8), then document order"
    );
    assert_eq!(
        dom.matches("\" hidden=\"\">").count(),
        3,
        "three rows filtered out"
    );

    // Without JavaScript (the report with its script removed: headless Chromium cannot dump the
    // DOM with scripting off) the table is complete and the controls stay hidden.
    let html = std::fs::read_to_string(&report).unwrap();
    let script_at = html.rfind("<script>").unwrap();
    let without_script = format!("{}</body>\n</html>\n", &html[..script_at]);
    let plain = wd.write("plain.html", without_script);
    let dom = String::from_utf8(headless(browser, &wd, &plain, &["--dump-dom"]).stdout).unwrap();
    assert!(!dom.contains("<script>"));
    assert_eq!(dom.matches("<tr id=\"b").count(), 7);
    assert!(
        dom.contains("<div id=\"controls\" hidden=\"\"></div>"),
        "{dom}"
    );

    let shot = wd.path().join("report.png");
    headless(
        browser,
        &wd,
        &report,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    let pdf = wd.path().join("report.pdf");
    headless(
        browser,
        &wd,
        &report,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    let pdf = std::fs::read(&pdf).expect("printed to PDF");
    assert!(
        pdf.starts_with(b"%PDF-") && pdf.len() > 10_000,
        "{} bytes",
        pdf.len()
    );

    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

#[test]
fn markup_in_an_article_stays_text_in_chromium() {
    let Some(browser) = chromium() else { return };
    let wd = Workdir::new();
    hostile_bitext(&wd);
    export(
        &wd,
        &[
            "export",
            "hostile.jsonl",
            "-f",
            "html",
            "-o",
            "hostile.html",
        ],
    );
    let dom = String::from_utf8(
        headless(
            browser,
            &wd,
            &wd.path().join("hostile.html"),
            &["--dump-dom"],
        )
        .stdout,
    )
    .unwrap();
    assert!(!dom.contains("pwned</title>"), "the article's script ran");
    assert!(
        dom.contains("<title>tarjama report: &lt;b&gt;&amp;amp;\"x\".txt</title>"),
        "{dom}"
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(
        !dom.contains("<img"),
        "the article's markup became an element"
    );
    assert_eq!(dom.matches("<tr id=\"b").count(), 1);
    assert!(dom.contains("<bdi>\"e\" &amp; ع</bdi>"));
}

#[test]
fn jsonl_export_is_the_same_bitext() {
    let wd = workdir_with_fixture();
    let fixture = std::fs::read(repo_file(FIXTURE)).unwrap();
    let piped = wd.run_with_stdin(&["export", "-", "--format", "jsonl"], &fixture);
    assert!(piped.status.success(), "{}", stderr(&piped));
    let out = wd.run(&[
        "export",
        "bitext.jsonl",
        "--format",
        "jsonl",
        "-o",
        "copy.jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = tarjama::bitext::Bitext::read_path(&wd.path().join("copy.jsonl")).unwrap();
    let original = tarjama::bitext::Bitext::read_path(&repo_file(FIXTURE)).unwrap();
    assert_eq!(copy, original);
    let from_stdin = tarjama::bitext::Bitext::read_jsonl(&piped.stdout[..], "stdout").unwrap();
    assert_eq!(from_stdin, original);
}
