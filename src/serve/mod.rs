//! `tarjama serve`: review a bitext in the browser — a small local web app on tokio (axum).
//!
//! The page (plain HTML, CSS and one script, all in the binary, nothing from the network) shows
//! the summary and the review queue, riskiest first like the HTML report: source and target side
//! by side, each in its own direction (`dir="rtl"` for Arabic), every text of the other direction
//! inside an English message or note isolated in `<bdi>`, the flags with their evidence, the
//! neighbouring beads, the paragraph of each bead. Keys: `j`/`k` move, `a` accept, `e` edit
//! (inline editor, the machine translation is kept), `g` garbled, `r` reject, `n` note, `Enter`
//! saves, `Escape` cancels, `u` undoes the last decision made in the tab. A decision shows as
//! saved only once the server has synced it to disk.
//!
//! Decisions go through [`crate::review::store::Store`]: appended to the bitext file and synced,
//! under the bitext's lock, merged with what other writers (other tabs, `tarjama review`, another
//! server) saved meanwhile. So the bitext stays the one source of truth.
//!
//! # HTTP API
//!
//! The page uses it; scripts can too. All answers are JSON (UTF-8). Every request may name the
//! bitext with `?file=N` (index into `files` of `/api/session`; default 0).
//!
//! * `GET /api/session` → `{"csrf": "…", "files": ["out/ar/bitext.jsonl"], "reviewer": null}`.
//!   The CSRF token must accompany every state-changing request (header `X-CSRF-Token`).
//! * `GET /api/summary` → languages, counts of sentences, beads, flags by severity and check,
//!   decisions by action, beads still to review, and the stale decisions (kept after a re-run
//!   changed their bead; applied to nothing).
//! * `GET /api/beads?order=risk|doc&offset=0&limit=50&check=CODE&severity=info|warning|error&decision=any|pending|decided|accept|edit|garbled|reject`
//!   → `{"total": N, "offset": 0, "limit": 50, "beads": [BEAD…]}`. `order=risk` (default) lists
//!   flagged beads only, riskiest first; `order=doc` lists every bead in document order.
//!   `limit` is at most 500. A BEAD is `{"id", "kind", "score", "risk", "para", "source",
//!   "target", "original_target", "basis", "flags": [{"code", "severity", "message",
//!   "evidence"}], "decision": null | {"action", "text", "note", "reviewer", "time"}, "notes":
//!   [{"note", "reviewer", "time"}], "before": null | {"id", "source", "target"}, "after": …}`;
//!   `target` is the edited text after an edit, `original_target` the machine translation.
//! * `GET /api/beads/N` → one BEAD.
//! * `POST /api/decisions` with `{"bead": N, "action": "accept|edit|garbled|reject|note|undo",
//!   "text"?: "…", "note"?: "…", "basis"?: "…"}` → `{"saved": true, "bead": BEAD}` once the
//!   decision is on disk. `text` is required for `edit` (the new translation of the whole bead),
//!   `note` for `note` (a remark that does not change the decision); `undo` takes back the bead's
//!   latest decision. `basis` (from the BEAD shown) makes the server refuse, with 409, a decision
//!   on a bead whose text changed since it was shown (the file was rewritten by a re-run). The
//!   request needs the header `X-CSRF-Token`, `Content-Type: application/json`, and, when the
//!   browser sends one, an `Origin` equal to the server's own; bodies are limited to 64 KiB.
//!   Errors: 400 (bad request, with `{"error": "…"}`), 403 (token or origin), 404, 409, 413.
//! * `GET /export/tmx|xliff|tsv|html|jsonl` → the bitext with every decision, written by the
//!   same writers as `tarjama export`, as a download.
//!
//! # Security
//!
//! By default the server binds 127.0.0.1 on a free port. It answers only requests whose `Host`
//! is the address it listens on (no DNS rebinding). Binding any other address requires an access
//! token, generated at start and printed in the URL (`?token=…`); every request must then carry
//! it (`X-Tarjama-Token` header or `token` parameter). Answers carry a strict
//! Content-Security-Policy (scripts and styles from the server only, no inline script, no other
//! network access), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`; the page
//! builds its DOM with `textContent`, never HTML strings.

mod api;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;

use crate::review::store::Store;

/// What to serve and how.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Bitext files (at least one).
    pub files: Vec<PathBuf>,
    /// Reviewer name recorded with each decision.
    pub reviewer: Option<String>,
    /// Address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port (0: a free one).
    pub port: u16,
}

/// A server bound to its address, ready to run.
pub struct Bound {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    url: String,
}

impl std::fmt::Debug for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound").field("url", &self.url).finish()
    }
}

/// The state the handlers share.
pub(crate) struct AppState {
    /// One store per bitext.
    pub(crate) files: Vec<Mutex<api::Served>>,
    /// The files' names as shown.
    pub(crate) names: Vec<String>,
    /// The CSRF token (random, per server run).
    pub(crate) csrf: String,
    /// The access token required with every request when not bound to loopback.
    pub(crate) access: Option<String>,
    /// `Host` values accepted (the listening address).
    pub(crate) hosts: Vec<String>,
    /// Recorded with each decision.
    pub(crate) reviewer: Option<String>,
}

/// A random token of 128 bits, hex.
fn random_token() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The bitext files to serve for a command-line argument: the file itself, or in a folder every
/// `*.jsonl` file and every `*/bitext.jsonl` (sorted).
pub fn files_for(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let entries =
        std::fs::read_dir(path).with_context(|| format!("reading folder {}", path.display()))?;
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            let inner = p.join("bitext.jsonl");
            if inner.is_file() {
                files.push(inner);
            }
        } else if p.extension().is_some_and(|e| e == "jsonl") {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        anyhow::bail!(
            "{}: no bitext found (no *.jsonl file, no */bitext.jsonl); give a bitext file or a folder of `tarjama run` outputs",
            path.display()
        );
    }
    Ok(files)
}

/// Reads the bitexts and binds the address; the server starts answering with [`Bound::run`].
pub async fn bind(config: ServeConfig) -> anyhow::Result<Bound> {
    let mut files = Vec::new();
    let mut names = Vec::new();
    for path in &config.files {
        let store = tokio::task::spawn_blocking({
            let path = path.clone();
            move || Store::open(&path)
        })
        .await??;
        files.push(Mutex::new(api::Served::new(store)));
        names.push(path.display().to_string());
    }
    if files.is_empty() {
        anyhow::bail!("nothing to serve: give a bitext file");
    }
    let addr = SocketAddr::new(config.bind, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    let loopback = config.bind.is_loopback();
    let access = (!loopback).then(random_token);
    let host = match local.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", local.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", local.port()),
    };
    let mut hosts = vec![host.clone()];
    if loopback {
        hosts.push(format!("localhost:{}", local.port()));
    } else if config.bind.is_unspecified() {
        // Listening on every interface: the Host is whatever address the reviewer typed; the
        // access token is the guard then.
        hosts.clear();
    }
    let mut url = format!("http://{host}/");
    if let Some(token) = &access {
        url.push_str(&format!("?token={token}"));
    }
    let state = Arc::new(AppState {
        files,
        names,
        csrf: random_token(),
        access,
        hosts,
        reviewer: config.reviewer,
    });
    Ok(Bound {
        listener,
        router: api::router(state),
        url,
    })
}

impl Bound {
    /// The address to open in a browser (with the access token when one is needed).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers requests until the process ends.
    pub async fn run(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router)
            .await
            .context("serving")
    }
}

/// Reads, binds and serves (the `tarjama serve` entry point); `ready` gets the URL once the
/// server listens.
pub async fn serve(config: ServeConfig, ready: impl FnOnce(&str)) -> anyhow::Result<()> {
    let bound = bind(config).await?;
    ready(bound.url());
    bound.run().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_serves_its_bitexts_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b/bitext.jsonl", "a/bitext.jsonl", "c.jsonl", "notes.txt"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let files = files_for(dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a/bitext.jsonl", "b/bitext.jsonl", "c.jsonl"]);
        let single = dir.path().join("c.jsonl");
        assert_eq!(files_for(&single).unwrap(), [single]);
        let err = files_for(&dir.path().join("empty"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no bitext found"), "{err}");
    }
}
