//! Azure Translator v3.0: `POST /translate?api-version=3.0&from&to&includeSentenceLength=true`.

use serde_json::{Value, json};
use tarjama::provider::{ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn success(request: &Request) -> Reply {
    let body = request.json();
    let items: Vec<Value> = body
        .as_array()
        .expect("body is an array")
        .iter()
        .map(|item| {
            let text = item["Text"].as_str().unwrap();
            let out = fake(text);
            let n = out.chars().count();
            json!({"translations": [{"text": out, "to": "en",
                "sentLen": {"srcSentLen": [text.chars().count()], "transSentLen": [n - 2, 2]}}]})
        })
        .collect();
    Response::json(200, &Value::Array(items))
}

fn azure_error(status: u16, code: u64, message: &str) -> Reply {
    Response::json(
        status,
        &json!({"error": {"code": code, "message": message}}),
    )
}

fn rate_limited() -> Reply {
    azure_error(
        429,
        429001,
        "The server rejected the request because the client has exceeded request limits.",
    )
}

const CASE: Case = Case {
    kind: "azure",
    extra: "api_key_env = \"TEST_KEY\"\nregion = \"westeurope\"\n",
    success,
    rate_limited,
};

common::fault_scenarios!(CASE, short_reply: Response::json(
    200,
    &json!([{"translations": [{"text": "one", "to": "en"}]}]),
));

#[test]
fn sends_the_documented_request_and_keeps_sentence_lengths() {
    let server = MockServer::start(success);
    let provider = CASE.provider(&server, "");
    let texts = arabic(2);
    let results = super::common::translate(&provider, &texts).unwrap();
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.text, fake(&texts[0]));
    let n = first.text.chars().count();
    assert_eq!(first.sentence_lengths, Some(vec![n - 2, 2]));
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/translate"));
    let query = common::query_pairs(r);
    assert_eq!(
        query,
        [
            ("api-version", "3.0"),
            ("from", "ar"),
            ("to", "en"),
            ("includeSentenceLength", "true")
        ]
    );
    assert_eq!(r.header("ocp-apim-subscription-key"), Some(KEY));
    assert_eq!(r.header("ocp-apim-subscription-region"), Some("westeurope"));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    assert_eq!(r.json(), json!([{"Text": texts[0]}, {"Text": texts[1]}]));
}

#[test]
fn success_counts_billed_characters() {
    assert_eq!(CASE.check_success(3).len(), 1);
}

#[test]
fn limits_are_1000_texts_and_50000_per_request() {
    let server = MockServer::start(success);
    let limits = CASE.provider(&server, "").limits();
    assert_eq!(
        (limits.max_texts, limits.max_request_bytes),
        (1000, Some(50_000))
    );
    CASE.check_batch_at_limit(1000);
}

#[test]
fn free_quota_403001_stops_at_once() {
    let quota = azure_error(
        403,
        403001,
        "The operation isn't allowed because the subscription has exceeded its free quota.",
    );
    CASE.check_not_retried(quota, |e| matches!(e, ProviderError::Quota(_)));
}

#[test]
fn bad_credentials_are_auth_not_retried() {
    let bad = azure_error(
        401,
        401000,
        "The request is not authorized because credentials are missing or invalid.",
    );
    CASE.check_not_retried(
        bad,
        |e| matches!(e, ProviderError::Auth(m) if m.contains("401000")),
    );
}

#[test]
fn too_many_elements_is_a_rejection() {
    let too_many = azure_error(400, 400077, "The maximum request size has been exceeded.");
    CASE.check_not_retried(too_many, |e| e.is_too_large());
}
