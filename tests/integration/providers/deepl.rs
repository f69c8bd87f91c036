//! DeepL v2: `POST /v2/translate`, `DeepL-Auth-Key` header, JSON body, 456 = quota.

use serde_json::{Value, json};
use tarjama::lang::Lang;
use tarjama::provider::{Batch, Encoding, ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn success(request: &Request) -> Reply {
    let body = request.json();
    let items: Vec<Value> = body["text"]
        .as_array()
        .expect("text is an array")
        .iter()
        .map(|t| {
            let t = t.as_str().unwrap();
            json!({"detected_source_language": "AR", "text": fake(t),
                   "billed_characters": t.chars().count()})
        })
        .collect();
    Response::json(200, &json!({ "translations": items }))
}

fn rate_limited() -> Reply {
    Response::json(429, &json!({"message": "Too many requests"}))
}

const CASE: Case = Case {
    kind: "deepl",
    extra: "api_key_env = \"TEST_KEY\"\n",
    success,
    rate_limited,
};

common::fault_scenarios!(CASE, short_reply: Response::json(
    200,
    &json!({"translations": [{"text": "one"}, {"text": "two"}]}),
));

#[test]
fn sends_the_documented_request_with_context() {
    let server = MockServer::start(success);
    let provider = CASE.provider(&server, "");
    let texts = arabic(2);
    let (from, to) = common::langs();
    let context = "ذهب الولد إلى المدرسة. ثم عاد إلى البيت.";
    let results = common::block_on(provider.translate(Batch {
        texts: &texts,
        from: &from,
        to: &to,
        context: Some(context),
    }))
    .unwrap();
    assert_eq!(results[1].as_ref().unwrap().text, fake(&texts[1]));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v2/translate")
    );
    assert!(r.query.is_empty(), "no key or field in the query");
    assert_eq!(
        r.header("authorization"),
        Some(format!("DeepL-Auth-Key {KEY}").as_str())
    );
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        r.json(),
        json!({"text": texts, "source_lang": "AR", "target_lang": "EN-US",
               "split_sentences": "nonewlines", "show_billed_characters": true,
               "context": context})
    );
}

#[test]
fn options_and_british_english_reach_the_body() {
    let server = MockServer::start(success);
    let provider = CASE.provider(
        &server,
        "split_sentences = \"0\"\nformality = \"prefer_more\"\npreserve_formatting = true\n",
    );
    let texts = arabic(1);
    let (from, _) = common::langs();
    let to = Lang::parse("en-GB").unwrap();
    common::block_on(provider.translate(Batch {
        texts: &texts,
        from: &from,
        to: &to,
        context: None,
    }))
    .unwrap();
    let body = server.requests()[0].json();
    assert_eq!(body["target_lang"], "EN-GB");
    assert_eq!(body["split_sentences"], "0");
    assert_eq!(body["formality"], "prefer_more");
    assert_eq!(body["preserve_formatting"], true);
    assert!(body.get("context").is_none());
    assert!(provider.cache_identity().contains("formality=prefer_more"));
}

#[test]
fn bad_split_sentences_is_a_settings_error() {
    let settings = common::settings(
        "deepl",
        None,
        "api_key_env = \"TEST_KEY\"\nsplit_sentences = \"yes\"\n",
    );
    let err =
        tarjama::provider::Provider::from_settings_with_env("d", &settings, &|_| Some(KEY.into()))
            .unwrap_err()
            .to_string();
    assert!(err.contains("split_sentences"), "{err}");
}

#[test]
fn free_keys_go_to_the_free_host() {
    let settings = common::settings("deepl", None, "api_key_env = \"TEST_KEY\"\n");
    let free = common::build(&settings); // KEY ends in ":fx"
    assert!(
        free.cache_identity()
            .starts_with("deepl|https://api-free.deepl.com|")
    );
    let pro = tarjama::provider::Provider::from_settings_with_env("d", &settings, &|_| {
        Some("0123-pro-key".into())
    })
    .unwrap();
    assert!(
        pro.cache_identity()
            .starts_with("deepl|https://api.deepl.com|")
    );
    assert!(!free.cache_identity().contains(KEY));
}

#[test]
fn limits_are_50_texts_and_128_kib() {
    let provider = common::build(&common::settings(
        "deepl",
        None,
        "api_key_env = \"TEST_KEY\"\n",
    ));
    let limits = provider.limits();
    assert_eq!(limits.max_texts, 50);
    assert_eq!(limits.encoding, Encoding::Json);
    let budget = limits.max_request_bytes.unwrap();
    assert!(budget < 128 * 1024 && budget > 120 * 1024, "{budget}");
    CASE.check_batch_at_limit(50);
}

#[test]
fn a_full_body_drops_the_context_rather_than_exceed_the_limit() {
    let server = MockServer::start(success);
    let provider = CASE.provider(&server, "max_request_bytes = 2000\n");
    let texts = arabic(3);
    assert!(provider.limits().batch_fits(&texts));
    let (from, to) = common::langs();
    let context = "سياق ".repeat(400);
    common::block_on(provider.translate(Batch {
        texts: &texts,
        from: &from,
        to: &to,
        context: Some(&context),
    }))
    .unwrap();
    let request = &server.requests()[0];
    assert!(request.json().get("context").is_none());
    assert!(request.body.len() <= 2000, "{}", request.body.len());
}

#[test]
fn counts_billed_characters_from_the_response() {
    let requests = CASE.check_success(3);
    assert_eq!(requests.len(), 1);
}

#[test]
fn quota_456_stops_at_once() {
    let quota = Response::json(456, &json!({"message": "Quota exceeded"}));
    CASE.check_not_retried(quota, |e| matches!(e, ProviderError::Quota(_)));
}

#[test]
fn auth_failures_are_not_retried_and_never_show_the_key() {
    let forbidden = Response::json(
        403,
        &json!({"message": format!("Wrong endpoint for key {KEY}. Use https://api-free.deepl.com")}),
    );
    CASE.check_not_retried(forbidden, |e| {
        matches!(e, ProviderError::Auth(m) if m.contains("Wrong endpoint") && m.contains("[redacted]"))
    });
}

#[test]
fn request_too_large_is_a_rejection() {
    let too_large = Response::json(413, &json!({"message": "Request Entity Too Large"}));
    CASE.check_not_retried(too_large, |e| e.is_too_large());
    let bad_lang = Response::json(
        400,
        &json!({"message": "Value for 'target_lang' not supported."}),
    );
    CASE.check_not_retried(bad_lang, |e| {
        matches!(e, ProviderError::BadRequest(_)) && !e.is_too_large()
    });
}
