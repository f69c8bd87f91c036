//! The shared HTTP layer seen from outside: rate limit across threads, dropped connections,
//! refused connections, Retry-After beyond the cap.

use std::time::{Duration, Instant};

use serde_json::json;
use tarjama::provider::{ProviderError, Translate};

use super::common::{self, KEY, arabic};
use crate::mock_http::{MockServer, Reply, Request, Response};

fn echo(request: &Request) -> Reply {
    let body = request.json();
    Response::json(200, &json!({"translatedText": body["q"]}))
}

fn libre(base: &str, more: &str) -> tarjama::provider::Provider {
    common::build(&common::settings(
        "libretranslate",
        Some(base),
        &format!("api_key_env = \"TEST_KEY\"\nbackoff_base = \"10ms\"\ntimeout = \"2s\"\n{more}"),
    ))
}

#[test]
fn four_threads_share_one_rate_limit_and_reach_it() {
    // 40 requests at 20/s with 50 ms latency: the limit, not the latency, sets the pace.
    let server = MockServer::start(|r| echo(r).delay(Duration::from_millis(50)));
    let provider = libre(
        &server.url(),
        "requests_per_second = 20.0\nconcurrency = 4\n",
    );
    let texts = arabic(1);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..10 {
                    common::translate(&provider, &texts).unwrap();
                }
            });
        }
    });
    let elapsed = start.elapsed();
    // 40 request starts spaced 50 ms apart: the last starts at 1.95 s and ends 50 ms later.
    let rate = 40.0 / elapsed.as_secs_f64();
    eprintln!("shared rate limit: {rate:.2} requests/s of 20 allowed, 40 requests in {elapsed:?}");
    assert!(
        elapsed >= Duration::from_millis(1950),
        "too fast: {elapsed:?}"
    );
    assert!(
        rate >= 18.0,
        "only {rate:.1} requests/s of the 20 allowed ({elapsed:?})"
    );
    assert_eq!(server.requests().len(), 40);
    assert_eq!(provider.stats().requests, 40);
}

#[test]
fn dropped_connections_are_retried() {
    let server = MockServer::start(common::sequence(vec![Reply::Drop, Reply::Drop], echo));
    let provider = libre(&server.url(), "max_retries = 2\n");
    let results = common::translate(&provider, &arabic(1)).unwrap();
    assert!(results[0].is_ok());
    assert_eq!(server.requests().len(), 3);
    assert_eq!(provider.stats().retries, 2);
}

#[test]
fn a_refused_connection_is_unavailable_after_retries() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let provider = libre(&format!("http://127.0.0.1:{port}"), "max_retries = 1\n");
    let err = common::translate(&provider, &arabic(1)).unwrap_err();
    assert!(matches!(err, ProviderError::Unavailable(_)), "{err:?}");
    assert!(err.to_string().contains("2 attempts"), "{err}");
    assert_eq!(provider.stats().requests, 2);
    common::assert_no_key(&err);
}

#[test]
fn a_retry_after_beyond_max_backoff_gives_up_at_once() {
    let server = MockServer::start(|_| {
        Response::json(429, &json!({"error": "Slowdown: 30 per 1 minute"}))
            .header("Retry-After", "3600")
    });
    let provider = libre(&server.url(), "max_backoff = \"30s\"\n");
    let start = Instant::now();
    let err = common::translate(&provider, &arabic(1)).unwrap_err();
    assert!(
        matches!(&err, ProviderError::RateLimited(m) if m.contains("1h")),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    // A date one to two seconds ahead (HTTP dates have whole seconds).
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let date = http_date(at);
    let server = MockServer::start(common::sequence(
        vec![Response::json(503, &json!({"error": "busy"})).header("Retry-After", &date)],
        echo,
    ));
    let provider = libre(&server.url(), "");
    let start = Instant::now();
    common::translate(&provider, &arabic(1)).unwrap();
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_millis(3000), "{waited:?}");
}

/// IMF-fixdate of a time (test helper, independent of the library's parser).
fn http_date(at: std::time::SystemTime) -> String {
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let days = (secs / 86_400) as i64;
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    // Civil from days (Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {h:02}:{m:02}:{s:02} GMT",
        months[(month - 1) as usize]
    )
}

#[test]
fn the_key_is_never_in_any_error_message_of_any_provider() {
    // Every service echoes the key in an error body; every class of error is scrubbed.
    let server = MockServer::start(|_| {
        Response::json(
            400,
            &json!({"error": {"message": format!("bad {KEY}"), "code": 400000},
                    "message": format!("bad {KEY}"), "responseDetails": format!("bad {KEY}")}),
        )
    });
    for kind in tarjama::provider::ProviderSettings::KINDS {
        let provider = common::build(&common::settings(
            kind,
            Some(&server.url()),
            &format!("api_key_env = \"TEST_KEY\"\n{}", common::FAST),
        ));
        let err = common::translate(&provider, &arabic(1)).unwrap_err();
        common::assert_no_key(&err);
        assert!(err.to_string().contains("[redacted]"), "{kind}: {err}");
        assert!(!format!("{provider:?}").contains(KEY), "{kind}");
    }
}

/// A LibreTranslate provider with `key` in `TEST_KEY`, for servers started by wiremock.
fn libre_with_key(base: &str, key: &str, more: &str) -> tarjama::provider::Provider {
    let settings = common::settings(
        "libretranslate",
        Some(base),
        &format!(
            "api_key_env = \"TEST_KEY\"\nbackoff_base = \"10ms\"\nmax_backoff = \"3s\"\n\
             requests_per_second = 0.0\ntimeout = \"3s\"\n{more}"
        ),
    );
    tarjama::provider::Provider::from_settings_with_env("test", &settings, &|var| {
        (var == "TEST_KEY").then(|| key.to_string())
    })
    .unwrap()
}

#[test]
fn a_retry_after_beyond_any_clock_gives_up_at_once_without_panicking() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    common::block_on(async {
        let server = wiremock::MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/translate"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("Retry-After", "99999999999999999999")
                    .set_body_json(json!({"error": "Too many requests"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let provider = libre_with_key(&server.uri(), "wm-key-5e7c2a91", "max_retries = 5\n");
        let (from, to) = common::langs();
        let texts = arabic(1);
        let batch = tarjama::provider::Batch {
            texts: &texts,
            from: &from,
            to: &to,
            context: None,
        };
        let start = Instant::now();
        let err = provider.translate(batch).await.unwrap_err();
        assert!(
            matches!(&err, ProviderError::RateLimited(m) if m.contains("max_backoff")),
            "{err:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(1));
    });
}

#[test]
fn a_ten_megabyte_error_body_is_cut_escaped_and_not_copied_whole() {
    use wiremock::matchers::method;
    use wiremock::{Mock, ResponseTemplate};
    let message = format!("\u{1b}]0;pwned\u{7}{}", "y".repeat(10 * 1024 * 1024));
    common::block_on(async {
        let server = wiremock::MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_json(json!({ "error": message })))
            .mount(&server)
            .await;
        let provider = libre_with_key(&server.uri(), "wm-key-5e7c2a91", "max_retries = 1\n");
        let err = common::translate_async(&provider, &arabic(2))
            .await
            .unwrap_err();
        let shown = err.to_string();
        assert!(matches!(err, ProviderError::Unavailable(_)), "{shown:.300}");
        assert!(
            shown.len() < 2 * tarjama::provider::http::MAX_MESSAGE_CHARS,
            "{}",
            shown.len()
        );
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:.300}"
        );
        assert!(shown.contains("gave up after 2 attempts"), "{shown:.300}");
    });
}

#[test]
fn a_key_with_quotes_and_backslashes_is_scrubbed_in_its_json_escaped_form() {
    use wiremock::matchers::method;
    use wiremock::{Mock, Request as WireRequest, ResponseTemplate};
    // LibreTranslate sends the key in the JSON body; this server quotes the body back raw.
    let key = "PLANTED\"q\\uote/7c1e";
    common::block_on(async {
        let server = wiremock::MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(|r: &WireRequest| {
                ResponseTemplate::new(400)
                    .set_body_string(format!("bad request: {}", String::from_utf8_lossy(&r.body)))
            })
            .mount(&server)
            .await;
        let provider = libre_with_key(&server.uri(), key, "");
        let err = common::translate_async(&provider, &arabic(1))
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains("7c1e"), "{shown}");
    });
}
