//! Orchestrator tests with an in-process provider (the real clients are tested against local
//! HTTP servers in `tests/integration/`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use std::time::Duration;

use super::assemble::split_by_lengths;
use super::chain::build_units;
use super::*;
use crate::config::{ConfigOrigin, Unit, parse};
use crate::provider::{Answers, Batch, BoxFuture, Limits, ProviderError, Stats, Translated};
use crate::segment;

/// Runs the async engine on a fresh multi-threaded runtime (as `main` does).
trait Blocking {
    fn translate_document_sync(
        &self,
        text: &str,
        options: &RunOptions,
    ) -> Result<Outcome, RunError>;
}

impl Blocking for Translator {
    fn translate_document_sync(
        &self,
        text: &str,
        options: &RunOptions,
    ) -> Result<Outcome, RunError> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(self.translate_document(text, options))
    }
}

/// Translates `X` as `EN[X]`; `fail_on` texts get a per-text error; `fatal_after` requests
/// then answers with a quota error.
struct Fake {
    limits: Limits,
    requests: Mutex<Vec<Vec<String>>>,
    count: AtomicU64,
    fail_on: Vec<&'static str>,
    fatal_after: Option<u64>,
    jitter: bool,
    /// Refuses as "too large" any request whose texts exceed this many bytes in total.
    refuse_over: Option<usize>,
}

impl Fake {
    fn new() -> Fake {
        Fake {
            limits: Limits {
                max_texts: 3,
                max_text_bytes: None,
                max_request_bytes: None,
                encoding: crate::provider::Encoding::Json,
            },
            requests: Mutex::new(Vec::new()),
            count: AtomicU64::new(0),
            fail_on: Vec::new(),
            fatal_after: None,
            jitter: false,
            refuse_over: None,
        }
    }

    fn sent(&self) -> Vec<String> {
        self.requests.lock().unwrap().concat()
    }
}

impl Translate for Fake {
    fn limits(&self) -> Limits {
        self.limits
    }
    fn concurrency(&self) -> usize {
        8
    }
    fn cache_identity(&self) -> String {
        "fake|http://127.0.0.1".into()
    }
    fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers> {
        Box::pin(async move {
            if self.jitter {
                tokio::time::sleep(Duration::from_millis(fastrand::u64(0..5))).await;
            }
            self.answer(&batch)
        })
    }
    fn stats(&self) -> Stats {
        Stats {
            requests: self.count.load(Ordering::SeqCst),
            ..Stats::default()
        }
    }
}

impl Fake {
    fn answer(&self, batch: &Batch<'_>) -> Answers {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        if self.fatal_after.is_some_and(|f| n >= f) {
            return Err(ProviderError::Quota("Quota exceeded".into()));
        }
        let bytes: usize = batch.texts.iter().map(String::len).sum();
        if self.refuse_over.is_some_and(|max| bytes > max) {
            return Err(ProviderError::too_large("request (…) exceeds text limit"));
        }
        self.requests.lock().unwrap().push(batch.texts.to_vec());
        Ok(batch
            .texts
            .iter()
            .map(|t| {
                if self.fail_on.iter().any(|f| t.contains(f)) {
                    Err("refused".to_string())
                } else {
                    Ok(Translated {
                        text: format!("EN[{t}]"),
                        billed_chars: t.chars().count(),
                        sentence_lengths: None,
                    })
                }
            })
            .collect())
    }
}

/// A `Translate` sharing a `Fake` the test keeps looking at.
struct Shared(std::sync::Arc<Fake>);

impl Translate for Shared {
    fn limits(&self) -> Limits {
        self.0.limits()
    }
    fn concurrency(&self) -> usize {
        self.0.concurrency()
    }
    fn cache_identity(&self) -> String {
        self.0.cache_identity()
    }
    fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers> {
        self.0.translate(batch)
    }
    fn stats(&self) -> Stats {
        self.0.stats()
    }
}

fn settings(unit: Unit) -> Settings {
    let mut s = parse("[translate]\nchain = [\"memory\"]\n", ConfigOrigin::BuiltIn).unwrap();
    s.translate.chain = vec!["memory".into(), "fake".into()];
    s.translate.unit = unit;
    s.translate.concurrency = 3;
    s
}

fn translator(
    unit: Unit,
    memory: Memory,
    fake: &std::sync::Arc<Fake>,
    cache: Option<Cache>,
) -> Translator {
    Translator::new(
        settings(unit),
        vec![
            Element::Memory(memory),
            Element::Service {
                name: "fake".into(),
                provider: Box::new(Shared(std::sync::Arc::clone(fake))),
            },
        ],
        cache,
    )
}

const TEXT: &str = "الجملة الأولى. الجملة الثانية؟ الجملة الثالثة!\n\nفقرة ثانية هنا. وجملة أخيرة.";

#[test]
fn memory_first_then_service_with_one_to_one_beads() {
    let fake = std::sync::Arc::new(Fake::new());
    let memory = Memory::from_pairs(
        [("الجملة الثانية؟".to_string(), "The second?".to_string())],
        0.85,
    );
    let out = translator(Unit::Sentence, memory, &fake, None)
        .translate_document_sync(TEXT, &RunOptions::default())
        .unwrap();
    let b = &out.bitext;
    assert_eq!(b.source.len(), 5);
    assert_eq!(b.target.len(), 5);
    assert_eq!(b.target[1].text, "The second?");
    assert_eq!(b.target[1].origin, Some(Origin::Memory));
    assert_eq!(b.target[1].memory_score, Some(1.0));
    assert_eq!(b.target[0].text, "EN[الجملة الأولى.]");
    assert_eq!(b.target[0].origin, Some(Origin::Network));
    assert_eq!(b.target[3].para, 1);
    assert!(
        b.beads
            .iter()
            .enumerate()
            .all(|(i, bead)| bead.source == [i] && bead.target == [i])
    );
    assert!(
        !fake.sent().iter().any(|t| t.contains("الثانية")),
        "memory hit reached the service"
    );
    assert_eq!((out.summary.from_memory, out.summary.from_network), (1, 4));
    assert_eq!(b.header.providers, ["memory", "fake"]);
    assert!(b.header.config_fingerprint.is_some());
    // The batches respect max_texts.
    assert!(fake.requests.lock().unwrap().iter().all(|r| r.len() <= 3));
}

#[test]
fn second_run_comes_from_the_cache_without_requests() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let fake = std::sync::Arc::new(Fake::new());
    let first = translator(
        Unit::Sentence,
        Memory::default(),
        &fake,
        Some(Cache::open(&path).unwrap()),
    )
    .translate_document_sync(TEXT, &RunOptions::default())
    .unwrap();
    let fake2 = std::sync::Arc::new(Fake::new());
    let second = translator(
        Unit::Sentence,
        Memory::default(),
        &fake2,
        Some(Cache::open(&path).unwrap()),
    )
    .translate_document_sync(TEXT, &RunOptions::default())
    .unwrap();
    assert!(fake2.sent().is_empty());
    assert_eq!(second.summary.from_cache, 5);
    let texts = |b: &Bitext| b.target.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&first.bitext), texts(&second.bitext));
    assert!(
        second
            .bitext
            .target
            .iter()
            .all(|s| s.origin == Some(Origin::Cache))
    );
}

#[test]
fn a_failed_unit_is_flagged_never_shifted() {
    let mut fake = Fake::new();
    fake.fail_on = vec!["الثالثة"];
    let fake = std::sync::Arc::new(fake);
    let out = translator(Unit::Sentence, Memory::default(), &fake, None)
        .translate_document_sync(TEXT, &RunOptions::default())
        .unwrap();
    let b = &out.bitext;
    assert_eq!(b.target.len(), 4);
    assert_eq!(b.beads[2].source, [2]);
    assert!(b.beads[2].target.is_empty());
    assert_eq!(b.beads[3].target, [2]);
    assert_eq!(b.target[2].text, "EN[فقرة ثانية هنا.]");
    assert_eq!(b.flags.len(), 1);
    assert_eq!(b.flags[0].code, TRANSLATION_FAILED);
    assert_eq!(b.flags[0].bead, Some(2));
    assert!(
        b.flags[0].message.contains("fake: refused"),
        "{}",
        b.flags[0].message
    );
    assert_eq!(out.summary.failed, 1);
    // The written file passes the reader's checks (beads cover both sides).
    let mut buf = Vec::new();
    b.write_jsonl(&mut buf).unwrap();
    Bitext::read_jsonl(&buf[..], "x").unwrap();
}

#[test]
fn a_fatal_error_stops_and_keeps_what_was_translated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let mut fake = Fake::new();
    fake.limits.max_texts = 1;
    fake.fatal_after = Some(2);
    let fake = std::sync::Arc::new(fake);
    let mut t = translator(
        Unit::Sentence,
        Memory::default(),
        &fake,
        Some(Cache::open(&path).unwrap()),
    );
    t.settings.translate.concurrency = 1;
    let err = t
        .translate_document_sync(TEXT, &RunOptions::default())
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("fake: quota exhausted: Quota exceeded; stopped after 2 of 5 units"),
        "{message}"
    );
    assert_eq!(Cache::open(&path).unwrap().stats().unwrap().entries, 2);
}

#[test]
fn long_texts_are_split_for_the_service_and_rejoined() {
    let mut fake = Fake::new();
    fake.limits.max_text_bytes = Some(40);
    let fake = std::sync::Arc::new(fake);
    let text = "قال الوزير في مؤتمر صحفي، إن الحكومة ستعمل على الإصلاح؛ وأضاف أن الوقت قد حان.";
    let out = translator(Unit::Sentence, Memory::default(), &fake, None)
        .translate_document_sync(text, &RunOptions::default())
        .unwrap();
    let sent = fake.sent();
    assert!(
        sent.len() > 1 && sent.iter().all(|t| t.len() <= 40),
        "{sent:?}"
    );
    assert_eq!(out.bitext.target.len(), 1);
    let expected: Vec<String> = sent.iter().map(|t| format!("EN[{t}]")).collect();
    assert_eq!(out.bitext.target[0].text, expected.join(" "));
}

#[test]
fn paragraph_units_make_paragraph_beads() {
    let fake = std::sync::Arc::new(Fake::new());
    let out = translator(Unit::Paragraph, Memory::default(), &fake, None)
        .translate_document_sync(TEXT, &RunOptions::default())
        .unwrap();
    let b = &out.bitext;
    assert_eq!(out.summary.units, 2);
    assert_eq!(b.beads.len(), 2);
    assert_eq!(b.beads[0].source, [0, 1, 2]);
    assert_eq!(b.beads[1].source, [3, 4]);
    assert!(!b.beads[1].target.is_empty());
    assert_eq!(
        fake.sent()[0],
        "الجملة الأولى. الجملة الثانية؟ الجملة الثالثة!"
    );
    let mut buf = Vec::new();
    b.write_jsonl(&mut buf).unwrap();
    Bitext::read_jsonl(&buf[..], "x").unwrap();
}

#[test]
fn concurrency_preserves_order() {
    let mut fake = Fake::new();
    fake.limits.max_texts = 1;
    fake.jitter = true;
    let fake = std::sync::Arc::new(fake);
    let text: String = (0..60).map(|i| format!("جملة رقم {i}. ")).collect();
    let mut t = translator(Unit::Sentence, Memory::default(), &fake, None);
    t.settings.translate.concurrency = 8;
    let out = t
        .translate_document_sync(&text, &RunOptions::default())
        .unwrap();
    assert_eq!(out.bitext.target.len(), 60);
    for (i, s) in out.bitext.target.iter().enumerate() {
        assert_eq!(s.text, format!("EN[جملة رقم {i}.]"));
    }
    assert_eq!(fake.sent().len(), 60, "each sentence sent exactly once");
}

#[test]
fn context_is_the_neighbouring_sentences_of_the_same_paragraph() {
    let sentences = segment::split(TEXT, &segment::Options::new(Lang::parse("ar").unwrap()));
    let units = build_units(TEXT, &sentences, Unit::Sentence, true);
    assert_eq!(units[0].context.as_deref(), Some("الجملة الثانية؟"));
    assert_eq!(
        units[1].context.as_deref(),
        Some("الجملة الأولى. الجملة الثالثة!")
    );
    assert_eq!(
        units[3].context.as_deref(),
        Some("وجملة أخيرة."),
        "no context across paragraphs"
    );
    assert!(
        build_units(TEXT, &sentences, Unit::Sentence, false)
            .iter()
            .all(|u| u.context.is_none())
    );
}

#[test]
fn a_repeated_sentence_is_requested_once() {
    let fake = std::sync::Arc::new(Fake::new());
    let text = "جملة مكررة. جملة أخرى. جملة مكررة.";
    let out = translator(Unit::Sentence, Memory::default(), &fake, None)
        .translate_document_sync(text, &RunOptions::default())
        .unwrap();
    assert_eq!(fake.sent().len(), 2);
    assert_eq!(out.bitext.target.len(), 3);
    assert_eq!(out.bitext.target[2].text, "EN[جملة مكررة.]");
}

#[test]
fn a_too_large_answer_is_resent_in_smaller_pieces() {
    let mut fake = Fake::new();
    fake.limits.max_texts = 50;
    fake.refuse_over = Some(40);
    let fake = std::sync::Arc::new(fake);
    let text = "جملة قصيرة. قال الوزير في مؤتمر صحفي، إن الحكومة ستعمل على الإصلاح. أخرى.";
    let out = translator(Unit::Sentence, Memory::default(), &fake, None)
        .translate_document_sync(text, &RunOptions::default())
        .unwrap();
    let sent = fake.requests.lock().unwrap().clone();
    assert!(
        sent.iter()
            .all(|r| r.iter().map(String::len).sum::<usize>() <= 40),
        "{sent:?}"
    );
    assert_eq!(out.summary.failed, 0);
    let t: Vec<&str> = out.bitext.target.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(t[0], "EN[جملة قصيرة.]");
    assert!(
        t[1].starts_with("EN[قال الوزير") && t[1].contains("] EN["),
        "{t:?}"
    );
    assert_eq!(t[2], "EN[أخرى.]");
}

#[test]
fn paragraph_translations_are_cut_where_the_service_says_and_the_same_from_the_cache() {
    struct Lengths;
    impl Translate for Lengths {
        fn limits(&self) -> Limits {
            Fake::new().limits
        }
        fn concurrency(&self) -> usize {
            1
        }
        fn cache_identity(&self) -> String {
            "lengths".into()
        }
        fn translate<'a>(&'a self, batch: Batch<'a>) -> BoxFuture<'a, Answers> {
            // "Dr. Smith came. He left." – a segmenter would cut after "Dr."; the service knows.
            Box::pin(std::future::ready(Ok(batch
                .texts
                .iter()
                .map(|_| {
                    Ok(Translated {
                        text: "Dr. Smith came. He left.".into(),
                        billed_chars: 1,
                        sentence_lengths: Some(vec![16, 8]),
                    })
                })
                .collect())))
        }
        fn stats(&self) -> Stats {
            Stats::default()
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite");
    let run = || {
        Translator::new(
            settings(Unit::Paragraph),
            vec![Element::Service {
                name: "az".into(),
                provider: Box::new(Lengths),
            }],
            Some(Cache::open(&path).unwrap()),
        )
        .translate_document_sync("جاء الدكتور سميث. ثم غادر.", &RunOptions::default())
        .unwrap()
    };
    let fresh = run();
    let cached = run();
    let texts = |o: &Outcome| {
        o.bitext
            .target
            .iter()
            .map(|s| s.text.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&fresh), ["Dr. Smith came.", "He left."]);
    assert_eq!(texts(&cached), texts(&fresh));
    assert_eq!(cached.summary.from_cache, 1);
    assert_eq!(
        split_by_lengths("ab", &[1, 2]),
        None,
        "lengths that do not add up are ignored"
    );
}
