//! `tarjama review`: a scripted session, an interrupted session that resumes, an XLIFF round trip
//! through a "CAT tool" (text edits), a TSV import, and refusal of mismatched imports.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tarjama::bitext::{Action, Bitext};

use crate::output::workdir_with_fixture;
use crate::util::{Workdir, stderr, stdout};

fn load(wd: &Workdir) -> Bitext {
    Bitext::read_path(&wd.path().join("bitext.jsonl")).expect("the bitext stays valid")
}

/// `(bead, action)` of the decisions after the fixture's own three.
fn new_decisions(bitext: &Bitext) -> Vec<(usize, Action)> {
    bitext.decisions[3..]
        .iter()
        .map(|d| (d.bead, d.action))
        .collect()
}

#[test]
fn scripted_session_records_every_decision() {
    let wd = workdir_with_fixture();
    let out = wd.run_with_stdin(
        &["review", "bitext.jsonl", "--reviewer", "lina"],
        "r\nno counterpart in the translation\ne\nToday, Baghdad keeps very strong ties with Washington.\na\n".as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("3 flagged beads to review, riskiest first."),
        "{text}"
    );
    assert!(text.contains("── [1/3] bead 6"));
    assert!(text.contains("3 decided, 0 skipped, 0 still to review."));
    let bitext = load(&wd);
    assert_eq!(
        new_decisions(&bitext),
        [(6, Action::Reject), (5, Action::Edit), (0, Action::Accept)]
    );
    let edit = &bitext.decisions[4];
    assert_eq!(
        edit.text.as_deref(),
        Some("Today, Baghdad keeps very strong ties with Washington.")
    );
    assert_eq!(edit.reviewer.as_deref(), Some("lina"));
    assert!(edit.time.as_deref().is_some_and(|t| t.ends_with('Z')));

    // Every later export shows the decisions.
    let tmx = stdout(&wd.run(&["export", "bitext.jsonl", "-f", "tmx"]));
    assert!(tmx.contains("<seg>Today, Baghdad keeps very strong ties with Washington.</seg>"));
    assert!(!tmx.contains("tuid=\"6\""));
    let html = stdout(&wd.run(&["export", "bitext.jsonl", "-f", "html"]));
    assert!(html.contains("<p>Nothing left to review.</p>"));
    assert!(html.contains("<span class=\"action\">reject</span><div class=\"note\"><bdi>no counterpart in the translation</bdi></div>"));
    let tsv = stdout(&wd.run(&["export", "bitext.jsonl", "-f", "tsv"]));
    assert!(
        tsv.lines()
            .nth(7)
            .unwrap()
            .contains("\treject\tno counterpart")
    );
}

#[test]
fn killed_session_loses_nothing_and_resumes() {
    let wd = workdir_with_fixture();
    let mut child = wd
        .command(&["review", "bitext.jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"g\nthe sentence is cut off\n").unwrap();
    stdin.flush().unwrap();
    // Wait until the decision is on disk, then kill the session while it waits for the next answer.
    let deadline = Instant::now() + Duration::from_secs(20);
    while load(&wd).decisions.len() < 4 {
        assert!(Instant::now() < deadline, "the decision was not saved");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert_eq!(new_decisions(&load(&wd)), [(6, Action::Garbled)]);

    // The next session starts with the beads still undecided; quitting is clean.
    let out = wd.run_with_stdin(&["review", "bitext.jsonl"], b"s\nq\n");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("2 flagged beads to review"), "{text}");
    assert!(text.contains("── [1/2] bead 5"));
    assert!(text.contains("0 decided, 1 skipped, 2 still to review."));

    // End of input is a clean quit too; then the queue runs out.
    let out = wd.run_with_stdin(&["review", "bitext.jsonl"], b"a\na\n");
    assert!(out.status.success());
    let out = wd.run_with_stdin(&["review", "bitext.jsonl"], b"");
    assert_eq!(
        stdout(&out),
        "Nothing to review: 5 flagged beads, all decided.\n"
    );
    assert_eq!(
        new_decisions(&load(&wd)),
        [
            (6, Action::Garbled),
            (5, Action::Accept),
            (0, Action::Accept)
        ]
    );
    let leftovers = std::fs::read_dir(wd.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn xliff_round_trip_with_edits() {
    let wd = workdir_with_fixture();
    let out = wd.run(&["export", "bitext.jsonl", "-f", "xliff", "-o", "review.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // What a reviewer does in a CAT tool: edit a target, confirm segments, reject one.
    let exported = std::fs::read_to_string(wd.path().join("review.xlf")).unwrap();
    let reviewed = exported
        .replace(
            "<target>Today, Baghdad maintains very strong relations with Washington, especially at the military level.</target>",
            "<target>Today, Baghdad maintains very strong relations with Washington &lt;military&gt;, even as Iraq leans on Iran.</target>",
        )
        .replace(
            "<segment id=\"b0\" state=\"initial\" subState=\"tarjama:flagged\">",
            "<segment id=\"b0\" state=\"reviewed\">",
        )
        .replace(
            "<segment id=\"b6\" state=\"initial\" subState=\"tarjama:flagged\">",
            "<segment id=\"b6\" state=\"reviewed\" subState=\"tarjama:rejected\">",
        );
    assert_ne!(reviewed, exported);
    wd.write("reviewed.xlf", &reviewed);
    let out = wd.run(&[
        "review",
        "bitext.jsonl",
        "--import",
        "reviewed.xlf",
        "--reviewer",
        "cat",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("tarjama: imported 3 decisions from reviewed.xlf (1 accept, 1 edit, 1 reject); 0 flagged beads still to review"),
        "{}",
        stderr(&out)
    );
    let bitext = load(&wd);
    assert_eq!(
        new_decisions(&bitext),
        [(0, Action::Accept), (5, Action::Edit), (6, Action::Reject)]
    );
    assert_eq!(
        bitext.decisions[4].text.as_deref(),
        Some(
            "Today, Baghdad maintains very strong relations with Washington <military>, even as Iraq leans on Iran."
        )
    );

    // Importing the same file again changes nothing.
    let before = std::fs::read(wd.path().join("bitext.jsonl")).unwrap();
    let out = wd.run(&["review", "bitext.jsonl", "--import", "reviewed.xlf"]);
    assert!(
        stderr(&out).starts_with("tarjama: imported 0 decisions"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(wd.path().join("bitext.jsonl")).unwrap(),
        before
    );

    // The next XLIFF export carries the decisions as states.
    let again = stdout(&wd.run(&["export", "bitext.jsonl", "-f", "xliff"]));
    let doc = tarjama::output::xliff::read(&again, "again.xlf").unwrap();
    let states: Vec<_> = doc
        .segments
        .iter()
        .map(|s| (s.state.clone().unwrap(), s.sub_state.clone()))
        .collect();
    assert_eq!(states[0], ("final".into(), None));
    assert_eq!(states[5], ("final".into(), None));
    assert_eq!(
        states[6],
        ("reviewed".into(), Some("tarjama:rejected".into()))
    );
    assert!(
        doc.segments[5]
            .target
            .as_deref()
            .unwrap()
            .contains("<military>")
    );
}

#[test]
fn mismatched_imports_are_refused_and_nothing_is_applied() {
    let wd = workdir_with_fixture();
    let exported = stdout(&wd.run(&["export", "bitext.jsonl", "-f", "xliff"]));
    let before = std::fs::read(wd.path().join("bitext.jsonl")).unwrap();
    let cases = [
        (
            "source.xlf",
            exported
                .replace(
                    "<segment id=\"b0\" state=\"initial\" subState=\"tarjama:flagged\">",
                    "<segment id=\"b0\" state=\"final\">",
                )
                .replace("فتح الغزو", "فتحت الحرب"),
            "segment b4: the source text differs from bead 4 of the bitext",
        ),
        (
            "ids.xlf",
            exported.replace("<segment id=\"b6\"", "<segment id=\"b60\""),
            "unknown segment id \"b60\"",
        ),
        (
            "broken.xlf",
            exported.replace("</unit>", ""),
            "not well-formed XML",
        ),
        (
            "decisions.tsv",
            "bead\taction\ttext\tnote\n0\taccept\t\t\n12\treject\t\t\n".to_string(),
            "decisions.tsv:3: unknown bead \"12\"",
        ),
    ];
    for (file, text, expected) in cases {
        wd.write(file, &text);
        let out = wd.run(&["review", "bitext.jsonl", "--import", file]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("tarjama: error: {file}:")),
            "{err}"
        );
        assert!(err.contains(expected), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(
            std::fs::read(wd.path().join("bitext.jsonl")).unwrap(),
            before,
            "{file}: nothing may be applied"
        );
    }
}

#[test]
fn tsv_of_decisions_is_applied() {
    let wd = workdir_with_fixture();
    wd.write(
        "decisions.tsv",
        "bead\taction\ttext\tnote\n6\tgarbled\t\tthe last sentence is cut off\n5\tedit\tToday, Baghdad keeps strong ties\\nwith Washington.\t\n1\t\t\t\n",
    );
    let out = wd.run(&["review", "bitext.jsonl", "--import", "decisions.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bitext = load(&wd);
    assert_eq!(
        new_decisions(&bitext),
        [(6, Action::Garbled), (5, Action::Edit)]
    );
    assert_eq!(
        bitext.decisions[4].text.as_deref(),
        Some("Today, Baghdad keeps strong ties\nwith Washington.")
    );
    let out = wd.run(&["review", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give its path instead of '-'"));
}

/// A real terminal: the session in tmux, answered with keystrokes, stopped with Ctrl-C.
#[test]
fn session_in_tmux_survives_ctrl_c() {
    let tmux_ok = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tmux_ok {
        eprintln!("SKIPPED: tmux not installed; terminal session not tested");
        return;
    }
    let wd = workdir_with_fixture();
    let socket = format!("tarjama-test-{}", fastrand::u64(..));
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .output()
            .unwrap()
    };
    let command = format!(
        "XDG_CONFIG_HOME=.xdg-config '{}' review bitext.jsonl --wrap 60; echo EXIT=$?; sleep 30",
        crate::util::bin().display()
    );
    let dir = wd.path().display().to_string();
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "160",
        "-y",
        "50",
        "-c",
        &dir,
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let screen = || {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", "t", "-S", "-200"]).stdout)
            .into_owned()
    };
    let wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = screen();
            if text.contains(what) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what:?}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let first = wait_for("[q]uit >");
    assert!(first.contains("bead 6"), "{first}");
    tmux(&["send-keys", "-t", "t", "r", "Enter", "Enter"]);
    wait_for("Saved: bead 6 reject.");
    wait_for("── [2/3] bead 5");
    tmux(&["send-keys", "-t", "t", "C-c"]);
    let end = wait_for("EXIT=");
    tmux(&["kill-server"]);
    assert!(end.contains("EXIT=130"), "{end}");
    assert_eq!(new_decisions(&load(&wd)), [(6, Action::Reject)]);
}

// ---- nothing lost: re-runs, concurrent reviewers, kills ----

/// Temporary files left in a folder.
fn temp_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_rerun_keeps_every_decision_and_marks_changed_ones_stale() {
    use crate::serve::{run_seed, seed};
    let wd = Workdir::new();
    let path = seed(&wd);
    wd.write(
        "decisions.tsv",
        "bead\taction\ttext\tnote\n1\taccept\t\t\n12\tedit\tIt was founded in Iraq in 2017.\t\n14\tgarbled\t\tcut\n",
    );
    let out = wd.run(&["review", "out/bitext.jsonl", "--import", "decisions.tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decided = |b: &Bitext| {
        b.latest_decisions()
            .iter()
            .map(|(&id, d)| (id, d.action))
            .collect::<Vec<_>>()
    };
    let expected = [
        (1, Action::Accept),
        (12, Action::Edit),
        (14, Action::Garbled),
    ];
    assert_eq!(decided(&Bitext::read_path(&path).unwrap()), expected);

    // Re-run on the same folder: 3 decisions before, 3 after, and the outputs show them.
    let out = run_seed(&wd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));
    let again = Bitext::read_path(&path).unwrap();
    assert_eq!(decided(&again), expected);
    let tsv = std::fs::read_to_string(wd.path().join("out/aligned.tsv")).unwrap();
    assert!(tsv.contains("It was founded in Iraq in 2017."), "{tsv}");

    // A decision made on a text the new run no longer produces is kept as stale, with a warning.
    let text = std::fs::read_to_string(&path).unwrap();
    let target_14 = again.text_of(tarjama::bitext::Side::Target, &again.beads[14].target);
    let old_json = serde_json::to_string(&target_14).unwrap();
    let changed = text.replacen(&old_json, "\"An older translation.\"", 1);
    assert_ne!(changed, text);
    std::fs::write(&path, changed).unwrap();
    let mut old = Bitext::read_path(&path).unwrap();
    // The decision on 14 was made on the older translation.
    let basis = old.basis(&old.beads[14]);
    for d in old.decisions.iter_mut().filter(|d| d.bead == 14) {
        d.set_basis(basis.clone());
    }
    let mut buffer = Vec::new();
    old.write_jsonl(&mut buffer).unwrap();
    std::fs::write(&path, buffer).unwrap();
    let out = run_seed(&wd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: 1 review decisions concern sentences whose text changed"),
        "{}",
        stderr(&out)
    );
    let after = Bitext::read_path(&path).unwrap();
    assert_eq!(decided(&after), [(1, Action::Accept), (12, Action::Edit)]);
    assert_eq!(after.stale.len(), 1);
    assert_eq!(
        (after.stale[0].bead, after.stale[0].action),
        (14, Action::Garbled)
    );
    assert!(temp_files(&wd.path().join("out")).is_empty());
}

#[test]
fn two_terminal_reviewers_and_importers_keep_every_decision() {
    let wd = workdir_with_fixture();
    let spawn = || {
        wd.command(&["review", "bitext.jsonl"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Both sessions load the file before either decides.
    let mut a = spawn();
    let mut b = spawn();
    std::thread::sleep(Duration::from_millis(300));
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while load(&wd).decisions.len() < n {
            assert!(Instant::now() < deadline, "decision {n} was not saved");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let mut a_in = a.stdin.take().unwrap();
    let mut b_in = b.stdin.take().unwrap();
    a_in.write_all(b"a\n").unwrap(); // bead 6
    a_in.flush().unwrap();
    wait_for(4);
    b_in.write_all(b"s\nr\nnot in the source\n").unwrap(); // skips 6, rejects 5
    b_in.flush().unwrap();
    wait_for(5);
    a_in.write_all(b"s\ng\n\n").unwrap(); // skips 5, garbled 0
    a_in.flush().unwrap();
    wait_for(6);
    drop(a_in);
    drop(b_in);
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    assert_eq!(
        new_decisions(&load(&wd)),
        [
            (6, Action::Accept),
            (5, Action::Reject),
            (0, Action::Garbled)
        ]
    );

    // Six importers at once, each with decisions on other beads: all of them land.
    let mut children = Vec::new();
    for k in 0..6 {
        let file = format!("d{k}.tsv");
        let mut text = String::from("bead\taction\ttext\tnote\n");
        for round in 0..4 {
            text.push_str(&format!(
                "{}\taccept\t\tfrom importer {k} round {round}\n",
                k % 7
            ));
        }
        wd.write(&file, text);
        children.push(
            wd.command(&["review", "bitext.jsonl", "--import", &file])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let notes: Vec<String> = load(&wd)
        .decisions
        .iter()
        .filter_map(|d| d.note.clone())
        .filter(|n| n.starts_with("from importer"))
        .collect();
    assert_eq!(notes.len(), 24, "{notes:?}");
}

#[test]
fn killing_writers_at_any_moment_leaves_a_whole_bitext_and_no_temporary_file() {
    use crate::serve::{run_seed, seed};
    let wd = Workdir::new();
    let path = seed(&wd);
    let mut text = String::from("bead\taction\ttext\tnote\n");
    for bead in 0..26 {
        text.push_str(&format!("{bead}\treject\t\tkill test\n"));
    }
    wd.write("all.tsv", text);
    let out_dir = wd.path().join("out");
    let mut decided = 0;
    for round in 0..24 {
        // Alternately an import (appends) and a re-run (rewrites every file), killed after a
        // random delay: before, during or after its writes.
        let mut child = if round % 2 == 0 {
            wd.command(&["review", "out/bitext.jsonl", "--import", "all.tsv"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        } else {
            let cache = wd.path().join("cache.sqlite");
            let mut cmd = wd.command(&[
                "run",
                "corpora/austin-baghdad/ar.txt",
                "--out",
                out_dir.to_str().unwrap(),
                "--cache",
                cache.to_str().unwrap(),
            ]);
            cmd.current_dir(crate::util::repo())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..400)));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let bitext = Bitext::read_path(&path).expect("the bitext is whole after a kill");
        let now = bitext.decisions.len();
        assert!(
            now >= decided,
            "round {round}: {decided} decisions before, {now} after"
        );
        decided = now;
    }
    // The next complete write removes whatever a killed rewrite left behind.
    let out = run_seed(&wd);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(temp_files(&out_dir), Vec::<String>::new());
    assert!(Bitext::read_path(&path).unwrap().decisions.len() >= decided);
}

#[test]
fn hostile_text_is_shown_harmlessly_in_the_terminal() {
    let wd = workdir_with_fixture();
    let text = std::fs::read_to_string(wd.path().join("bitext.jsonl")).unwrap();
    let evil = "\\u001b]0;pwned\\u0007\\u001b[2J\\u202etxet";
    let changed = text
        .replace("\"message\":\"", &format!("\"message\":\"{evil}"))
        .replace("\"text\":\"", &format!("\"text\":\"{evil}"));
    wd.write("bitext.jsonl", changed);
    let out = wd.run_with_stdin(&["review", "bitext.jsonl"], b"q\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\u{202e}'));
    assert!(shown.contains("\u{241b}]0;pwned\u{2407}"), "{shown}");
}
