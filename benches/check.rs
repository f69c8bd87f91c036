//! Check benchmark: throughput of every rule check (`tarjama::quality::check`) on a large
//! Arabic→English bitext, in sentence pairs per second.
//!
//! Run: `cargo bench --bench check` (optional argument: number of pairs, default 100000).
//! The bitext is the synthetic evaluation set of UD Arabic-PUD (clean and corrupted pairs, one
//! paragraph per document, regenerated with new seeds) repeated until the size is reached, so
//! every check has work to do. The PUD data is in `corpora/eval/ud_arabic_pud/`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tarjama::eval::flags::{Item, Split, bitext_of, generate, read_pud};
use tarjama::quality::{self, CheckSettings};

const PUD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/corpora/eval/ud_arabic_pud/sentences.tsv"
);

fn items(target: usize) -> Vec<Item> {
    let mut items = Vec::with_capacity(target + 1000);
    let pairs = read_pud(std::path::Path::new(PUD)).unwrap_or_else(|e| panic!("{PUD}: {e}"));
    let mut seed = 1;
    while items.len() < target {
        let para_base = items.last().map_or(0, |i: &Item| i.para + 1);
        items.extend(generate(&pairs, Split::All, seed).into_iter().map(|mut i| {
            i.para += para_base;
            i
        }));
        seed += 1;
    }
    items.truncate(target);
    items
}

fn main() {
    let pairs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let bitext = bitext_of(&items(pairs));
    let settings = CheckSettings::default();
    let sentences = bitext.source.len() + bitext.target.len();
    let mut best = Duration::MAX;
    let mut flags = 0;
    for _ in 0..3 {
        let start = Instant::now();
        flags = black_box(quality::check(black_box(&bitext), &settings)).len();
        best = best.min(start.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "check: {} beads, {} sentences, {} flags in {:.3} s (best of 3): {:.0} beads/s, {:.0} sentences/s",
        bitext.beads.len(),
        sentences,
        flags,
        secs,
        bitext.beads.len() as f64 / secs,
        sentences as f64 / secs
    );
}
