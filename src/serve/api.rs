//! The HTTP routes of `tarjama serve` (documented in the module above): the page, its assets,
//! the JSON API and the exports, behind the host, token and origin checks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::bitext::{Action, Bitext, Decision, FlagIndex, Note, Severity, Side};
use crate::output::{ExportOptions, Format, tsv::action_name};
use crate::review::store::{Refresh, Store};
use crate::serve::AppState;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// The Content-Security-Policy of every answer: nothing but this server's own script, style
/// and API; no inline script, no frames, no forms posting elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Largest request body accepted (a decision with a long edit fits many times).
const BODY_LIMIT: usize = 64 * 1024;

/// Largest page of beads.
const MAX_LIMIT: usize = 500;

/// A bitext being served, with what is derived from its flags (rebuilt when the file is
/// rewritten; decisions are read live).
pub(crate) struct Served {
    store: Store,
    index: FlagIndex,
    /// Risk per bead.
    risks: Vec<f64>,
    /// Flagged beads, riskiest first (document order among equals).
    by_risk: Vec<usize>,
}

impl Served {
    pub(crate) fn new(store: Store) -> Served {
        let mut served = Served {
            store,
            index: FlagIndex::default(),
            risks: Vec::new(),
            by_risk: Vec::new(),
        };
        served.derive();
        served
    }

    fn derive(&mut self) {
        let bitext = self.store.bitext();
        self.index = bitext.flag_index();
        self.risks = (0..bitext.beads.len())
            .map(|id| crate::quality::risk_of(self.index.for_bead(bitext, id)))
            .collect();
        let mut flagged: Vec<usize> = (0..bitext.beads.len())
            .filter(|&id| self.index.is_flagged(id))
            .collect();
        flagged.sort_by(|&a, &b| self.risks[b].total_cmp(&self.risks[a]).then(a.cmp(&b)));
        self.by_risk = flagged;
    }

    /// Takes in what other writers saved.
    fn refresh(&mut self) -> Result<(), ApiError> {
        let refresh = self.store.refresh().map_err(ApiError::internal)?;
        if refresh == Refresh::Reloaded {
            self.derive();
        }
        Ok(())
    }
}

/// An error answer: status and one line.
#[derive(Debug)]
pub(crate) struct ApiError(StatusCode, String);

impl ApiError {
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError(StatusCode::BAD_REQUEST, message.into())
    }
    fn internal(err: anyhow::Error) -> ApiError {
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, axum::Json(json!({ "error": self.1 }))).into_response()
    }
}

type Shared = Arc<AppState>;

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|| async { asset("text/javascript", SCRIPT) }),
        )
        .route("/app.css", get(|| async { asset("text/css", STYLE) }))
        .route("/api/session", get(session))
        .route("/api/summary", get(summary))
        .route("/api/beads", get(beads))
        .route("/api/beads/{id}", get(one_bead))
        .route("/api/decisions", post(decide))
        .route("/export/{format}", get(export))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, format!("{kind}; charset=utf-8")),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Checks every request (Host, access token, and for state changes the CSRF token and Origin)
/// and adds the security headers to every answer.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let mut response = match check(&state, &request) {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn check(state: &AppState, request: &Request) -> Result<(), ApiError> {
    let headers = request.headers();
    let forbidden = |m: &str| ApiError(StatusCode::FORBIDDEN, m.to_string());
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !state.hosts.is_empty() && !state.hosts.iter().any(|h| h == host) {
        return Err(forbidden(
            "unexpected Host header: open the address tarjama serve printed",
        ));
    }
    if let Some(token) = &state.access {
        let given = headers
            .get("x-tarjama-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| query_param(request.uri().query(), "token"));
        if given.as_deref() != Some(token.as_str()) {
            return Err(forbidden(
                "missing or wrong access token: open the full address tarjama serve printed",
            ));
        }
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or_default();
            let own = format!("http://{host}");
            if origin != own {
                return Err(forbidden("cross-origin request refused"));
            }
        }
        let csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if csrf != Some(state.csrf.as_str()) {
            return Err(forbidden(
                "missing or wrong X-CSRF-Token header (GET /api/session gives it)",
            ));
        }
    }
    Ok(())
}

/// One parameter of a query string (`token` values are hex, so no decoding is needed).
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

async fn index(State(state): State<Shared>) -> Response {
    // The CSRF token rides in a meta element: markup, not script, so the CSP stays strict.
    let page = INDEX.replace("{{csrf}}", &state.csrf);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct FileParam {
    #[serde(default)]
    file: usize,
}

fn served(state: &AppState, file: usize) -> Result<MutexGuard<'_, Served>, ApiError> {
    let slot: &Mutex<Served> = state
        .files
        .get(file)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no file {file}")))?;
    // A handler that panicked cannot have left a half-written decision (the store appends in
    // one write), so the data behind a poisoned lock is still whole.
    Ok(slot.lock().unwrap_or_else(|e| e.into_inner()))
}

async fn session(State(state): State<Shared>) -> Response {
    axum::Json(json!({
        "csrf": state.csrf,
        "files": state.names,
        "reviewer": state.reviewer,
    }))
    .into_response()
}

async fn summary(
    State(state): State<Shared>,
    Query(p): Query<FileParam>,
) -> Result<Response, ApiError> {
    let s = state.clone();
    blocking(move || {
        let mut served = served(&s, p.file)?;
        served.refresh()?;
        let b = served.store.bitext();
        let latest = b.latest_decisions();
        let mut severities: BTreeMap<String, usize> = BTreeMap::new();
        let mut checks: BTreeMap<String, usize> = BTreeMap::new();
        for id in 0..b.beads.len() {
            for f in served.index.flags(b, id) {
                *severities.entry(f.severity.to_string()).or_default() += 1;
                *checks.entry(f.code.clone()).or_default() += 1;
            }
        }
        let mut actions: BTreeMap<&str, usize> = BTreeMap::new();
        for d in latest.values() {
            *actions.entry(action_name(d.action)).or_default() += 1;
        }
        let pending = served
            .by_risk
            .iter()
            .filter(|id| !latest.contains_key(id))
            .count();
        let stale: Vec<Value> = b
            .stale
            .iter()
            .map(|d| {
                json!({
                    "bead": d.bead, "action": action_name(d.action), "text": d.text,
                    "note": d.note, "reviewer": d.reviewer, "time": d.time,
                })
            })
            .chain(b.notes.iter().filter(|n| n.stale).map(|n| {
                json!({
                    "bead": n.bead, "action": "note", "note": n.note,
                    "reviewer": n.reviewer, "time": n.time,
                })
            }))
            .collect();
        Ok(axum::Json(json!({
            "file": s.names[p.file],
            "source_file": b.header.source_file,
            "source_lang": b.header.source_lang.as_str(),
            "target_lang": b.header.target_lang.as_str(),
            "source_dir": direction(b.header.source_lang.as_str()),
            "target_dir": direction(b.header.target_lang.as_str()),
            "providers": b.header.providers,
            "sentences": {"source": b.source.len(), "target": b.target.len()},
            "beads": b.beads.len(),
            "paragraphs": b.source.last().map_or(0, |s| s.para + 1),
            "flagged": served.by_risk.len(),
            "pending": pending,
            "severities": severities,
            "checks": checks,
            "decisions": actions,
            "stale": stale,
        }))
        .into_response())
    })
    .await
}

/// `rtl` for the languages written right to left, else `ltr`.
fn direction(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    match primary {
        "ar" | "he" | "fa" | "ur" | "ps" | "sd" | "yi" | "dv" | "ckb" | "ug" => "rtl",
        _ => "ltr",
    }
}

#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default)]
    file: usize,
    #[serde(default)]
    order: Option<String>,
    #[serde(default)]
    offset: usize,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    check: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    decision: Option<String>,
}

async fn beads(
    State(state): State<Shared>,
    Query(p): Query<ListParams>,
) -> Result<Response, ApiError> {
    blocking(move || {
        let mut served = served(&state, p.file)?;
        served.refresh()?;
        let served = &*served;
        let b = served.store.bitext();
        let latest = b.latest_decisions();
        let severity = match p.severity.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some("info") => Some(Severity::Info),
            Some("warning") => Some(Severity::Warning),
            Some("error") => Some(Severity::Error),
            Some(other) => return Err(ApiError::bad(format!("unknown severity '{other}'"))),
        };
        let check = p.check.as_deref().filter(|c| !c.is_empty());
        let decision = p
            .decision
            .as_deref()
            .filter(|d| !d.is_empty() && *d != "any");
        let wanted_action = match decision {
            None | Some("pending" | "decided") => None,
            Some(name) => Some(
                crate::review::import::parse_action(name)
                    .ok_or_else(|| ApiError::bad(format!("unknown decision filter '{name}'")))?,
            ),
        };
        let order: Box<dyn Iterator<Item = usize>> = match p.order.as_deref() {
            None | Some("" | "risk") => Box::new(served.by_risk.iter().copied()),
            Some("doc") => Box::new(0..b.beads.len()),
            Some(other) => return Err(ApiError::bad(format!("unknown order '{other}'"))),
        };
        let matching: Vec<usize> = order
            .filter(|&id| {
                let flags = served.index.indices(id);
                let flag_ok = |f: &&usize| {
                    let flag = &b.flags[**f];
                    check.is_none_or(|c| flag.code == c)
                        && severity.is_none_or(|s| flag.severity == s)
                };
                if (check.is_some() || severity.is_some()) && !flags.iter().any(|f| flag_ok(&f)) {
                    return false;
                }
                let action = latest.get(&id).map(|d| d.action);
                match decision {
                    None => true,
                    Some("pending") => action.is_none(),
                    Some("decided") => action.is_some(),
                    Some(_) => action == wanted_action,
                }
            })
            .collect();
        let limit = p.limit.unwrap_or(50).clamp(1, MAX_LIMIT);
        let page: Vec<Value> = matching
            .iter()
            .skip(p.offset)
            .take(limit)
            .map(|&id| bead_json(served, &latest, id))
            .collect();
        Ok(axum::Json(json!({
            "total": matching.len(),
            "offset": p.offset,
            "limit": limit,
            "beads": page,
        }))
        .into_response())
    })
    .await
}

async fn one_bead(
    State(state): State<Shared>,
    UrlPath(id): UrlPath<usize>,
    Query(p): Query<FileParam>,
) -> Result<Response, ApiError> {
    blocking(move || {
        let mut served = served(&state, p.file)?;
        served.refresh()?;
        if id >= served.store.bitext().beads.len() {
            return Err(ApiError(StatusCode::NOT_FOUND, format!("no bead {id}")));
        }
        let latest = served.store.bitext().latest_decisions();
        Ok(axum::Json(bead_json(&served, &latest, id)).into_response())
    })
    .await
}

/// Source, target (as delivered) and paragraph of a bead.
fn texts(b: &Bitext, latest: &BTreeMap<usize, &Decision>, id: usize) -> (String, String, String) {
    let bead = &b.beads[id];
    let original = b.text_of(Side::Target, &bead.target);
    let target = match latest.get(&id) {
        Some(Decision {
            action: Action::Edit,
            text: Some(text),
            ..
        }) => text.clone(),
        _ => original.clone(),
    };
    (b.text_of(Side::Source, &bead.source), target, original)
}

fn para_of(b: &Bitext, id: usize) -> usize {
    let bead = &b.beads[id];
    bead.source
        .first()
        .and_then(|&s| b.source.get(s))
        .or_else(|| bead.target.first().and_then(|&t| b.target.get(t)))
        .map_or(0, |s| s.para)
}

fn bead_json(served: &Served, latest: &BTreeMap<usize, &Decision>, id: usize) -> Value {
    let b = served.store.bitext();
    let bead = &b.beads[id];
    let (source, target, original) = texts(b, latest, id);
    let mut flags = served.index.flags(b, id);
    flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let flags: Vec<Value> = flags
        .iter()
        .map(|f| {
            json!({
                "code": f.code, "severity": f.severity.to_string(),
                "message": f.message, "evidence": f.evidence,
            })
        })
        .collect();
    let decision = latest.get(&id).map(|d| {
        json!({
            "action": action_name(d.action), "text": d.text, "note": d.note,
            "reviewer": d.reviewer, "time": d.time,
        })
    });
    let notes: Vec<Value> = b
        .notes
        .iter()
        .filter(|n| !n.stale && n.bead == id)
        .map(|n| json!({"note": n.note, "reviewer": n.reviewer, "time": n.time}))
        .collect();
    let neighbour = |other: Option<usize>| {
        other.filter(|&o| o < b.beads.len()).map(|o| {
            let (source, target, _) = texts(b, latest, o);
            json!({"id": o, "source": source, "target": target, "para": para_of(b, o)})
        })
    };
    json!({
        "id": id,
        "kind": bead.kind(),
        "score": bead.score,
        "risk": served.risks.get(id).copied().unwrap_or(0.0),
        "para": para_of(b, id),
        "source": source,
        "target": target,
        "original_target": original,
        "basis": b.basis(bead),
        "flags": flags,
        "decision": decision,
        "notes": notes,
        "before": neighbour(id.checked_sub(1)),
        "after": neighbour(Some(id + 1)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionRequest {
    bead: usize,
    action: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    basis: Option<String>,
}

async fn decide(
    State(state): State<Shared>,
    Query(p): Query<FileParam>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !json_type {
        return Err(ApiError(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the decision as JSON (Content-Type: application/json)".into(),
        ));
    }
    let request: DecisionRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad(format!("invalid decision: {e}")))?;
    blocking(move || {
        let mut served = served(&state, p.file)?;
        let reviewer = state.reviewer.clone();
        let nonempty = |t: Option<String>| t.filter(|t| !t.trim().is_empty());
        let id = match request.action.as_str() {
            "note" => {
                let note =
                    nonempty(request.note).ok_or_else(|| ApiError::bad("a note needs \"note\""))?;
                let mut note = Note {
                    bead: request.bead,
                    note,
                    reviewer,
                    time: crate::review::new_decision(0, Action::Accept, None, None, None).time,
                    stale: false,
                    extra: Default::default(),
                };
                if let Some(basis) = request.basis {
                    note.set_basis(basis);
                }
                served.store.note(note).map_err(conflict)?.bead
            }
            "undo" => {
                let bead = request.bead;
                let basis = request.basis;
                let mut saved = None;
                served
                    .store
                    .append_with(|bitext, _| {
                        let latest = bitext.latest_decisions();
                        let Some(last) = latest.get(&bead) else {
                            anyhow::bail!("bead {bead} has no decision to undo");
                        };
                        if let Some(basis) = &basis
                            && last.basis().is_some_and(|b| b != basis)
                        {
                            anyhow::bail!("bead {bead} changed since it was shown: reload");
                        }
                        let time =
                            crate::review::new_decision(0, Action::Accept, None, None, None).time;
                        saved = Some(bead);
                        Ok(vec![crate::bitext::Record::Decision(Decision::undo_of(
                            last, time, reviewer,
                        ))])
                    })
                    .map_err(conflict)?;
                saved.unwrap_or(bead)
            }
            name => {
                let action = match name {
                    "accept" => Action::Accept,
                    "edit" => Action::Edit,
                    "garbled" => Action::Garbled,
                    "reject" => Action::Reject,
                    other => {
                        return Err(ApiError::bad(format!(
                            "unknown action '{other}' (accept, edit, garbled, reject, note, undo)"
                        )));
                    }
                };
                let text = nonempty(request.text);
                if action == Action::Edit && text.is_none() {
                    return Err(ApiError::bad("an edit needs \"text\", the new translation"));
                }
                let text = if action == Action::Edit { text } else { None };
                let mut decision = crate::review::new_decision(
                    request.bead,
                    action,
                    text,
                    nonempty(request.note),
                    reviewer,
                );
                if let Some(basis) = request.basis {
                    decision.set_basis(basis);
                }
                served.store.decide(decision).map_err(conflict)?.bead
            }
        };
        let latest = served.store.bitext().latest_decisions();
        Ok(
            axum::Json(json!({"saved": true, "bead": bead_json(&served, &latest, id)}))
                .into_response(),
        )
    })
    .await
}

/// A refused decision: 409 when the bead changed or does not exist, else 500.
fn conflict(err: anyhow::Error) -> ApiError {
    let message = format!("{err:#}");
    if message.contains("changed since")
        || message.contains("does not exist")
        || message.contains("no decision to undo")
    {
        ApiError(StatusCode::CONFLICT, message)
    } else {
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

async fn export(
    State(state): State<Shared>,
    UrlPath(format): UrlPath<String>,
    Query(p): Query<FileParam>,
) -> Result<Response, ApiError> {
    let format = match format.as_str() {
        "tmx" => Format::Tmx,
        "xliff" | "xlf" => Format::Xliff,
        "tsv" => Format::Tsv,
        "html" => Format::Html,
        "jsonl" => Format::Jsonl,
        other => {
            return Err(ApiError(
                StatusCode::NOT_FOUND,
                format!("no export format '{other}' (tmx, xliff, tsv, html, jsonl)"),
            ));
        }
    };
    blocking(move || {
        let mut served = served(&state, p.file)?;
        served.refresh()?;
        let mut body = Vec::new();
        crate::output::export(
            served.store.bitext(),
            format,
            &mut body,
            &ExportOptions::default(),
        )
        .map_err(|e| ApiError::internal(e.into()))?;
        let kind = match format {
            Format::Tmx | Format::Xliff => "application/xml; charset=utf-8",
            Format::Tsv => "text/tab-separated-values; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            _ => "application/x-ndjson; charset=utf-8",
        };
        let disposition = format!("attachment; filename=\"{}\"", format.default_file_name());
        Ok((
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response())
    })
    .await
}

/// Runs file work off the async threads.
async fn blocking<F>(work: F) -> Result<Response, ApiError>
where
    F: FnOnce() -> Result<Response, ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("the request failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(access: Option<&str>, hosts: &[&str]) -> AppState {
        AppState {
            files: Vec::new(),
            names: Vec::new(),
            csrf: "c5rf".into(),
            access: access.map(str::to_string),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            reviewer: None,
        }
    }

    fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn another_address_needs_the_access_token_on_every_request() {
        // Bound to every interface: any Host, but the token is required.
        let s = state(Some("t0k"), &[]);
        let host = ("host", "192.0.2.7:8080");
        assert!(check(&s, &request("GET", "/api/beads", &[host])).is_err());
        assert!(check(&s, &request("GET", "/api/beads?token=nope", &[host])).is_err());
        assert!(check(&s, &request("GET", "/api/beads?file=0&token=t0k", &[host])).is_ok());
        assert!(
            check(
                &s,
                &request("GET", "/", &[host, ("x-tarjama-token", "t0k")])
            )
            .is_ok()
        );
        // A state change needs the CSRF token too.
        let post = [host, ("x-tarjama-token", "t0k")];
        assert!(check(&s, &request("POST", "/api/decisions", &post)).is_err());
        let with_csrf = [host, ("x-tarjama-token", "t0k"), ("x-csrf-token", "c5rf")];
        assert!(check(&s, &request("POST", "/api/decisions", &with_csrf)).is_ok());
    }

    #[test]
    fn loopback_checks_host_origin_and_csrf() {
        let s = state(None, &["127.0.0.1:9", "localhost:9"]);
        let ok = [("host", "127.0.0.1:9"), ("x-csrf-token", "c5rf")];
        assert!(check(&s, &request("GET", "/", &ok[..1])).is_ok());
        assert!(check(&s, &request("GET", "/", &[("host", "evil.example:9")])).is_err());
        assert!(check(&s, &request("POST", "/api/decisions", &ok)).is_ok());
        let foreign = [ok[0], ok[1], ("origin", "http://evil.example")];
        assert!(check(&s, &request("POST", "/api/decisions", &foreign)).is_err());
        let own = [ok[0], ok[1], ("origin", "http://127.0.0.1:9")];
        assert!(check(&s, &request("POST", "/api/decisions", &own)).is_ok());
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("en-GB"), "ltr");
    }
}
