//! LibreTranslate: `POST /translate`, JSON, `q` array, `api_key` in the body.

use serde_json::{Value, json};
use tarjama::provider::{Encoding, Limits, ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn success(request: &Request) -> Reply {
    let body = request.json();
    let texts: Vec<Value> = body["q"]
        .as_array()
        .expect("q is an array")
        .iter()
        .map(|t| Value::String(fake(t.as_str().unwrap())))
        .collect();
    Response::json(200, &json!({ "translatedText": texts }))
}

fn rate_limited() -> Reply {
    Response::json(429, &json!({"error": "Slowdown: 30 per 1 minute"}))
}

const CASE: Case = Case {
    kind: "libretranslate",
    extra: "api_key_env = \"TEST_KEY\"\n",
    success,
    rate_limited,
};

common::fault_scenarios!(CASE, short_reply: Response::json(
    200,
    &json!({"translatedText": ["one", "two"]}),
));

#[test]
fn sends_the_documented_request() {
    let requests = CASE.check_success(2);
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/translate");
    assert!(r.query.is_empty());
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        r.json(),
        json!({"q": arabic(2), "source": "ar", "target": "en", "format": "text", "api_key": KEY})
    );
}

#[test]
fn without_a_key_no_api_key_field_is_sent() {
    let server = MockServer::start(success);
    let provider = common::build(&common::settings(
        "libretranslate",
        Some(&server.url()),
        &format!("api_key_env = \"\"\n{}", common::FAST),
    ));
    common::translate(&provider, &arabic(1)).unwrap();
    assert!(server.requests()[0].json().get("api_key").is_none());
}

#[test]
fn default_limits_follow_libretranslate_com() {
    let settings = common::settings("libretranslate", None, "api_key_env = \"TEST_KEY\"\n");
    let provider = common::build(&settings);
    assert_eq!(
        provider.limits(),
        Limits {
            max_texts: 50,
            max_text_bytes: Some(2000),
            max_request_bytes: None,
            encoding: Encoding::Json
        }
    );
    assert!(
        provider
            .cache_identity()
            .starts_with("libretranslate|https://libretranslate.com")
    );
    assert!(!provider.cache_identity().contains(KEY));
}

#[test]
fn batch_at_the_limit_is_one_request() {
    CASE.check_batch_at_limit(7);
}

#[test]
fn auth_failures_are_not_retried_and_never_show_the_key() {
    // The server echoes the key back: it must be scrubbed.
    let invalid = Response::json(403, &json!({"error": format!("Invalid API key {KEY}")}));
    CASE.check_not_retried(invalid, |e| matches!(e, ProviderError::Auth(_)));
    let required = Response::json(
        400,
        &json!({"error": "Visit https://portal.libretranslate.com to get an API key"}),
    );
    CASE.check_not_retried(required, |e| matches!(e, ProviderError::Auth(_)));
}

#[test]
fn server_limits_are_rejections_not_retries() {
    // LibreTranslate has no quota; its flood ban (403) and text limit (400) stop at once.
    let too_long = Response::json(
        400,
        &json!({"error": "Invalid request: request (60) exceeds text limit (50)"}),
    );
    CASE.check_not_retried(too_long, |e| {
        e.is_too_large() && matches!(e, ProviderError::BadRequest(m) if m.contains("max_texts"))
    });
    let ban = Response::json(403, &json!({"error": "Too many request limits violations"}));
    CASE.check_not_retried(ban, |e| matches!(e, ProviderError::Auth(_)));
}

#[test]
fn empty_translation_fails_only_that_text() {
    let server = MockServer::start(|_| {
        Response::json(
            200,
            &json!({"translatedText": ["The boy went to school.", ""]}),
        )
    });
    let provider = CASE.provider(&server, "");
    let results = common::translate(&provider, &arabic(2)).unwrap();
    assert_eq!(results[0].as_ref().unwrap().text, "The boy went to school.");
    assert!(results[1].as_ref().unwrap_err().contains("empty"));
}
