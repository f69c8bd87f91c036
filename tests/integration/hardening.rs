//! Hardening (#15): outputs that would destroy an input, read-only destinations, article names
//! that climb out of `out/`, arguments that cannot work, cut bitexts, and terminal hygiene.

use crate::util::{Workdir, repo_file, stderr};

const FIXTURE: &str = "tests/fixtures/bitext.jsonl";

fn with_fixture() -> Workdir {
    let wd = Workdir::new();
    wd.write("b.jsonl", std::fs::read(repo_file(FIXTURE)).unwrap());
    wd
}

/// Exit code 2 and exactly one line on standard error containing `needle`.
fn assert_refused(out: &std::process::Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
}

#[test]
fn export_refuses_output_that_is_its_input() {
    let wd = with_fixture();
    let before = std::fs::read(wd.path().join("b.jsonl")).unwrap();
    for output in ["b.jsonl", "./b.jsonl"] {
        let out = wd.run(&["export", "b.jsonl", "--format", "html", "-o", output]);
        assert_refused(&out, "is the input b.jsonl");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(wd.path().join("b.jsonl"), wd.path().join("link.jsonl"))
            .unwrap();
        let out = wd.run(&["export", "link.jsonl", "--format", "tsv", "-o", "b.jsonl"]);
        assert_refused(&out, "is the input link.jsonl");
    }
    assert_eq!(std::fs::read(wd.path().join("b.jsonl")).unwrap(), before);
    let ok = wd.run(&["export", "b.jsonl", "--format", "html", "-o", "r.html"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn translate_refuses_output_that_is_its_input() {
    let wd = Workdir::new();
    wd.write("a.txt", "جملة أولى.\n");
    let out = wd.run(&["translate", "a.txt", "-o", "a.txt"]);
    assert_refused(&out, "is the input a.txt");
    assert_eq!(
        std::fs::read_to_string(wd.path().join("a.txt")).unwrap(),
        "جملة أولى.\n"
    );
}

#[test]
fn align_refuses_output_that_is_one_of_its_inputs() {
    let wd = Workdir::new();
    wd.write("ar.txt", "جملة أولى.\n");
    wd.write("en.txt", "A first sentence.\n");
    let out = wd.run(&["align", "ar.txt", "en.txt", "-o", "en.txt"]);
    assert_refused(&out, "is the input en.txt");
}

#[test]
fn check_text_refuses_its_input_but_jsonl_updates_it_in_place() {
    let wd = with_fixture();
    let out = wd.run(&["check", "b.jsonl", "--format", "text", "-o", "b.jsonl"]);
    assert_refused(&out, "is the input b.jsonl");
    let out = wd.run(&["check", "b.jsonl", "-o", "b.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_read_only_output_is_not_replaced() {
    let wd = with_fixture();
    let kept = wd.write("kept.tsv", "mine\n");
    let mut perms = std::fs::metadata(&kept).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&kept, perms).unwrap();
    let out = wd.run(&["export", "b.jsonl", "--format", "tsv", "-o", "kept.tsv"]);
    assert_refused(&out, "kept.tsv is read-only");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine\n");
}

#[test]
fn an_article_named_dot_dot_txt_writes_inside_out() {
    let wd = Workdir::new();
    wd.write(
        "...txt",
        std::fs::read(repo_file("corpora/austin-baghdad/ar.txt")).unwrap(),
    );
    let config = repo_file("config.toml");
    let out = wd.run(&[
        "--config",
        config.to_str().unwrap(),
        "run",
        "...txt",
        "--provider",
        "memory",
        "--cache",
        "cache.sqlite",
        "--formats",
        "jsonl",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(wd.path().join("out/article/bitext.jsonl").is_file());
    assert!(
        !wd.path().join("bitext.jsonl").exists(),
        "`out/..` is the working folder itself"
    );
}

#[test]
fn align_refuses_standard_input_twice() {
    let wd = Workdir::new();
    let out = wd.run_with_stdin(&["align", "-", "-"], "جملة.\n".as_bytes());
    assert_refused(&out, "can be read only once");
}

#[test]
fn split_with_a_missing_config_is_an_error() {
    let wd = Workdir::new();
    wd.write("a.txt", "جملة.\n");
    let out = wd.run(&["--config", "/missing/tarjama.toml", "split", "a.txt"]);
    assert_refused(&out, "/missing/tarjama.toml");
    let out = wd.run(&["split", "a.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_bitext_cut_at_a_line_boundary_is_refused_with_file_and_line() {
    let wd = Workdir::new();
    let text = std::fs::read_to_string(repo_file(FIXTURE)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_bead = lines
        .iter()
        .position(|l| l.contains("\"type\":\"bead\""))
        .unwrap();
    // Cut before the beads, then in the middle of them.
    for (keep, needle) in [
        (first_bead, "without any bead"),
        (first_bead + 2, "the beads cover 2 of"),
    ] {
        wd.write("cut.jsonl", lines[..keep].join("\n") + "\n");
        let out = wd.run(&["export", "cut.jsonl", "--format", "tsv"]);
        assert_refused(&out, &format!("cut.jsonl:{keep}: "));
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
    }
}

#[test]
fn a_flag_on_a_missing_bead_is_refused_with_its_line() {
    let wd = Workdir::new();
    let mut text = std::fs::read_to_string(repo_file(FIXTURE)).unwrap();
    text.push_str("{\"type\":\"flag\",\"code\":\"fragment\",\"severity\":\"warning\",\"bead\":999,\"message\":\"m\"}\n");
    let line = text.lines().count();
    wd.write("b.jsonl", text);
    let out = wd.run(&["export", "b.jsonl", "--format", "html"]);
    assert_refused(
        &out,
        &format!("b.jsonl:{line}: flag fragment names bead 999"),
    );
}

/// The fixture with an ESC sequence, a vertical tab and a form feed in the first source
/// sentence, and a right-to-left override in a flag's evidence and a decision's note.
fn hostile_fixture() -> Workdir {
    let wd = Workdir::new();
    let text = std::fs::read_to_string(repo_file(FIXTURE)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let first = lines
        .iter()
        .position(|l| l.contains("\"side\":\"source\""))
        .unwrap();
    let mut sentence: serde_json::Value = serde_json::from_str(&lines[first]).unwrap();
    let hostile = format!(
        "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{b}\u{c}\u{202e}{}",
        sentence["text"].as_str().unwrap()
    );
    sentence["text"] = hostile.into();
    lines[first] = sentence.to_string();
    lines.push(
        "{\"type\":\"flag\",\"code\":\"fragment\",\"severity\":\"warning\",\"bead\":0,\"message\":\"m\",\"evidence\":\"\u{202e}txt.exe\"}".into(),
    );
    lines.push(
        "{\"type\":\"decision\",\"bead\":0,\"action\":\"accept\",\"note\":\"see \u{2067}gpj.exe\u{2069}\"}".into(),
    );
    wd.write("b.jsonl", lines.join("\n") + "\n");
    wd
}

#[test]
fn tsv_export_escapes_esc_vt_and_ff() {
    let wd = hostile_fixture();
    let out = wd.run(&["export", "b.jsonl", "--format", "tsv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert!(
        !tsv.chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n'),
        "a control character reached the terminal"
    );
    assert!(
        tsv.contains("\\x1b[2J\\x1b]0;pwned\\x07\\x0b\\x0c"),
        "{tsv}"
    );
}

#[test]
fn bidi_overrides_from_the_input_cannot_reorder_the_review() {
    let wd = hostile_fixture();
    for format in ["html", "tmx", "xliff", "md"] {
        let out = wd.run(&["export", "b.jsonl", "--format", format]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        // TMX and XLIFF keep segment texts exactly (a CAT tool must get the data back); their
        // notes, which only a reviewer reads, are neutralised.
        let shown: String = match format {
            "tmx" | "xliff" => text
                .split("<note")
                .skip(1)
                .map(|n| n.split("</note>").next().unwrap())
                .collect(),
            _ => text.clone(),
        };
        assert!(!shown.is_empty(), "{format}: no notes");
        for c in ['\u{202e}', '\u{2067}', '\u{2069}'] {
            assert!(!shown.contains(c), "{format}: {c:?} left in\n{shown}");
        }
        // Markdown shows no evidence; the others show it, visibly marked.
        assert!(
            format == "md" || shown.contains("[U+202E]txt.exe"),
            "{format}"
        );
    }
}

/// A LibreTranslate stand-in on 127.0.0.1: `EN:` + each `q`.
fn libretranslate_server() -> crate::mock_http::MockServer {
    use crate::mock_http::{MockServer, Response};
    MockServer::start(|req| {
        let body = req.json();
        let texts: Vec<serde_json::Value> = match &body["q"] {
            serde_json::Value::Array(q) => q
                .iter()
                .map(|t| format!("EN:{}", t.as_str().unwrap_or_default()).into())
                .collect(),
            other => vec![format!("EN:{}", other.as_str().unwrap_or_default()).into()],
        };
        let translated = if body["q"].is_array() {
            serde_json::Value::Array(texts)
        } else {
            texts[0].clone()
        };
        Response::json(200, &serde_json::json!({ "translatedText": translated }))
    })
}

/// A folder config with one LibreTranslate provider `lt`.
fn folder_config(wd: &Workdir, base_url: &str, key_var: &str) {
    wd.write(
        "config.toml",
        format!(
            "[translate]\nchain = [\"lt\"]\ncache = \"cache.sqlite\"\n\n[providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{base_url}\"\napi_key_env = \"{key_var}\"\nmax_retries = 0\nrequests_per_second = 0.0\n"
        ),
    );
    wd.write("a.txt", "جملة أولى.\n");
}

const TOKEN: &str = "ghp_notarealtoken1234567890";

#[test]
fn a_folder_config_cannot_send_a_foreign_secret_without_trust_config() {
    let server = libretranslate_server();
    let wd = Workdir::new();
    folder_config(&wd, &server.url(), "GITHUB_TOKEN");
    let out = wd
        .command(&["translate", "a.txt"])
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_refused(&out, "GITHUB_TOKEN");
    assert!(stderr(&out).contains("--trust-config"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(TOKEN));
    assert!(server.requests().is_empty(), "the token was sent");
    // The user who means it says so; the changed endpoint is then named in the summary.
    let out = wd
        .command(&["--trust-config", "translate", "a.txt", "-o", "b.jsonl"])
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 1);
    assert!(
        stderr(&out).contains("tarjama: note: provider 'lt' (libretranslate) sends to 127.0.0.1 with the key from GITHUB_TOKEN, not the documented libretranslate.com"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_key_is_never_sent_over_plain_http_to_another_machine() {
    let wd = Workdir::new();
    folder_config(&wd, "http://translate.example.org:5000", "LT_API_KEY");
    for args in [
        &["translate", "a.txt"][..],
        &["--trust-config", "translate", "a.txt"],
    ] {
        let out = wd.command(args).env("LT_API_KEY", "k").output().unwrap();
        assert_refused(
            &out,
            "config.toml:7: [providers.lt] would send the key from LT_API_KEY unencrypted to translate.example.org",
        );
    }
    // Without a key, plain http to a self-hosted server is fine (nothing secret to send).
    folder_config(&wd, "http://translate.example.org:5000", "");
    let out = wd.run(&["cache", "path"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn non_http_base_urls_are_refused_at_config_time() {
    let wd = Workdir::new();
    for url in [
        "file:///etc/passwd",
        "ftp://example.org/",
        "gopher://127.0.0.1:70",
    ] {
        folder_config(&wd, url, "");
        let out = wd.run(&["--config", "config.toml", "cache", "path"]);
        assert_refused(&out, "config.toml:7: [providers.lt] base_url uses");
    }
}

#[test]
fn a_folder_config_sending_a_key_elsewhere_needs_trust_or_an_explicit_config() {
    let wd = Workdir::new();
    folder_config(&wd, "https://translate.example.org", "LT_API_KEY");
    let out = wd.run(&["cache", "path"]);
    assert_refused(
        &out,
        "not given with --config) sends the key from LT_API_KEY to translate.example.org",
    );
    for args in [
        &["--config", "config.toml", "cache", "path"][..],
        &["--trust-config", "cache", "path"],
    ] {
        let out = wd.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    // The service's own host is what the user expects: no question asked.
    folder_config(&wd, "https://libretranslate.com", "LT_API_KEY");
    let out = wd.run(&["cache", "path"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
