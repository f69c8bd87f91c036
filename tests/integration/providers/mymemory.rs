//! MyMemory: `GET /get?q=…&langpair=ar|en&de=…`, one text per request, errors in 200 bodies.

use serde_json::json;
use tarjama::provider::{Encoding, ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn answer(text: &str, status: serde_json::Value, details: &str, quota: bool) -> Reply {
    Response::json(
        200,
        &json!({"responseData": {"translatedText": text, "match": 0.85},
            "quotaFinished": quota, "mtLangSupported": null, "responseDetails": details,
            "responseStatus": status, "responderId": null, "exception_code": null, "matches": []}),
    )
}

fn success(request: &Request) -> Reply {
    let q = request.query_param("q").expect("q");
    answer(&fake(q), json!(200), "", false)
}

fn rate_limited() -> Reply {
    Response::json(
        429,
        &json!({"responseDetails": "TOO MANY REQUESTS", "responseStatus": 429}),
    )
}

const CASE: Case = Case {
    kind: "mymemory",
    // Several texts per batch (one GET each) so the scenarios can send more than one.
    extra: "api_key_env = \"TEST_KEY\"\nemail = \"desk@example.org\"\nmax_texts = 4\n",
    success,
    rate_limited,
};

common::fault_scenarios!(CASE);

#[test]
fn sends_one_get_per_text_with_the_documented_query() {
    let requests = CASE.check_success(2);
    assert_eq!(requests.len(), 2);
    for (r, text) in requests.iter().zip(arabic(2)) {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/get"));
        assert!(r.body.is_empty());
        let query = common::query_pairs(r);
        assert_eq!(
            query,
            [
                ("q", text.as_str()),
                ("langpair", "ar|en"),
                ("de", "desk@example.org"),
                ("key", KEY)
            ]
        );
    }
}

#[test]
fn limits_are_one_text_of_500_bytes_percent_encoded() {
    let limits = common::build(&common::settings("mymemory", None, "")).limits();
    assert_eq!((limits.max_texts, limits.max_text_bytes), (1, Some(500)));
    assert_eq!(limits.encoding, Encoding::Query);
    assert!(limits.text_fits(&"ب".repeat(250)));
    assert!(!limits.text_fits(&"ب".repeat(251)));
    CASE.check_batch_at_limit(1);
}

#[test]
fn status_429_inside_a_200_body_is_retried() {
    let server = MockServer::start(common::sequence(
        vec![answer(
            "TOO MANY REQUESTS",
            json!("429"),
            "TOO MANY REQUESTS",
            false,
        )],
        success,
    ));
    let provider = CASE.provider(&server, "");
    let results = common::translate(&provider, &arabic(1)).unwrap();
    assert_eq!(results[0].as_ref().unwrap().text, fake(&arabic(1)[0]));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn missing_translation_is_a_bad_response() {
    let server = MockServer::start(|_| Response::json(200, &json!({"responseStatus": 200})));
    let provider = CASE.provider(&server, "");
    let err = common::translate(&provider, &arabic(1)).unwrap_err();
    assert!(matches!(err, ProviderError::BadResponse(_)), "{err:?}");
}

#[test]
fn quota_warnings_in_200_bodies_stop_at_once() {
    let warning = "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT \
                   AVAILABLE IN  18 HOURS 12 MINUTES 22 SECONDS";
    // With quotaFinished and status 429, and with neither (only the text tells).
    CASE.check_not_retried(
        answer(warning, json!(429), warning, true),
        |e| matches!(e, ProviderError::Quota(m) if m.contains("18 HOURS")),
    );
    CASE.check_not_retried(answer(warning, json!(200), "", false), |e| {
        matches!(e, ProviderError::Quota(_))
    });
}

#[test]
fn language_errors_in_200_bodies_are_rejections() {
    let distinct = "PLEASE SELECT TWO DISTINCT LANGUAGES";
    CASE.check_not_retried(
        answer(distinct, json!("403"), distinct, false),
        |e| matches!(e, ProviderError::BadRequest(m) if m.contains("403")),
    );
}

#[test]
fn an_over_long_text_fails_alone() {
    let limit = "QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED QUERY : 500 CHARS";
    let server = MockServer::start(common::sequence(
        vec![answer(limit, json!("403"), limit, false)],
        success,
    ));
    let provider = CASE.provider(&server, "");
    let texts = arabic(2);
    let results = common::translate(&provider, &texts).unwrap();
    assert!(
        results[0]
            .as_ref()
            .unwrap_err()
            .contains("QUERY LENGTH LIMIT")
    );
    assert_eq!(results[1].as_ref().unwrap().text, fake(&texts[1]));
}

#[test]
fn auth_failures_are_not_retried_and_never_show_the_key() {
    let denied = Response::json(
        403,
        &json!({"responseDetails": format!("INVALID KEY {KEY}"), "responseStatus": 403}),
    );
    CASE.check_not_retried(denied, |e| matches!(e, ProviderError::Auth(_)));
}

#[test]
fn a_key_changes_the_cache_identity_but_is_not_in_it() {
    let server = MockServer::start(success);
    let with_key = CASE.provider(&server, "");
    assert!(with_key.cache_identity().ends_with("memories=private"));
    assert!(!with_key.cache_identity().contains(KEY));
}
