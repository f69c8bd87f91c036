//! Segmentation benchmark: throughput of tarjama's segmenter and of the `sentencex` crate on the
//! same ≥ 10 MB Arabic text, in the same run, plus boundary F1 of both on UD Arabic-PUD.
//!
//! Run: `cargo bench --bench segment` (optional arguments: target size in MB, default 12;
//! `--tarjama-only` to time tarjama alone, e.g. under a profiler).
//! The text is built from the corpora: the seed article, then the PUD documents and the
//! sentencex Arabic cases (`corpora/eval/`), as paragraphs separated by blank lines, repeated
//! until the target size.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tarjama::eval::segment::{
    GoldDoc, GoldFormat, GoldSource, boundary_key_counts, read_gold, score,
};
use tarjama::lang::Lang;
use tarjama::segment::normalize::normalize_for_compare_into;
use tarjama::segment::{self, Options};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/austin-baghdad/ar.txt");

fn main() {
    let target_mb: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(12);
    let pud = gold("ud_arabic_pud/docs.jsonl");
    let cases = gold("sentencex_ar/cases.jsonl");
    let text = build_text(&pud, &cases, target_mb << 20);
    let mb = text.len() as f64 / (1 << 20) as f64;
    println!(
        "text: {mb:.1} MiB of Arabic ({} from the seed article{})",
        if pud.is_empty() { "only" } else { "paragraphs" },
        if pud.is_empty() {
            ""
        } else {
            ", UD Arabic-PUD and sentencex cases"
        }
    );

    let options = Options::new(Lang::parse("ar").unwrap());
    let (tarjama_time, tarjama_count) = best_of(3, || segment::sentences(&text, &options).count());
    if std::env::args().any(|a| a == "--tarjama-only") {
        // For profiling the segmenter alone (perf record … --tarjama-only).
        let (time, count) = best_of(10, || segment::sentences(&text, &options).count());
        println!(
            "tarjama: {:.1} MB/s, {count} sentences",
            mb / time.as_secs_f64()
        );
        return;
    }
    let (sentencex_time, sentencex_count) = best_of(3, || sentencex_sentences(&text));

    let pud_tarjama = (!pud.is_empty()).then(|| score(&pud, &options).f1());
    let pud_sentencex = (!pud.is_empty()).then(|| sentencex_f1(&pud));
    let cases_tarjama = (!cases.is_empty()).then(|| exact(&cases, |t| tarjama_ends(t, &options)));
    let cases_sentencex = (!cases.is_empty()).then(|| exact(&cases, sentencex_ends));

    println!();
    println!("| segmenter | MB/s | sentences | PUD boundary F1 | sentencex active cases exact |");
    println!("|---|---:|---:|---:|---:|");
    let rows = [
        (
            "tarjama",
            tarjama_time,
            tarjama_count,
            pud_tarjama,
            cases_tarjama,
        ),
        (
            "sentencex 0.1.33",
            sentencex_time,
            sentencex_count,
            pud_sentencex,
            cases_sentencex,
        ),
    ];
    for (name, time, count, f1, exact) in rows {
        println!(
            "| {name} | {:.1} | {count} | {} | {} |",
            mb / time.as_secs_f64(),
            f1.map_or("n/a".into(), |f| format!("{f:.4}")),
            exact.map_or("n/a".into(), |(ok, n)| format!("{ok}/{n}")),
        );
    }
    println!();
    println!(
        "speed-up: {:.1}x (best of 3 runs each)",
        sentencex_time.as_secs_f64() / tarjama_time.as_secs_f64()
    );

    // The comparison normalisation the aligner and checks run on every sentence.
    let spans = segment::split(&text, &options);
    let (normalize_time, changed) = best_of(3, || {
        let mut buffer = String::new();
        spans
            .iter()
            .filter(|s| normalize_for_compare_into(&text[s.span.clone()], &mut buffer))
            .count()
    });
    println!(
        "normalize_for_compare: {:.1} MB/s over the same sentences ({changed} of {} changed)",
        mb / normalize_time.as_secs_f64(),
        spans.len()
    );
}

/// The gold documents of a file of `corpora/eval/`.
fn gold(relative: &str) -> Vec<GoldDoc> {
    let path =
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/eval")).join(relative);
    let source = GoldSource {
        format: GoldFormat::Docs,
        ..GoldSource::default()
    };
    read_gold(&path, &source).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn build_text(pud: &[GoldDoc], cases: &[GoldDoc], target: usize) -> String {
    let seed = std::fs::read_to_string(SEED).expect("the seed article is in corpora/");
    let mut unit = seed.trim_start_matches('\u{FEFF}').to_string();
    for doc in pud.iter().chain(cases) {
        unit.push_str("\n\n");
        unit.push_str(&doc.text);
    }
    unit.push_str("\n\n");
    let mut text = String::with_capacity(target + unit.len());
    while text.len() < target {
        text.push_str(&unit);
    }
    text
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = black_box(f());
        best = best.min(start.elapsed());
        result = Some(value);
    }
    (best, result.expect("at least one run"))
}

/// Sentences sentencex finds, not counting whitespace-only pieces.
fn sentencex_sentences(text: &str) -> usize {
    sentencex::segment("ar", text)
        .iter()
        .filter(|s| !s.trim().is_empty())
        .count()
}

/// Byte ends of every sentence but the last, as sentencex finds them (its pieces are
/// consecutive and cover the text).
fn sentencex_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut offset = 0;
    for piece in sentencex::segment("ar", text) {
        offset += piece.len();
        if !piece.trim().is_empty() {
            ends.push(offset);
        }
    }
    ends.pop();
    ends
}

fn tarjama_ends(text: &str, options: &Options) -> Vec<usize> {
    let mut ends: Vec<usize> = segment::split(text, options)
        .into_iter()
        .map(|s| s.span.end)
        .collect();
    ends.pop();
    ends
}

fn sentencex_f1(docs: &[GoldDoc]) -> f64 {
    let (mut gold, mut found, mut correct) = (0, 0, 0);
    for doc in docs {
        let mut keys = boundary_key_counts(&doc.text, &sentencex_ends(&doc.text));
        keys.dedup();
        gold += doc.boundaries.len();
        found += keys.len();
        correct += keys.iter().filter(|k| doc.boundaries.contains(k)).count();
    }
    let (p, r) = (correct as f64 / found as f64, correct as f64 / gold as f64);
    2.0 * p * r / (p + r)
}

/// (documents whose boundaries all match, documents).
fn exact(docs: &[GoldDoc], ends: impl Fn(&str) -> Vec<usize>) -> (usize, usize) {
    let ok = docs
        .iter()
        .filter(|d| boundary_key_counts(&d.text, &ends(&d.text)) == d.boundaries)
        .count();
    (ok, docs.len())
}
