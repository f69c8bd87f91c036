//! Benchmark of the aligner on long documents built by concatenating the Text+Berg documents
//! (test and dev, Google MT) with their gold ids offset, so the gold stays exact at any size.
//!
//! `cargo bench --bench align` runs every size, each in a child process so that the peak
//! memory (VmHWM) is the size's own; `cargo bench --bench align -- 1000 20000` runs chosen sizes;
//! `-- --no-mt` aligns on length and anchors only; `ALIGN_BANDED=1` forces the banded
//! search at every size, `ALIGN_BAND_WIDTH=W` changes the band, `ALIGN_NO_LEXICON=1` turns
//! off the lexicon passes of `--no-mt`, and `ALIGN_LEX_BAND_WIDTH`, `ALIGN_LEX_MID_BAND_WIDTH`,
//! `ALIGN_LEX_EXACT_CELLS`, `ALIGN_LEX_MAX_PAIRS`, `ALIGN_LEX_ITERATIONS` change the settings of
//! those passes ([`tarjama::align::LexiconSettings`]). Prints one line per size: sentences per
//! side, seconds, peak MB, strict and lax P/R/F1.

use std::path::Path;
use std::time::Instant;

use tarjama::align::{AlignInput, AlignOptions, align};
use tarjama::eval::align::{BeadIds, parse_beads, score};

const DEFAULT_SIZES: [usize; 5] = [1_000, 10_000, 20_000, 50_000, 200_000];

struct Doc {
    source: Vec<String>,
    target: Vec<String>,
    mt: Vec<String>,
    gold: Vec<BeadIds>,
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

fn textberg() -> Vec<Doc> {
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpora/eval/textberg"
    ));
    let mut docs = Vec::new();
    for set in ["test", "dev"] {
        for k in 1..=20 {
            let base = root.join(set).join(format!("{k:03}"));
            let Ok(gold) = std::fs::read_to_string(base.with_extension("gold")) else {
                continue;
            };
            docs.push(Doc {
                source: lines(&base.with_extension("de")),
                target: lines(&base.with_extension("fr")),
                mt: lines(&base.with_extension("mt-google.fr")),
                gold: parse_beads(&gold, "gold").expect("gold parses"),
            });
        }
    }
    docs
}

/// Whole documents, repeated in order, until the source side has at least `size` sentences.
fn concatenated(docs: &[Doc], size: usize) -> Doc {
    let mut out = Doc {
        source: Vec::new(),
        target: Vec::new(),
        mt: Vec::new(),
        gold: Vec::new(),
    };
    for doc in docs.iter().cycle() {
        if out.source.len() >= size {
            break;
        }
        let (ds, dt) = (out.source.len(), out.target.len());
        out.gold.extend(doc.gold.iter().map(|(s, t)| {
            (
                s.iter().map(|i| i + ds).collect(),
                t.iter().map(|j| j + dt).collect(),
            )
        }));
        out.source.extend(doc.source.iter().cloned());
        out.target.extend(doc.target.iter().cloned());
        out.mt.extend(doc.mt.iter().cloned());
    }
    out
}

/// CPU time of this process (user + system), from /proc/self/stat, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which is in parentheses and may contain spaces)
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, i.e. 11 and 12 after the name
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn run_one(size: usize, use_mt: bool) {
    let docs = textberg();
    assert!(
        !docs.is_empty(),
        "Text+Berg data not found in corpora/eval/textberg"
    );
    let doc = concatenated(&docs, size);
    let source: Vec<&str> = doc.source.iter().map(String::as_str).collect();
    let target: Vec<&str> = doc.target.iter().map(String::as_str).collect();
    let mt: Vec<&str> = doc.mt.iter().map(String::as_str).collect();
    let input = AlignInput {
        mt: use_mt.then_some(&mt[..]),
        ..AlignInput::new(&source, &target)
    };
    let mut options = AlignOptions::default();
    if let Ok(w) = std::env::var("ALIGN_BAND_WIDTH") {
        options.band_width = w.parse().expect("ALIGN_BAND_WIDTH is a number");
    }
    if let Ok(w) = std::env::var("ALIGN_TOP_CELLS") {
        options.coarse_top_cells = w.parse().expect("ALIGN_TOP_CELLS is a number");
    }
    if std::env::var("ALIGN_BANDED").is_ok() {
        options.search = tarjama::align::SearchMode::Banded;
    }
    if std::env::var("ALIGN_NO_LEXICON").is_ok() {
        options.lexicon = None;
    }
    if let Some(lexicon) = options.lexicon.as_mut() {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.parse::<usize>().expect("a number"))
        };
        if let Some(w) = number("ALIGN_LEX_BAND_WIDTH") {
            lexicon.band_width = w;
        }
        if let Some(w) = number("ALIGN_LEX_MID_BAND_WIDTH") {
            lexicon.mid_band_width = w;
        }
        if let Some(c) = number("ALIGN_LEX_EXACT_CELLS") {
            lexicon.exact_cells = c;
        }
        if let Some(p) = number("ALIGN_LEX_MAX_PAIRS") {
            lexicon.max_pairs = p;
        }
        if let Some(k) = number("ALIGN_LEX_ITERATIONS") {
            lexicon.iterations = k;
        }
    }
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let beads = align(&input, &options);
    let cpu = cpu_seconds() - cpu_start;
    let seconds = start.elapsed().as_secs_f64();
    let hyp: Vec<BeadIds> = beads.into_iter().map(|b| (b.source, b.target)).collect();
    if let Ok(path) = std::env::var("ALIGN_DUMP") {
        let text: String = hyp.iter().map(|(s, t)| format!("{s:?}:{t:?}\n")).collect();
        std::fs::write(path, text).expect("write the dump");
    }
    let s = score(&[doc.gold], &[hyp]);
    println!(
        "{:>7} x {:<7} {:>7.3} s wall {:>7.3} s cpu {:>7.1} MB peak  strict P/R/F1 {:.3}/{:.3}/{:.3}  lax {:.3}/{:.3}/{:.3}  ({})",
        source.len(),
        target.len(),
        seconds,
        cpu,
        peak_memory_mb(),
        s.precision_strict,
        s.recall_strict,
        s.f1_strict,
        s.precision_lax,
        s.recall_lax,
        s.f1_lax,
        if use_mt { "Google MT" } else { "no MT" }
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let use_mt = !args.iter().any(|a| a == "--no-mt");
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let size = args[pos + 1].parse().expect("size");
        run_one(size, use_mt);
        return;
    }
    let sizes: Vec<usize> = {
        let given: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
        if given.is_empty() {
            DEFAULT_SIZES.to_vec()
        } else {
            given
        }
    };
    let exe = std::env::current_exe().expect("own path");
    for size in sizes {
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("--child").arg(size.to_string());
        if !use_mt {
            cmd.arg("--no-mt");
        }
        let status = cmd.status().expect("run the child");
        if !status.success() {
            eprintln!("size {size}: child failed ({status})");
        }
    }
}
