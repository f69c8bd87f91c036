//! Reading a JSONL bitext: its lines parsed on every core, a batch at a time, then checked.
//!
//! Each line goes through [`super::fast`] first: a sentence, bead or flag as tarjama writes it
//! goes straight into its struct. Anything else (another record type, another key order, a torn
//! last line, an error) takes serde's derived reader, then a JSON value, which tells a newer
//! record type, a torn line and an error apart. Each chunk of lines sorts its records by kind,
//! in file order, keeping the line numbers a later error may name; the chunks are appended in
//! order, and what depends on order (the header first, dense sentence ids, the first error of
//! the file) is checked on the whole, so the file reads as a line-by-line pass would read it.

use std::io::BufRead;

use rayon::prelude::*;

use super::{
    Bead, Bitext, BitextError, Decision, Flag, Header, Note, Record, SCHEMA_VERSION, Sentence, Side,
};

/// The error for a file whose first record is not a header.
const NOT_A_BITEXT: &str =
    "the first record must be the header ({\"type\":\"header\",…}); is this a tarjama bitext?";

/// Bytes of JSONL read before the lines are parsed side by side: enough lines to keep every
/// core busy, few enough that a big bitext is never held twice.
const BATCH_BYTES: usize = 4 << 20;

/// Lines one parallel job sorts into its [`Parts`].
const CHUNK_LINES: usize = 1024;

impl Bitext {
    /// Reads and validates a JSONL bitext. `name` is used in error messages.
    pub fn read_jsonl<R: BufRead>(input: R, name: &str) -> Result<Bitext, BitextError> {
        Bitext::read_jsonl_in_batches(input, name, BATCH_BYTES)
    }

    /// [`Bitext::read_jsonl`], parsing about `batch_bytes` of lines at a time.
    fn read_jsonl_in_batches<R: BufRead>(
        mut input: R,
        name: &str,
        batch_bytes: usize,
    ) -> Result<Bitext, BitextError> {
        let mut parts = Parts::default();
        let mut batch = LineBatch::default();
        let mut first_number = 1;
        loop {
            let more = batch
                .fill(&mut input, batch_bytes)
                .map_err(|source| BitextError::Io {
                    file: name.to_string(),
                    source,
                })?;
            let lines: Vec<&[u8]> = batch.lines().collect();
            let chunks: Vec<Parts> = lines
                .par_chunks(CHUNK_LINES)
                .enumerate()
                .map(|(k, chunk)| Parts::of(chunk, first_number + k * CHUNK_LINES))
                .collect();
            for chunk in chunks {
                parts.append(chunk);
            }
            first_number += lines.len();
            if !more {
                break;
            }
        }
        parts.into_bitext(name)
    }

    /// Reads a bitext file, or standard input for `-`.
    pub fn read_path(path: &std::path::Path) -> Result<Bitext, BitextError> {
        let source = crate::input::Source::from_arg(path);
        let name = source.display_name();
        match source {
            crate::input::Source::Stdin => Bitext::read_jsonl(std::io::stdin().lock(), &name),
            crate::input::Source::File(p) => {
                let file = std::fs::File::open(&p).map_err(|source| BitextError::Io {
                    file: name.clone(),
                    source,
                })?;
                Bitext::read_jsonl(std::io::BufReader::new(file), &name)
            }
        }
    }
}

/// Items of one kind with the line each was read from.
#[derive(Debug)]
struct Numbered<T> {
    items: Vec<T>,
    lines: Vec<usize>,
}

impl<T> Default for Numbered<T> {
    fn default() -> Self {
        Numbered {
            items: Vec::new(),
            lines: Vec::new(),
        }
    }
}

impl<T> Numbered<T> {
    fn push(&mut self, line: usize, item: T) {
        self.items.push(item);
        self.lines.push(line);
    }

    fn append(&mut self, mut other: Numbered<T>) {
        self.items.append(&mut other.items);
        self.lines.append(&mut other.lines);
    }

    /// The items, each checked by `check` (given the item and its index); the first that fails
    /// is an error at its line.
    fn checked(
        self,
        mut check: impl FnMut(&T, usize) -> Result<(), String>,
    ) -> Result<Vec<T>, (usize, String)> {
        for (k, (item, &line)) in self.items.iter().zip(&self.lines).enumerate() {
            check(item, k).map_err(|message| (line, message))?;
        }
        Ok(self.items)
    }
}

/// What the first line that is not blank holds: a bitext must open with its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// A header record (or a line that says it is one).
    Header,
    /// A line that is not a record: its own error says what is wrong.
    Fault,
    /// Any other record.
    Other,
}

/// A line that is no record.
#[derive(Debug)]
enum Fault {
    /// Not UTF-8; `torn` when it is the file's last line, without its line feed.
    NotUtf8 {
        error: std::str::Utf8Error,
        torn: bool,
    },
    /// Not JSON; `torn` as above.
    NotJson { error: String, torn: bool },
    /// JSON with a known record type that does not read as that record.
    Invalid { kind: String, error: String },
}

/// The lines of a run of the file, sorted by kind, in file order.
#[derive(Debug, Default)]
struct Parts {
    /// The first line that is not blank, and what it holds.
    opening: Option<(usize, Opening)>,
    /// The last line that is not blank (a torn last line that is not UTF-8 does not count).
    last: usize,
    headers: Numbered<Header>,
    source: Numbered<Sentence>,
    target: Numbered<Sentence>,
    beads: Numbered<Bead>,
    flags: Numbered<Flag>,
    decisions: Numbered<Decision>,
    notes: Numbered<Note>,
    stale: Vec<Decision>,
    faults: Numbered<Fault>,
}

impl Parts {
    /// Reads `lines`, the first of which is line `first_number` of the file.
    fn of(lines: &[&[u8]], first_number: usize) -> Parts {
        let mut parts = Parts::default();
        for (k, bytes) in lines.iter().enumerate() {
            parts.read(first_number + k, bytes);
        }
        parts
    }

    /// Reads line `number` (with its line feed, if it has one).
    fn read(&mut self, number: usize, bytes: &[u8]) {
        // Only the last line of a file may lack its line feed: an append cut short by a crash
        // (power loss, full disk). What it held was never reported as saved.
        let torn = bytes.last() != Some(&b'\n');
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                self.open(number, Opening::Fault);
                if !torn {
                    self.last = number;
                }
                self.faults.push(number, Fault::NotUtf8 { error, torn });
                return;
            }
        };
        if text.trim().is_empty() {
            return;
        }
        self.last = number;
        // Straight to a record: one parse instead of two. A line that is not one of ours as
        // we write it takes the slow path (a JSON value first).
        let record = super::fast::record(text).or_else(|| serde_json::from_str(text).ok());
        match record {
            Some(record) => self.push(number, record),
            None => self.read_slowly(number, text, torn),
        }
    }

    /// Reads a line the fast parses did not take: a newer record type, a torn line or an error.
    fn read_slowly(&mut self, number: usize, text: &str, torn: bool) {
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                self.open(number, Opening::Fault);
                let error = error.to_string();
                self.faults.push(number, Fault::NotJson { error, torn });
                return;
            }
        };
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        self.open(
            number,
            if kind == "header" {
                Opening::Header
            } else {
                Opening::Other
            },
        );
        if !matches!(
            kind.as_str(),
            "header" | "sentence" | "bead" | "flag" | "decision" | "note" | "stale-decision"
        ) {
            // A record type from a newer tarjama of the same schema: skipped.
            return;
        }
        match serde_json::from_value(value) {
            Ok(record) => self.push(number, record),
            Err(error) => {
                let error = error.to_string();
                self.faults.push(number, Fault::Invalid { kind, error });
            }
        }
    }

    /// Notes what line `number` holds, if it is the first that is not blank.
    fn open(&mut self, number: usize, opening: Opening) {
        self.opening.get_or_insert((number, opening));
    }

    fn push(&mut self, number: usize, record: Record) {
        let opening = match record {
            Record::Header(_) => Opening::Header,
            _ => Opening::Other,
        };
        self.open(number, opening);
        match record {
            Record::Header(h) => self.headers.push(number, h),
            Record::Sentence(s) if s.side == Side::Source => self.source.push(number, s),
            Record::Sentence(s) => self.target.push(number, s),
            Record::Bead(b) => self.beads.push(number, b),
            Record::Flag(f) => self.flags.push(number, f),
            Record::Decision(d) => self.decisions.push(number, d),
            Record::Note(n) => self.notes.push(number, n),
            Record::StaleDecision(d) => self.stale.push(d),
        }
    }

    /// Appends the parts of the lines that follow.
    fn append(&mut self, next: Parts) {
        self.opening = self.opening.or(next.opening);
        self.last = self.last.max(next.last);
        self.headers.append(next.headers);
        self.source.append(next.source);
        self.target.append(next.target);
        self.beads.append(next.beads);
        self.flags.append(next.flags);
        self.decisions.append(next.decisions);
        self.notes.append(next.notes);
        self.stale.extend(next.stale);
        self.faults.append(next.faults);
    }

    /// The first error of a line-by-line pass over the records: the file's opening, its faults,
    /// its headers and its sentence ids, whichever comes first in the file.
    fn first_line_error(&self) -> Option<(usize, String)> {
        let header_line = self.headers.lines.first().copied();
        let opening = self.opening.and_then(|(line, opening)| {
            (opening == Opening::Other).then(|| (line, NOT_A_BITEXT.to_string()))
        });
        let fault = self
            .faults
            .items
            .iter()
            .zip(&self.faults.lines)
            .find_map(|(fault, &line)| {
                let message = match fault {
                    Fault::NotUtf8 { torn: true, .. } => return None,
                    Fault::NotUtf8 { error, .. } => format!("not UTF-8: {error}"),
                    Fault::NotJson { torn: true, .. } if header_line.is_some_and(|h| h < line) => {
                        return None;
                    }
                    Fault::NotJson { error, .. } => format!("not a JSON object: {error}"),
                    Fault::Invalid { kind, error } => format!("invalid {kind} record: {error}"),
                };
                Some((line, message))
            });
        let header = self.headers.items.first().and_then(|h| {
            (h.schema != SCHEMA_VERSION).then(|| {
                (
                    self.headers.lines[0],
                    format!(
                        "schema version {} is not supported (this tarjama reads version {SCHEMA_VERSION}); upgrade tarjama",
                        h.schema
                    ),
                )
            })
        });
        let second_header = self
            .headers
            .lines
            .get(1)
            .map(|&line| (line, "a second header record".to_string()));
        let misplaced = |sentences: &Numbered<Sentence>| {
            sentences
                .items
                .iter()
                .zip(&sentences.lines)
                .enumerate()
                .find(|(k, (s, _))| s.id != *k)
                .map(|(k, (s, &line))| {
                    let message = format!(
                        "{:?} sentence id {} out of order (expected {k})",
                        s.side, s.id
                    );
                    (line, message.to_lowercase())
                })
        };
        [
            opening,
            fault,
            header,
            second_header,
            misplaced(&self.source),
            misplaced(&self.target),
        ]
        .into_iter()
        .flatten()
        .min_by_key(|(line, _)| *line)
    }

    /// The bitext, once every record is checked against the others.
    fn into_bitext(mut self, name: &str) -> Result<Bitext, BitextError> {
        let invalid = |(line, message): (usize, String)| BitextError::Invalid {
            file: name.to_string(),
            line,
            message,
        };
        if let Some(error) = self.first_line_error() {
            return Err(invalid(error));
        }
        if self.headers.items.is_empty() {
            return Err(invalid((0, "empty file: no header record".into())));
        }
        let header = self.headers.items.swap_remove(0);
        let (source, target) = (self.source.items, self.target.items);
        let mut next = (0, 0);
        let beads = self
            .beads
            .checked(|bead, k| {
                check_bead(bead, next, k)?;
                next = (next.0 + bead.source.len(), next.1 + bead.target.len());
                Ok(())
            })
            .map_err(invalid)?;
        if beads.is_empty() && !(source.is_empty() && target.is_empty()) {
            return Err(invalid((
                self.last,
                format!(
                    "the file ends after {} source and {} target sentences without any bead; is it cut short? Write it again with the command that made it",
                    source.len(),
                    target.len()
                ),
            )));
        }
        if !beads.is_empty() && next != (source.len(), target.len()) {
            return Err(invalid((
                self.last,
                format!(
                    "the beads cover {} of {} source and {} of {} target sentences (is the file cut short?); every sentence must be in exactly one bead",
                    next.0,
                    source.len(),
                    next.1,
                    target.len()
                ),
            )));
        }
        let flags = self
            .flags
            .checked(|f, _| check_flag(f, beads.len(), source.len(), target.len()))
            .map_err(invalid)?;
        let decisions = self
            .decisions
            .checked(|d, _| {
                if d.bead < beads.len() {
                    Ok(())
                } else {
                    Err(format!("decision for unknown bead {}", d.bead))
                }
            })
            .map_err(invalid)?;
        let notes = self
            .notes
            .checked(|n, _| {
                if n.stale || n.bead < beads.len() {
                    Ok(())
                } else {
                    Err(format!("note for unknown bead {}", n.bead))
                }
            })
            .map_err(invalid)?;
        Ok(Bitext {
            header,
            source,
            target,
            beads,
            flags,
            decisions,
            notes,
            stale: self.stale,
        })
    }
}

/// Whole lines of a JSONL input, read a batch at a time into one buffer.
#[derive(Default)]
struct LineBatch {
    bytes: Vec<u8>,
    /// Where each line ends (after its line feed, if it has one).
    ends: Vec<usize>,
}

impl LineBatch {
    /// Replaces the batch with the next lines of `input`, at least `limit` bytes of them
    /// unless the input ends first; false once the input is exhausted (the batch then holds its
    /// last lines, if any).
    fn fill(&mut self, input: &mut impl BufRead, limit: usize) -> std::io::Result<bool> {
        self.bytes.clear();
        self.ends.clear();
        while self.bytes.len() < limit {
            if input.read_until(b'\n', &mut self.bytes)? == 0 {
                return Ok(false);
            }
            self.ends.push(self.bytes.len());
        }
        Ok(true)
    }

    /// The batch's lines, each with its line feed if it has one.
    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.bytes[start..end])
    }
}

/// Checks that a bead continues where the previous one stopped, with consecutive ids.
fn check_bead(bead: &Bead, next: (usize, usize), expected_id: usize) -> Result<(), String> {
    if bead.id != expected_id {
        return Err(format!(
            "bead id {} out of order (expected {expected_id})",
            bead.id
        ));
    }
    if bead.source.is_empty() && bead.target.is_empty() {
        return Err(format!("bead {} is empty on both sides", bead.id));
    }
    let consecutive =
        |ids: &[usize], start: usize| ids.iter().enumerate().all(|(k, &i)| i == start + k);
    if !consecutive(&bead.source, next.0) || !consecutive(&bead.target, next.1) {
        return Err(format!(
            "bead {} is not monotone: it should continue at source {} and target {}",
            bead.id, next.0, next.1
        ));
    }
    Ok(())
}

/// Checks that a flag names only beads and sentences the file has.
fn check_flag(flag: &Flag, beads: usize, source: usize, target: usize) -> Result<(), String> {
    if let Some(bead) = flag.bead.filter(|&b| b >= beads) {
        return Err(format!(
            "flag {} names bead {bead}, but the file has {beads} beads",
            flag.code
        ));
    }
    let beyond = |ids: &[usize], count: usize| ids.iter().copied().find(|&i| i >= count);
    if let Some(id) = beyond(&flag.source, source) {
        return Err(format!(
            "flag {} names source sentence {id}, but the file has {source} source sentences",
            flag.code
        ));
    }
    if let Some(id) = beyond(&flag.target, target) {
        return Err(format!(
            "flag {} names target sentence {id}, but the file has {target} target sentences",
            flag.code
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn batches_of_any_size_read_the_same_bitext_and_the_same_errors() {
        let mut b = Bitext::new(Lang::parse("ar").unwrap(), Lang::parse("en").unwrap());
        for i in 0..40 {
            b.source
                .push(Sentence::new(Side::Source, i, i / 4, format!("جملة {i}.")));
            b.target.push(Sentence::new(
                Side::Target,
                i,
                i / 4,
                format!("Sentence {i}."),
            ));
            b.beads.push(Bead::new(i, vec![i], vec![i], 0.9));
        }
        let mut whole = Vec::new();
        b.write_jsonl(&mut whole).unwrap();
        // A torn last line is dropped, a line that is not JSON is named, whatever the batches.
        let mut torn = whole.clone();
        torn.extend_from_slice(b"{\"type\":\"decision\",\"bead\":0,\"act");
        let mut broken = whole.clone();
        broken.splice(200..200, b"not json\n".iter().copied());
        for batch in [1, 7, 100, 1000, usize::MAX] {
            let read = |bytes: &[u8]| Bitext::read_jsonl_in_batches(bytes, "t", batch);
            assert_eq!(read(&whole).unwrap(), b, "batch {batch}");
            assert_eq!(read(&torn).unwrap(), b, "batch {batch}");
            let line = 1 + broken[..200].iter().filter(|&&c| c == b'\n').count();
            let err = read(&broken).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("t:{line}: ")),
                "batch {batch}: {err}"
            );
        }
    }

    /// The first error of the file, as a line-by-line reader finds it, whatever the batches.
    #[test]
    fn the_first_error_in_file_order_is_the_one_reported() {
        let header = r#"{"type":"header","schema":1,"source_lang":"ar","target_lang":"en"}"#;
        let s0 = r#"{"type":"sentence","side":"source","id":0,"para":0,"text":"a"}"#;
        let s1 = r#"{"type":"sentence","side":"source","id":1,"para":0,"text":"b"}"#;
        let t0 = r#"{"type":"sentence","side":"target","id":0,"para":0,"text":"x"}"#;
        let b0 = r#"{"type":"bead","id":0,"source":[0],"target":[0],"score":1}"#;
        let future = r#"{"type":"future"}"#;
        let whole = format!("{header}\n{s0}\n{t0}\n{b0}\n");
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (
                format!("\n{s0}\n{header}\n").into(),
                Some("2: the first record must be the header"),
            ),
            (
                format!("{future}\n{header}\n").into(),
                Some("1: the first record must be the header"),
            ),
            (
                format!("{header}\n{s1}\n{t0}\n{b0}\n").into(),
                Some("2: source sentence id 1 out of order (expected 0)"),
            ),
            (
                format!("{header}\n{s0}\n{t0}\n{header}\n{b0}\n").into(),
                Some("4: a second header record"),
            ),
            (
                format!("{whole}not json\n{s1}\n").into(),
                Some("5: not a JSON object"),
            ),
            (
                format!("{header}\n{s0}\n{t0}\n{{\"type\":\"bead\",\"id\":0}}\n").into(),
                Some("4: invalid bead record: missing field `source`"),
            ),
            ([whole.as_bytes(), b"\xff\n"].concat(), Some("5: not UTF-8")),
            (b"not json".to_vec(), Some("1: not a JSON object")),
            // A torn last line is an append cut short: dropped.
            (format!("{whole}not json").into(), None),
            ([whole.as_bytes(), b"\xff\xfe"].concat(), None),
            // A newer record type is skipped.
            (format!("{whole}{future}").into(), None),
        ];
        for (text, expected) in cases {
            for batch in [1, 64, usize::MAX] {
                let read = Bitext::read_jsonl_in_batches(&text[..], "t", batch);
                match expected {
                    Some(error) => {
                        let got = read.unwrap_err().to_string();
                        assert!(got.starts_with(&format!("t:{error}")), "{got}");
                    }
                    None => assert_eq!(read.unwrap().beads.len(), 1),
                }
            }
        }
    }
}
