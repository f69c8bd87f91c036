use super::*;
use std::time::UNIX_EPOCH;

#[test]
fn retry_after_seconds_and_dates() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("-1", now), None);
}

#[test]
fn retry_after_beyond_any_clock_saturates_instead_of_panicking() {
    let now = SystemTime::now();
    for huge in ["99999999999999999999", "1e300", "inf", "1e400"] {
        assert_eq!(parse_retry_after(huge, now), Some(Duration::MAX), "{huge}");
    }
    assert_eq!(parse_retry_after("NaN", now), None);
}

#[test]
fn secrets_are_scrubbed_raw_json_escaped_and_encoded() {
    let s = Secret::new("abc:fx".into());
    assert_eq!(
        s.scrub("key abc:fx and abc%3Afx"),
        "key [redacted] and [redacted]"
    );
    assert_eq!(format!("{s:?}"), "Secret([redacted])");
    let quoted = Secret::new("a\"b\\c d".into());
    let json = serde_json::to_string(&serde_json::json!({"key": "a\"b\\c d"})).unwrap();
    assert!(
        !quoted.scrub(&json).contains("b\\\\c"),
        "{}",
        quoted.scrub(&json)
    );
    assert_eq!(quoted.scrub("q=a%22b%5Cc%20d"), "q=[redacted]");
    assert_eq!(quoted.scrub("q=a%22b%5Cc+d"), "q=[redacted]");
}

#[test]
fn server_text_is_cut_and_control_characters_escaped() {
    let evil = format!("\u{1b}[31mred\u{7}{}", "x".repeat(10_000));
    let cleaned = clean(&evil, 50);
    assert!(!cleaned.contains('\u{1b}') && !cleaned.contains('\u{7}'));
    assert!(cleaned.starts_with("\\u{1b}[31mred\\u{7}"), "{cleaned}");
    assert!(cleaned.len() < 100, "{}", cleaned.len());
    let reply = Reply {
        status: 500,
        content_type: "application/json".into(),
        retry_after: None,
        body: serde_json::json!({ "message": evil }).to_string(),
    };
    let text = reply.error_text(|v| v["message"].as_str().map(str::to_string));
    assert!(
        text.chars().count() < MAX_DETAIL_CHARS + 40,
        "{}",
        text.len()
    );
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn html_and_malformed_json_are_bad_responses() {
    let html = Reply {
        status: 200,
        content_type: "text/html".into(),
        retry_after: None,
        body: "<html><head><title>Gateway</title></head></html>".into(),
    };
    let err = html.json().unwrap_err().to_string();
    assert!(
        err.contains("HTTP 200 (text/html)") && err.contains("Gateway"),
        "{err}"
    );
    let broken = Reply {
        content_type: "application/json".into(),
        body: "{\"a\":".into(),
        ..html
    };
    assert!(matches!(broken.json(), Err(ProviderError::BadResponse(_))));
}

#[test]
fn judge_routes_by_status_and_each_item_fails_whole() {
    let reply = |status: u16, body: &str| Reply {
        status,
        content_type: "application/json".into(),
        retry_after: None,
        body: body.into(),
    };
    let read = |v: serde_json::Value| {
        each_item(
            v.as_array().map_or(&[][..], Vec::as_slice),
            |x| x.as_str().map(str::to_string),
            "not text",
        )
    };
    let refused = |_: &Reply| Verdict::Fail(ProviderError::Auth("no".into()));
    assert!(matches!(
        judge(&reply(200, "[\"a\",\"b\"]"), refused, read),
        Verdict::Done(v) if v == ["a", "b"]
    ));
    assert!(matches!(
        judge(&reply(200, "[\"a\",1]"), refused, read),
        Verdict::Fail(ProviderError::BadResponse(m)) if m == "not text"
    ));
    assert!(matches!(
        judge(&reply(200, "[\"a\""), refused, read),
        Verdict::Fail(ProviderError::BadResponse(m)) if m.contains("malformed JSON")
    ));
    assert!(matches!(
        judge(&reply(403, "[\"a\"]"), refused, read),
        Verdict::Fail(ProviderError::Auth(_))
    ));
}

#[test]
fn transport_limits_treat_zero_as_unlimited_and_set_aside_reserved_bytes() {
    let t = Transport {
        max_texts: 3,
        max_text_bytes: 0,
        max_request_bytes: 1000,
        ..Transport::standard()
    };
    let l = t.limits(200, super::super::Encoding::Json);
    assert_eq!(
        (l.max_texts, l.max_text_bytes, l.max_request_bytes),
        (3, None, Some(800))
    );
    let unlimited = Transport {
        max_request_bytes: 0,
        ..t
    };
    assert_eq!(
        unlimited
            .limits(200, super::super::Encoding::Query)
            .max_request_bytes,
        None
    );
}

#[test]
fn tiny_request_rates_are_refused_naming_the_setting() {
    for rps in [1e-300, 1e-5, f64::NAN, -1.0, f64::INFINITY] {
        let t = Transport {
            requests_per_second: rps,
            ..Transport::standard()
        };
        let err = validate("p", &t).unwrap_err().to_string();
        assert!(err.contains("requests_per_second"), "{rps}: {err}");
    }
    let ok = Transport {
        requests_per_second: 1e-4,
        ..Transport::standard()
    };
    assert!(validate("p", &ok).is_ok());
}

#[test]
fn backoff_is_capped_full_jitter_and_counts_retries() {
    // A refused connection, retried 3 times at base 40 ms: full jitter waits at most 40 + 80 +
    // 100 ms (capped by max_backoff).
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let http = Http::new(
        Transport {
            backoff_base: Duration::from_millis(40),
            max_backoff: Duration::from_millis(100),
            max_retries: 3,
            requests_per_second: 0.0,
            ..Transport::standard()
        },
        None,
    );
    let started = Instant::now();
    let result: Result<u32, ProviderError> = runtime.block_on(http.call(
        0,
        |client| client.get("http://127.0.0.1:9/"),
        // Never reached: nothing listens on port 9; the transport error is retried.
        |_| Verdict::Done(0),
    ));
    assert!(
        matches!(result, Err(ProviderError::Unavailable(_))),
        "{result:?}"
    );
    // Capped at max_backoff: 40 + 80 + 100 ms at most, plus connection attempts.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(http.stats().requests, 4);
    assert_eq!(http.stats().retries, 3);
}
