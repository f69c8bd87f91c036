//! The whole job end to end: the README's main command on the seed article, offline, and every
//! output file it writes.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use tarjama::bitext::{Bitext, Severity};

use crate::util::{Workdir, eval_file, repo, repo_file, stderr};

/// Source sentence ids of the passages the hand annotation calls garbled.
fn garbled_passages() -> Vec<Vec<usize>> {
    let text =
        std::fs::read_to_string(repo_file("corpora/austin-baghdad/annotations.tsv")).unwrap();
    let mut passages = BTreeSet::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[1] == "garbled" {
            let ids: Vec<usize> = match cols[2].split_once('-') {
                Some((a, b)) => (a.parse().unwrap()..=b.parse().unwrap()).collect(),
                None => vec![cols[2].parse().unwrap()],
            };
            passages.insert(ids);
        }
    }
    passages.into_iter().collect()
}

/// Runs `tarjama run corpora/austin-baghdad/ar.txt` from the repository root with the committed
/// config, no network access and no provider keys, into a temporary folder.
fn run_seed(wd: &Workdir) -> std::process::Output {
    let out_dir = wd.path().join("out");
    let cache = wd.path().join("cache.sqlite");
    let mut cmd = wd.command(&[
        "run",
        "corpora/austin-baghdad/ar.txt",
        "--out",
        out_dir.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
    ]);
    cmd.current_dir(repo());
    cmd.output().unwrap()
}

#[test]
fn the_main_command_writes_every_output_offline_with_the_garbled_passages_flagged() {
    let wd = Workdir::new();
    let out = run_seed(&wd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        summary.contains("26 from memory, 0 from cache, 0 from the network"),
        "{summary}"
    );
    let dir = wd.path().join("out");

    // The canonical bitext reads back and carries the flags.
    let bitext = Bitext::read_path(&dir.join("bitext.jsonl")).unwrap();
    assert_eq!(bitext.source.len(), 26);
    assert_eq!(bitext.beads.len(), 26);
    let tsv = std::fs::read_to_string(dir.join("aligned.tsv")).unwrap();
    let tmx = std::fs::read_to_string(dir.join("aligned.tmx")).unwrap();
    let xliff = std::fs::read_to_string(dir.join("aligned.xlf")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();

    for passage in garbled_passages() {
        let flagged: Vec<_> = bitext
            .beads
            .iter()
            .filter(|b| b.source.iter().any(|s| passage.contains(s)))
            .filter(|b| {
                bitext
                    .flags_for_bead(b)
                    .iter()
                    .any(|f| f.severity >= Severity::Warning)
            })
            .collect();
        assert!(
            !flagged.is_empty(),
            "garbled passage {passage:?} has no warning in bitext.jsonl"
        );
        for bead in flagged {
            let id = bead.id;
            let row = tsv
                .lines()
                .find(|l| l.starts_with(&format!("{id}\t")))
                .unwrap();
            assert!(
                row.contains("warning") || row.contains("error"),
                "TSV row {id}: {row}"
            );
            let tu = &tmx[tmx.find(&format!("<tu tuid=\"{id}\"")).unwrap()..];
            let tu = &tu[..tu.find("</tu>").unwrap()];
            assert!(tu.contains("x-tarjama-flag\">warning"), "TMX tu {id}: {tu}");
            assert!(
                xliff.contains(&format!("<segment id=\"b{id}\" state=\"initial\"")),
                "XLIFF segment b{id}"
            );
            assert!(
                xliff.contains(&format!("[b{id}] warning")),
                "XLIFF note for b{id}"
            );
            let tr = &html[html.find(&format!("<tr id=\"b{id}\"")).unwrap()..];
            assert!(
                tr[..200].contains("flagged sev-warning")
                    || tr[..200].contains("flagged sev-error"),
                "HTML row b{id}"
            );
        }
    }

    // TSV parses back to the same beads (one line per bead, escapes undone).
    let unescape = |s: &str| {
        s.replace("\\t", "\t")
            .replace("\\n", "\n")
            .replace("\\r", "\r")
            .replace("\\\\", "\\")
    };
    let rows: Vec<Vec<&str>> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), bitext.beads.len());
    for (row, bead) in rows.iter().zip(&bitext.beads) {
        assert_eq!(row[0], bead.id.to_string());
        assert_eq!(
            unescape(row[1]),
            bitext.text_of(tarjama::bitext::Side::Source, &bead.source)
        );
        assert_eq!(
            unescape(row[2]),
            bitext.text_of(tarjama::bitext::Side::Target, &bead.target)
        );
        assert_eq!(row[3], bead.kind());
    }

    // TMX is valid against the TMX 1.4b DTD; XLIFF is well-formed XLIFF 2.0.
    validate_tmx(&dir.join("aligned.tmx"));
    assert!(xliff.contains("xmlns=\"urn:oasis:names:tc:xliff:document:2.0\""));
    assert!(xliff.contains("srcLang=\"ar\"") && xliff.contains("trgLang=\"en\""));
    assert!(html.contains("dir=\"rtl\"") && html.contains("lang=\"ar\""));
}

#[test]
fn a_second_run_gives_the_same_beads_and_flags() {
    let wd = Workdir::new();
    assert_eq!(run_seed(&wd).status.code(), Some(0));
    let first = Bitext::read_path(&wd.path().join("out/bitext.jsonl")).unwrap();
    assert_eq!(run_seed(&wd).status.code(), Some(0));
    let second = Bitext::read_path(&wd.path().join("out/bitext.jsonl")).unwrap();
    assert_eq!(first.beads, second.beads);
    assert_eq!(first.flags, second.flags);
    assert_eq!(first.target, second.target);
}

#[test]
fn fail_on_warning_is_a_quality_gate_with_exit_code_1() {
    let wd = Workdir::new();
    let out_dir = wd.path().join("out");
    let mut cmd = wd.command(&[
        "run",
        "corpora/austin-baghdad/ar.txt",
        "--out",
        out_dir.to_str().unwrap(),
        "--fail-on",
        "warning",
        "--formats",
        "jsonl,html",
    ]);
    cmd.current_dir(repo());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out_dir.join("bitext.jsonl").exists() && out_dir.join("report.html").exists());
    assert!(
        !out_dir.join("aligned.tmx").exists(),
        "--formats was not honoured"
    );
}

#[test]
fn bad_article_is_one_line_and_exit_2_with_no_output_folder() {
    let wd = Workdir::new();
    let article = wd.write("bad.txt", b"\xd8\xa7\xff");
    let out_dir = wd.path().join("out");
    let mut cmd = wd.command(&[
        "run",
        article.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    cmd.current_dir(repo());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid UTF-8 at byte 2"), "{err}");
    assert!(!out_dir.exists());
}

fn validate_tmx(path: &Path) {
    let dtd = eval_file("schemas/tmx14.dtd");
    match Command::new("xmllint")
        .args(["--noout", "--dtdvalid"])
        .arg(&dtd)
        .arg(path)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "xmllint: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("skipped: xmllint is not installed (Debian package libxml2-utils)"),
    }
}
