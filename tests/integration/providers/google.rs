//! Google Cloud Translation v2 Basic: `POST /language/translate/v2`, `format: "text"`.

use serde_json::{Value, json};
use tarjama::provider::{ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{Reply, Request, Response};

fn success(request: &Request) -> Reply {
    let body = request.json();
    let items: Vec<Value> = body["q"]
        .as_array()
        .expect("q is an array")
        .iter()
        .map(|t| json!({"translatedText": fake(t.as_str().unwrap())}))
        .collect();
    Response::json(200, &json!({"data": {"translations": items}}))
}

fn google_error(status: u16, message: &str, reason: &str) -> Reply {
    Response::json(
        status,
        &json!({"error": {"code": status, "message": message,
            "errors": [{"message": message, "domain": "usageLimits", "reason": reason}],
            "status": "PERMISSION_DENIED"}}),
    )
}

fn rate_limited() -> Reply {
    google_error(403, "User Rate Limit Exceeded", "userRateLimitExceeded")
}

const CASE: Case = Case {
    kind: "google",
    extra: "api_key_env = \"TEST_KEY\"\nmodel = \"nmt\"\n",
    success,
    rate_limited,
};

common::fault_scenarios!(CASE, short_reply: Response::json(
    200,
    &json!({"data": {"translations": [{"translatedText": "one"}]}}),
));

#[test]
fn sends_the_documented_request() {
    let requests = CASE.check_success(2);
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/language/translate/v2")
    );
    assert!(
        r.query.is_empty(),
        "the key travels in a header, never in the URL"
    );
    assert_eq!(r.header("x-goog-api-key"), Some(KEY));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        r.json(),
        json!({"q": arabic(2), "source": "ar", "target": "en", "format": "text", "model": "nmt"})
    );
}

#[test]
fn limits_are_128_segments_and_100k_bytes() {
    let server = crate::mock_http::MockServer::start(success);
    let limits = CASE.provider(&server, "").limits();
    assert_eq!(limits.max_texts, 128);
    assert!(limits.max_request_bytes.unwrap() <= 100_000);
    CASE.check_batch_at_limit(128);
}

#[test]
fn daily_limit_is_quota_not_retried() {
    let daily = google_error(403, "Daily Limit Exceeded", "dailyLimitExceeded");
    CASE.check_not_retried(daily, |e| matches!(e, ProviderError::Quota(_)));
}

#[test]
fn invalid_key_is_auth_not_retried() {
    let invalid = Response::json(
        400,
        &json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
            "errors": [{"message": "API key not valid.", "domain": "global", "reason": "badRequest"}],
            "status": "INVALID_ARGUMENT"}}),
    );
    CASE.check_not_retried(invalid, |e| matches!(e, ProviderError::Auth(_)));
}
