//! The small bitext the exporter tests share (`tests/fixtures/bitext.jsonl`): the first
//! paragraphs of the seed article with translations, every kind of bead, flags of each
//! severity and decisions (one bead decided twice: the last decision wins).

use crate::bitext::Bitext;

/// The fixture's JSONL text.
pub const SAMPLE_JSONL: &str = include_str!("../../tests/fixtures/bitext.jsonl");

/// The fixture, parsed.
pub fn sample() -> Bitext {
    Bitext::read_jsonl(SAMPLE_JSONL.as_bytes(), "bitext.jsonl").expect("fixture is valid")
}
