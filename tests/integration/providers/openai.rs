//! OpenAI-compatible chat completions: numbered JSON segments in, ids and count validated out.

use serde_json::{Value, json};
use tarjama::provider::{ProviderError, Translate};

use super::common::{self, Case, KEY, arabic, fake};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn completion(content: &str, finish_reason: &str) -> Reply {
    Response::json(
        200,
        &json!({"id": "chatcmpl-abc123", "object": "chat.completion", "created": 1764374400,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                "refusal": null}, "logprobs": null, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 142, "completion_tokens": 31, "total_tokens": 173}}),
    )
}

/// The segments of the user message.
fn segments(request: &Request) -> Vec<(u64, String)> {
    let body = request.json();
    let user: Value =
        serde_json::from_str(body["messages"][1]["content"].as_str().unwrap()).unwrap();
    user["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_u64().unwrap(),
                s["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn success(request: &Request) -> Reply {
    let items: Vec<Value> = segments(request)
        .into_iter()
        .map(|(id, text)| json!({"id": id, "text": fake(&text)}))
        .collect();
    completion(&json!({ "translations": items }).to_string(), "stop")
}

fn openai_error(status: u16, message: &str, kind: &str, code: &str) -> Reply {
    Response::json(
        status,
        &json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
    )
}

fn rate_limited() -> Reply {
    openai_error(
        429,
        "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 500, Used 500, Requested 1.",
        "requests",
        "rate_limit_exceeded",
    )
}

const CASE: Case = Case {
    kind: "openai",
    extra: "api_key_env = \"TEST_KEY\"\nmodel = \"gpt-4o-mini\"\n",
    success,
    rate_limited,
};

// Two of the three segments answered: the count check, as for the other services.
common::fault_scenarios!(CASE, short_reply: completion(
    r#"{"translations":[{"id":1,"text":"a"},{"id":2,"text":"b"}]}"#,
    "stop",
));

#[test]
fn sends_numbered_segments_with_a_strict_schema() {
    let server = MockServer::start(success);
    let provider = common::build(&common::settings(
        "openai",
        Some(&format!("{}/v1", server.url())),
        &format!("{}{}", CASE.extra, common::FAST),
    ));
    let texts = arabic(3);
    let results = common::translate(&provider, &texts).unwrap();
    assert_eq!(results[2].as_ref().unwrap().text, fake(&texts[2]));
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = r.json();
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["temperature"], 0);
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Arabic-to-English")
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert!(body.get("max_tokens").is_none());
    let sent = segments(r);
    assert_eq!(
        sent,
        vec![
            (1, texts[0].clone()),
            (2, texts[1].clone()),
            (3, texts[2].clone())
        ]
    );
}

#[test]
fn works_without_a_key_for_local_servers() {
    let server = MockServer::start(success);
    let provider = common::build(&common::settings(
        "openai",
        Some(&format!("{}/v1/", server.url())),
        &format!(
            "api_key_env = \"\"\nmodel = \"llama3.1\"\nresponse_format = \"json_object\"\nmax_tokens = 512\n{}",
            common::FAST
        ),
    ));
    common::translate(&provider, &arabic(1)).unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.json()["response_format"], json!({"type": "json_object"}));
    assert_eq!(r.json()["max_tokens"], 512);
}

#[test]
fn fenced_and_reordered_answers_are_accepted() {
    let server = MockServer::start(|request| {
        let mut items: Vec<Value> = segments(request)
            .into_iter()
            .map(|(id, text)| json!({"id": id, "text": fake(&text)}))
            .collect();
        items.reverse();
        completion(
            &format!("```json\n{}\n```", json!({ "translations": items })),
            "stop",
        )
    });
    let provider = CASE.provider(&server, "");
    let texts = arabic(2);
    let results = common::translate(&provider, &texts).unwrap();
    assert_eq!(results[0].as_ref().unwrap().text, fake(&texts[0]));
    assert_eq!(results[1].as_ref().unwrap().text, fake(&texts[1]));
}

#[test]
fn merged_or_renumbered_segments_fail_the_batch() {
    for content in [
        r#"{"translations":[{"id":1,"text":"a"},{"id":2,"text":"b"}]}"#,
        r#"{"translations":[{"id":1,"text":"a"},{"id":1,"text":"b"},{"id":2,"text":"c"}]}"#,
        r#"{"translations":[{"id":1,"text":"a"},{"id":2,"text":"b"},{"id":4,"text":"c"}]}"#,
        "Here are your translations: 1. a 2. b 3. c",
    ] {
        CASE.check_wrong_count_or_ids(completion(content, "stop"));
    }
}

#[test]
fn a_truncated_answer_fails_the_batch() {
    let server = MockServer::start(|_| completion("{\"translations\":[{\"id\":1,", "length"));
    let provider = CASE.provider(&server, "");
    let err = common::translate(&provider, &arabic(2)).unwrap_err();
    assert!(
        err.is_too_large() && err.to_string().contains("length"),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn limits_default_to_small_batches() {
    let server = MockServer::start(success);
    let limits = CASE.provider(&server, "").limits();
    assert_eq!(
        (limits.max_texts, limits.max_request_bytes),
        (20, Some(16_000))
    );
    CASE.check_batch_at_limit(20);
}

#[test]
fn success_counts_billed_characters() {
    assert_eq!(CASE.check_success(4).len(), 1);
}

#[test]
fn insufficient_quota_429_is_not_retried() {
    let quota = openai_error(
        429,
        "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota",
        "insufficient_quota",
    );
    CASE.check_not_retried(quota, |e| matches!(e, ProviderError::Quota(_)));
}

#[test]
fn context_length_exceeded_asks_for_smaller_batches() {
    let long = openai_error(
        400,
        "This model's maximum context length is 8192 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
    );
    CASE.check_not_retried(long, |e| e.is_too_large());
}

#[test]
fn invalid_key_is_auth_not_retried() {
    let invalid = openai_error(
        401,
        &format!("Incorrect API key provided: {KEY}."),
        "invalid_request_error",
        "invalid_api_key",
    );
    CASE.check_not_retried(invalid, |e| matches!(e, ProviderError::Auth(_)));
}

#[test]
fn the_prompt_and_model_are_part_of_the_cache_identity() {
    let server = MockServer::start(success);
    let a = CASE.provider(&server, "").cache_identity();
    let b = CASE
        .provider(&server, "system_prompt = \"Translate.\"\n")
        .cache_identity();
    assert_ne!(a, b);
    assert!(a.contains("model=gpt-4o-mini"));
}
