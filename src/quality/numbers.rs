//! `number-mismatch`: numbers of the source missing from the target, or numbers of the target
//! the source does not have.
//!
//! Both sides are normalised before comparing: Arabic-Indic and Eastern digits fold to ASCII,
//! `٫` and `،` between digits are decimal marks, `,` or `٬` (or a no-break space) followed by
//! exactly three digits groups thousands (`100,000` = `100000`), a scale word or suffix
//! multiplies (`100 ألف` = `100,000`, `4.5 million` = `4500000`, `$221bn`). A number counts as
//! present on the other side when that side has:
//!
//! - one of its values, written with digits or words (`two`, `ثلاثة آلاف وخمسمائة`, `لشهرين`
//!   = 2 months, `درجة ونصف` = 1.5, `نصف` = 50 %): see [`words`];
//! - the same time of day (`6:30` = `6.30`, `22:00` = `10pm` = `10 مساءً`), decade (`1960s` =
//!   `'60s` = `الستينيات`), month of a digit date (`20/3/2003` = `20 March 2003`), full year of
//!   a range end (`2010-11` = `2010-2011`) or Gregorian year of a Hijri year (`1441 هـ` = 2019 or
//!   2020);
//! - the same amount in another unit (`16 km` = `10 miles`, `30 °C` = `86F`): see [`units`];
//! - when the target number is hedged (`about`, `nearly`, `more than`), a rounding of it
//!   (`2,487` → `nearly 2,500`); the translation may round, never add precision.
//!
//! [`numbers`] is the plain digit reader the synthetic evaluation's generator uses to pick and
//! verify its number changes; it is kept as it is so the benchmark stays the same.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use crate::bitext::Severity;
use crate::bitext::{Flag, Side};
use crate::quality::Ctx;
use crate::quality::settings::NumberMismatch;
use crate::quality::text::normalize_arabic_word;
use crate::quality::{CheckInfo, Code, Family, info};

pub mod units;
pub mod words;
use crate::segment::normalize::fold_numbers;

/// A number as it appears, with the values it may stand for (itself, and scaled by a
/// following `thousand`/`ألف`…).
#[derive(Debug, Clone, PartialEq)]
pub struct NumberMention {
    /// The digits as written (after folding digit sets).
    pub written: String,
    /// Canonical values (`4500`, `2.5`): the number, and the number times its scale word.
    pub values: Vec<String>,
}

/// Canonical text of a number: no leading zeros, no trailing decimal zeros.
fn canonical(integer: &str, fraction: &str) -> String {
    let int = integer.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = fraction.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// The number times a power of ten, canonical (exact decimal arithmetic on the digits).
fn scaled(integer: &str, fraction: &str, zeros: usize) -> String {
    let mut digits = String::from(integer);
    let mut frac = fraction.to_string();
    for _ in 0..zeros {
        if frac.is_empty() {
            digits.push('0');
        } else {
            digits.push(frac.remove(0));
        }
    }
    canonical(&digits, &frac)
}

/// Power of ten of a scale word (`thousand`, `ألف`, `مليون`…), if it is one.
fn scale_of(word: &str) -> Option<usize> {
    let w = normalize_arabic_word(&word.to_lowercase());
    let w = w.trim_start_matches('و');
    match w {
        "thousand" | "thousands" | "الف" | "الاف" | "ألف" => Some(3),
        "million" | "millions" | "مليون" | "ملايين" | "ملايين،" => Some(6),
        "billion" | "billions" | "مليار" | "مليارات" | "بليون" => Some(9),
        "trillion" | "تريليون" => Some(12),
        _ => None,
    }
}

/// Every number written with digits in `text` (digits, separators and a following scale word
/// only; [`quantities`] reads more).
pub fn numbers(text: &str) -> Vec<NumberMention> {
    let folded = fold_numbers(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (mut integer, mut fraction) = (String::new(), String::new());
        let start = i;
        let mut in_fraction = false;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                if in_fraction {
                    fraction.push(c);
                } else {
                    integer.push(c);
                }
                i += 1;
                continue;
            }
            let next_digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if next_digits == 0 || in_fraction {
                break;
            }
            match c {
                // Thousands group: exactly three digits follow.
                ',' if next_digits == 3 => {}
                '.' | ',' | '،' => in_fraction = true,
                _ => break,
            }
            i += 1;
        }
        let written: String = chars[start..i].iter().collect();
        let mut values = vec![canonical(&integer, &fraction)];
        // `1970s`, `1970's`: also the decade, as `السبعينيات` says it.
        let decade_suffix = chars[i..].starts_with(&['s']) || chars[i..].starts_with(&['\'', 's']);
        if integer.len() == 4 && integer.ends_with('0') && fraction.is_empty() && decade_suffix {
            values.push(format!("{}s", &integer[2..]));
        }
        let rest: String = chars[i..].iter().take(24).collect();
        if let Some(zeros) = rest.split_whitespace().next().and_then(scale_of) {
            values.push(scaled(&integer, &fraction, zeros));
        }
        out.push(NumberMention { written, values });
    }
    out
}

/// A number of a text as `number-mismatch` compares it: every value it may stand for, its
/// amount and precision (for roundings), and its unit (for conversions).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The number as written (digit sets folded): `6:30`, `2.5`, `100,000`.
    pub written: String,
    /// Canonical values it may stand for: the number (`2.5`), scaled by a scale word
    /// (`2500000`), a time of day (`t22:30`), a decade (`90s`), a month of a digit date (`m3`),
    /// the Gregorian years of a Hijri year, the full year of a range end (`2010-11` → `2011`).
    pub values: Vec<String>,
    /// The amount (scale applied): `2.5 million` → 2,500,000.
    pub amount: f64,
    /// Place of its last significant digit (scale applied): 1 for `16`, 100 for `2,500`,
    /// 0.1 for `2.5`, 100,000 for `2.5 million`.
    pub ulp: f64,
    /// Its unit of measurement, if one follows.
    pub unit: Option<units::Unit>,
    /// Whether a word before it says it is approximate (`about`, `نحو`, `more than`).
    pub hedged: bool,
}

impl Quantity {
    /// The amount in the base unit of its dimension (metres, kilograms, °C…), and how far a
    /// conversion of it may be: half its last digit plus `slack` of it (0.3 % by default; more
    /// would let a changed last digit of a converted number pass, `328 feet` → `325 feet`).
    fn in_base_unit(&self, slack: f64) -> Option<(units::Dimension, f64, f64)> {
        let u = self.unit?;
        let base = self.amount * u.factor + u.offset;
        let tolerance = 0.5 * self.ulp * u.factor + slack * base.abs();
        Some((u.dimension, base, tolerance))
    }
}

/// Hours, minutes of `H:MM` / `H.MM` when they can be a time of day.
fn clock(integer: &str, fraction: &str) -> Option<(u32, u32)> {
    let h: u32 = integer.parse().ok()?;
    let m: u32 = fraction.parse().ok()?;
    (integer.len() <= 2 && fraction.len() == 2 && h <= 24 && m < 60).then_some((h, m))
}

/// `am`/`pm` (or `صباحا`/`مساء`) after a time: the hour on the 24-hour clock.
fn meridiem_hour(hour: u32, words: &[Vec<String>]) -> Option<u32> {
    let first = words.first()?;
    let is = |set: &[&str]| first.iter().any(|w| set.contains(&w.as_str()));
    if is(&["am", "a.m", "a.m.", "صباحا", "صباح", "فجرا"]) {
        Some(if hour == 12 { 0 } else { hour })
    } else if is(&["pm", "p.m", "p.m.", "مساء", "مساءا", "ليلا", "ظهرا", "عصرا"])
    {
        Some(if hour < 12 { hour + 12 } else { hour })
    } else {
        None
    }
}

/// The Gregorian years a Hijri year overlaps (a lunar year is 32/33 of a solar one).
fn gregorian_years(hijri: f64) -> [String; 2] {
    let start = (hijri * 32.0 / 33.0 + 622.0).floor();
    [words::show(start), words::show(start + 1.0)]
}

/// The words after position `at` of `chars` (at most `n`), each in its lookup forms, with an
/// attached suffix (`10am`, `221bn`, `16km`) as the first word.
fn words_after(chars: &[char], at: usize, n: usize) -> Vec<Vec<String>> {
    let rest: String = chars[at..].iter().take(60).collect();
    let mut out = Vec::new();
    for (k, raw) in rest.split_whitespace().enumerate() {
        if k > 0 && raw.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        let word = raw.trim_matches(|c: char| !(c.is_alphanumeric() || matches!(c, '°' | '²')));
        let word = if k == 0 {
            word.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | ':'))
        } else {
            word
        };
        if word.is_empty() && k == 0 {
            continue; // nothing attached: the next word is the first
        }
        out.push(words::arabic_stems(&word.to_lowercase()));
        if out.len() == n {
            break;
        }
    }
    out
}

/// Whether one of the (up to three) words before position `at` is a hedge (`about`, `نحو`)
/// with no other number in between (`about 512-510`: the hedge is 512's).
fn hedged_before(chars: &[char], at: usize) -> bool {
    let from = at.saturating_sub(40);
    let before: String = chars[from..at].iter().collect();
    for word in before.split_whitespace().rev().take(3) {
        if word.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        if words::is_hedge(word.trim_matches(|c: char| !c.is_alphanumeric())) {
            return true;
        }
    }
    false
}

/// Power of ten of a scale word or suffix after a number (`million`, `bn`, `ألف`, `m`).
fn scale_after(words: &[Vec<String>]) -> Option<usize> {
    let first = words.first()?;
    first.iter().find_map(|w| match w.as_str() {
        "k" => Some(3),
        "m" | "mn" | "mln" => Some(6),
        "bn" | "b" => Some(9),
        "tn" => Some(12),
        w => scale_of(w),
    })
}

/// One number with digits at `chars[start..]`: its integer and fraction digits, and where it
/// ends. `H:MM` is read as a time (`clock` says whether it can be one).
struct Lexed {
    integer: String,
    fraction: String,
    colon: bool,
    end: usize,
}

fn lex(chars: &[char], start: usize) -> Lexed {
    let (mut integer, mut fraction) = (String::new(), String::new());
    let mut i = start;
    let mut in_fraction = false;
    let mut colon = false;
    let digits_at = |k: usize| chars[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            if in_fraction {
                fraction.push(c);
            } else {
                integer.push(c);
            }
            i += 1;
            continue;
        }
        let next_digits = digits_at((i + 1).min(chars.len()));
        if next_digits == 0 || in_fraction {
            break;
        }
        let grouped = integer.len() <= 3 || integer.len() % 3 == 0 && integer.len() > 3;
        match c {
            // Thousands group: exactly three digits follow.
            ',' if next_digits == 3 => {}
            // A no-break or thin space groups thousands too (`100 000`).
            '\u{00A0}' | '\u{202F}' | '\u{2009}' if next_digits == 3 && grouped => {}
            ':' if next_digits == 2 && integer.len() <= 2 => {
                in_fraction = true;
                colon = true;
            }
            '.' | ',' | '،' => in_fraction = true,
            _ => break,
        }
        i += 1;
    }
    Lexed {
        integer,
        fraction,
        colon,
        end: i,
    }
}

/// Precision of a written number: its last non-zero digit place (`2,500` → 100, `2.5` → 0.1).
fn ulp_of(integer: &str, fraction: &str) -> f64 {
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        return 10f64.powi(-(fraction.len() as i32));
    }
    let int = integer.trim_start_matches('0');
    let zeros = int.len() - int.trim_end_matches('0').len();
    if int.is_empty() {
        1.0
    } else {
        10f64.powi(zeros as i32)
    }
}

/// Every number written with digits in `text`, with what it may stand for.
pub fn quantities(text: &str) -> Vec<Quantity> {
    // Only digits (of any set) fold to ASCII digits: a text without one has no number, and
    // most sentences have none (no folding, no character vector for them).
    if !text.chars().any(crate::segment::normalize::is_digit) {
        return Vec::new();
    }
    let folded = fold_numbers(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<Quantity> = Vec::new();
    // End of the previous number and the separator run since, for ranges and digit dates.
    let mut previous_end: Option<usize> = None;
    // Numbers joined so far by one separator (`20/3/2003` is a chain of three).
    let mut chain: (usize, String) = (1, String::new());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let lexed = lex(&chars, start);
        i = lexed.end;
        let Lexed {
            integer, fraction, ..
        } = &lexed;
        let written: String = chars[start..i].iter().collect();
        let after = words_after(&chars, i, 4);
        let plain = canonical(integer, fraction);
        let mut values = vec![];
        let amount: f64 = plain.parse().unwrap_or(0.0);
        let mut scale = 1.0;
        if let Some((h, m)) = clock(integer, fraction) {
            let hour = meridiem_hour(h, &after).unwrap_or(h);
            values.push(format!("t{hour}:{m:02}"));
            if lexed.colon && m == 0 {
                values.push(words::show(f64::from(h)));
            }
        }
        if !lexed.colon {
            values.push(plain.clone());
            if fraction.is_empty()
                && let Ok(h) = integer.parse::<u32>()
                && h <= 12
                && let Some(hour) = meridiem_hour(h, &after)
            {
                values.push(format!("t{hour}:00"));
            }
        }
        // `1970s`, `1970's`, `'60s`: also the decade, as `السبعينيات` says it.
        let decade = chars[i..].starts_with(&['s']) || chars[i..].starts_with(&['\'', 's']);
        if (integer.len() == 4 || integer.len() == 2)
            && integer.ends_with('0')
            && fraction.is_empty()
            && decade
        {
            values.push(format!("{}s", &integer[integer.len() - 2..]));
        }
        if let Some(zeros) = scale_after(&after) {
            values.push(scaled(integer, fraction, zeros));
            scale = 10f64.powi(zeros as i32);
        }
        let era = after.first().is_some_and(|f| {
            f.iter()
                .any(|w| matches!(w.as_str(), "ه" | "هجري" | "هجرية" | "هجرة" | "ah"))
        });
        if era && fraction.is_empty() {
            values.extend(gregorian_years(amount));
        }
        // Ranges and digit dates: what sits between this number and the previous one.
        let between: String = previous_end
            .map(|e| chars[e..start].iter().collect())
            .unwrap_or_default();
        if matches!(between.as_str(), "-" | "–" | "/")
            && integer.len() == 2
            && fraction.is_empty()
            && let Some(prev) = out.last()
            && prev.written.len() == 4
            && prev.amount >= 1000.0
        {
            let full = format!("{}{}", &prev.written[..2], integer);
            if full.parse::<f64>().unwrap_or(0.0) > prev.amount {
                values.push(full);
            }
        }
        // Digit dates (d/m/y, m/d/y, y-m-d: three numbers joined by one separator; `9/11`):
        // any small part may be the month, as a month name on the other side says it. Two
        // numbers joined by `/` may also be a fraction (`1/2` = `نصف`).
        chain = match (&between[..], chain) {
            ("/" | "-", (n, sep)) if sep == between && fraction.is_empty() => (n + 1, sep),
            ("/" | "-", _) if fraction.is_empty() => (2, between.clone()),
            _ => (1, String::new()),
        };
        let slash_pair = chain.0 == 2 && chain.1 == "/";
        if slash_pair || chain.0 == 3 {
            let parts = out.len() + 1 - chain.0..out.len();
            for prev in &mut out[parts] {
                if (1.0..=12.0).contains(&prev.amount) && prev.written.len() <= 2 {
                    push_new(&mut prev.values, format!("m{}", prev.amount));
                }
            }
            if (1.0..=12.0).contains(&amount) && integer.len() <= 2 {
                values.push(format!("m{amount}"));
            }
        }
        let date_goes_on =
            chars.get(i) == Some(&'/') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if slash_pair
            && !date_goes_on
            && amount != 0.0
            && let Some(prev) = out.last_mut()
        {
            let ratio = words::show(prev.amount / amount);
            push_new(&mut prev.values, ratio.clone());
            values.push(ratio);
        }
        let unit = units::unit_after(&after);
        let ulp = ulp_of(integer, fraction) * scale;
        out.push(Quantity {
            written,
            values,
            amount: amount * scale,
            ulp,
            unit,
            hedged: hedged_before(&chars, start),
        });
        previous_end = Some(i);
    }
    out
}

/// Adds a value unless it is already there.
fn push_new(values: &mut Vec<String>, value: String) {
    if !values.contains(&value) {
        values.push(value);
    }
}

/// The words of a text for the number-word reader (hyphenated English numbers split).
fn word_tokens(text: &str) -> Vec<&str> {
    crate::quality::text::word_iter(text)
        .flat_map(|w| w.split(['-', '–']))
        .filter(|w| !w.is_empty())
        .collect()
}

/// One side of a bead: its numbers with digits and every value it mentions (digits or words).
struct BeadSide<'a> {
    text: &'a str,
    quantities: Vec<Quantity>,
    /// Values of the numbers written with digits.
    digit_values: BTreeSet<String>,
    /// Values of the number words, read only when digits do not settle a number (most beads
    /// match digit for digit, and reading words costs more than the rest of the check).
    word_values: OnceCell<BTreeSet<String>>,
}

impl<'a> BeadSide<'a> {
    fn of(text: &'a str) -> BeadSide<'a> {
        let quantities = quantities(text);
        let digit_values = quantities
            .iter()
            .flat_map(|q| q.values.iter().cloned())
            .collect();
        BeadSide {
            text,
            quantities,
            digit_values,
            word_values: OnceCell::new(),
        }
    }

    /// Whether the side mentions this value, with digits or in words.
    fn has(&self, value: &str) -> bool {
        self.digit_values.contains(value)
            || self
                .word_values
                .get_or_init(|| words::word_values(&word_tokens(self.text)))
                .contains(value)
    }
}

/// Whether `rounded` is `exact` rounded to a coarser place (`about 2,500` for `2,487`).
fn rounds(exact: &Quantity, rounded: &Quantity) -> bool {
    rounded.hedged
        && rounded.amount != 0.0
        && rounded.ulp >= 10.0 * exact.ulp
        && (exact.amount - rounded.amount).abs() <= 0.5 * rounded.ulp
}

/// Whether the other side accounts for a number: it has one of its values, the same amount in
/// another unit, or (when the target is hedged) a rounding of it.
fn accounted(q: &Quantity, other: &BeadSide, q_is_target: bool, rules: &NumberMismatch) -> bool {
    if q.values.iter().any(|v| other.digit_values.contains(v))
        || q.values.iter().any(|v| other.has(v))
    {
        return true;
    }
    // The more precise of the two sets the tolerance: `100 m` may be anything from 50 to 150,
    // but its conversion `328 feet` is exact to the foot.
    let slack = rules.conversion_tolerance;
    if rules.conversions
        && let Some((dim, base, tolerance)) = q.in_base_unit(slack)
    {
        let converted = other.quantities.iter().any(|o| {
            o.in_base_unit(slack)
                .is_some_and(|(d, b, t)| d == dim && (b - base).abs() <= tolerance.min(t))
        });
        if converted {
            return true;
        }
    }
    rules.roundings
        && other.quantities.iter().any(|o| {
            if q_is_target {
                rounds(o, q)
            } else {
                rounds(q, o)
            }
        })
}

/// Numbers of `from` the other side does not account for, as written.
fn unaccounted(
    from: &BeadSide,
    other: &BeadSide,
    from_target: bool,
    rules: &NumberMismatch,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for q in &from.quantities {
        if !accounted(q, other, from_target, rules) && !out.contains(&q.written) {
            out.push(q.written.clone());
        }
    }
    out
}

/// Runs `number-mismatch` on every bead with both sides.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of(Code::NumberMismatch) else {
        return;
    };
    for bead in &ctx.bitext.beads {
        if bead.source.is_empty() || bead.target.is_empty() {
            continue;
        }
        let source = ctx.bead_text(bead, Side::Source);
        let target = ctx.bead_text(bead, Side::Target);
        if !source
            .chars()
            .chain(target.chars())
            .any(crate::quality::text::is_numeric_char)
        {
            continue; // only numbers written with digits are compared
        }
        let (source, target) = (BeadSide::of(source), BeadSide::of(target));
        let rules = &ctx.settings.number_mismatch;
        let lost = unaccounted(&source, &target, false, rules);
        let extra = unaccounted(&target, &source, true, rules);
        if lost.is_empty() && extra.is_empty() {
            continue;
        }
        let message = match (lost.is_empty(), extra.is_empty()) {
            (false, false) => format!(
                "numbers differ: the source has {} but the translation has {}",
                lost.join(", "),
                extra.join(", ")
            ),
            (false, true) => format!(
                "the source number {} is missing from the translation",
                lost.join(", ")
            ),
            _ => format!(
                "the translation has the number {}, which is not in the source",
                extra.join(", ")
            ),
        };
        let evidence = format!(
            "source only: [{}]; target only: [{}]",
            lost.join(", "),
            extra.join(", ")
        );
        flags.push(ctx.bead_flag(Code::NumberMismatch, severity, bead, message, evidence));
    }
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[info(
    Code::NumberMismatch,
    Severity::Warning,
    Family::Pair,
    "a number of the source is missing from the target, or the target has a number the source lacks (digit sets, separators and decimals normalised)",
)];

family_check!(
    /// The `number-mismatch` check.
    NumberMismatchCheck
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::{codes, pairs};

    #[test]
    fn ordinal_number_words_of_legal_arabic_match_the_digits() {
        for (ar, en) in [
            (
                "تلغى المواد (الحادية والخمسين بعد المائة) و(الثانية والخمسين بعد المائة) من النظام.",
                "Articles 151 and 152 of the Law are repealed.",
            ),
            (
                "يعدل نص المادة الخامسة والعشرين ليصبح على النحو الآتي:",
                "The text of Article 25 is amended to read as follows:",
            ),
            (
                "تكون مدة الشركة خمساً وعشرين سنة تبدأ من تاريخ قيدها.",
                "The term of the Company shall be 25 years from the date of its entry.",
            ),
            ("المادة الحادية والعشرون بعد المائتين", "Article 221"),
        ] {
            let b = pairs(&[(ar, en)]);
            assert!(!codes(&b).contains(&"number-mismatch".to_string()), "{ar}");
        }
        let b = pairs(&[(
            "تلغى المادة (الحادية والخمسين بعد المائة) من النظام.",
            "Article 153 of the Law is repealed.",
        )]);
        assert!(codes(&b).contains(&"number-mismatch".to_string()));
    }

    fn vals(t: &str) -> Vec<String> {
        numbers(t).into_iter().flat_map(|n| n.values).collect()
    }

    #[test]
    fn normalises_digit_sets_separators_and_scales() {
        assert_eq!(vals("٢٠٠٣"), ["2003"]);
        assert_eq!(vals("100,000 and 4,500"), ["100000", "4500"]);
        assert_eq!(vals("٢٫٥ و6،5 و2,5 و2.50"), ["2.5", "6.5", "2.5", "2.5"]);
        assert_eq!(vals("100 ألف"), ["100", "100000"]);
        assert_eq!(vals("4.5 million"), ["4.5", "4500000"]);
        assert_eq!(vals("50% in the 1990s, 20th"), ["50", "1990", "90s", "20"]);
        assert_eq!(vals("2003-2011"), ["2003", "2011"]);
    }

    /// `n` with a comma every three digits (`4,500`).
    fn grouped(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (k, c) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        /// A number written in Arabic-Indic digits matches the same number in ASCII with
        /// thousands separators, and never a different one.
        #[test]
        fn digit_sets_and_grouping_compare_equal(n in 0u64..10_000_000_000, m in 0u64..10_000_000_000) {
            let arabic: String = n.to_string().chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
            let same = pairs(&[(format!("بلغ العدد {arabic} شخصا.").as_str(), format!("The number reached {}.", grouped(n)).as_str())]);
            proptest::prop_assert!(!codes(&same).contains(&"number-mismatch".to_string()));
            let other = pairs(&[(format!("بلغ العدد {arabic} شخصا.").as_str(), format!("The number reached {}.", grouped(m)).as_str())]);
            proptest::prop_assert_eq!(codes(&other).contains(&"number-mismatch".to_string()), n != m);
        }
    }

    #[test]
    fn flags_changed_and_missing_numbers_only() {
        let ok = [
            (
                "قتل أكثر من 100000 مدني.",
                "More than 100,000 civilians were killed.",
            ),
            ("نحو ٤٥٠٠ حالة وفاة.", "Nearly 4,500 deaths."),
            ("في 20 مارس 2003.", "On March 20, 2003."),
            ("قتل ثلاثة جنود.", "3 soldiers were killed."),
            ("قتل 3 جنود.", "Three soldiers were killed."),
            ("بلغت النسبة 50 في المائة.", "The rate reached 50 percent."),
            ("في السبعينيات.", "In the 1970s."),
            ("بلغ الحادية والثلاثين من عمره.", "He is now 31."),
            ("ظهرت نحو 39 قصة.", "Some thirty-nine stories appeared."),
            ("من القرن الثامن قبل الميلاد.", "From the 8th century BC."),
            ("خلال القرن السادس عشر.", "During the 16th century."),
            ("وضعوا ملياري جنيه.", "They put £2bn."),
        ];
        for (s, t) in ok {
            assert!(
                !codes(&pairs(&[(s, t)])).contains(&"number-mismatch".into()),
                "{s} / {t}"
            );
        }
        for (s, t) in [
            (
                "قتل أكثر من 100000 مدني.",
                "More than 10,000 civilians were killed.",
            ),
            ("في عام 2017.", "In 2016."),
            ("في عام 2017.", "That year."),
        ] {
            assert!(
                codes(&pairs(&[(s, t)])).contains(&"number-mismatch".into()),
                "{s} / {t}"
            );
        }
    }

    fn flagged(s: &str, t: &str) -> bool {
        codes(&pairs(&[(s, t)])).contains(&"number-mismatch".to_string())
    }

    fn qvals(t: &str) -> Vec<String> {
        quantities(t).into_iter().flat_map(|q| q.values).collect()
    }

    #[test]
    fn quantities_read_times_scales_decades_eras_ranges_and_dates() {
        assert_eq!(qvals("6:30 و10:00"), ["t6:30", "t10:00", "10"]);
        assert_eq!(qvals("at 10.30pm"), ["t22:30", "10.3"]);
        assert_eq!(qvals("10am"), ["10", "t10:00"]);
        assert_eq!(qvals("$221bn"), ["221", "221000000000"]);
        assert_eq!(qvals("the '60s"), ["60", "60s"]);
        assert_eq!(qvals("1441 هـ"), ["1441", "2019", "2020"]);
        assert_eq!(qvals("2010-11"), ["2010", "11", "2011"]);
        assert_eq!(qvals("20/3/2003"), ["20", "3", "m3", "2003"]);
        assert_eq!(qvals("100\u{00A0}000"), ["100000"]);
        let q = &quantities("نحو 2.5 مليون")[0];
        assert!(q.hedged);
        assert_eq!((q.amount, q.ulp), (2_500_000.0, 100_000.0));
        assert_eq!(quantities("2,500")[0].ulp, 100.0);
    }

    #[test]
    fn equivalent_numbers_are_not_flagged() {
        for (s, t) in [
            // Time of day: `:` or `.`, am/pm, the 24-hour clock.
            ("من 6:30 إلى 10:00 صباحاً", "(6.30-10am)"),
            ("ستتحدث عند الساعة 23:45.", "She will speak at 23.45."),
            ("عند الساعة 10 مساء", "at 10pm"),
            ("عند الساعة 22:00", "at 10 p.m."),
            // Duals of counted nouns, with clitics.
            ("تستمر لشهرين.", "The 2 month breeding period."),
            ("أقل من درجتين مئويتين.", "Under 2C."),
            // Decades, the millennium, centuries as ordinals.
            ("في الستينيات.", "In the 60s."),
            ("في الستينيات.", "In the '60s."),
            (
                "في بداية الألفية, 100000 نسمة.",
                "In the early 2000s, 100,000 inhabitants.",
            ),
            ("في القرن التاسع عشر.", "In the 19th century."),
            ("الذكرى الـ50.", "The 50th anniversary."),
            // Fractions and percentages.
            ("ارتفاع بمقدار درجة ونصف.", "The 1.5-degree target."),
            ("نصف السكان.", "50% of the population."),
            ("50 في المائة.", "50 per cent."),
            // Numbers in words, compounds, scales.
            ("ثلاثة آلاف وخمسمائة جندي.", "3,500 soldiers."),
            ("2500 جندي.", "Two thousand five hundred soldiers."),
            ("2.5 مليون.", "2,500,000."),
            ("2500000 نسمة.", "2.5 million people."),
            ("221 مليار دولار.", "$221bn."),
            ("2000 مليون جنيه.", "£2bn."),
            // Unit conversions added by the translator.
            ("على بعد 16 كيلومترا.", "10 miles (16 km) away."),
            ("على بعد 100 كيلومتر.", "About 62 miles away."),
            ("30 درجة مئوية.", "86F."),
            ("30 درجة مئوية.", "30C (86F)."),
            ("5 كيلوغرامات.", "11 lb."),
            ("على بعد 100 ميل.", "100 miles (160 km) away."),
            ("على بعد 60 ميلا.", "60 miles (96 km) away."),
            ("مساحة 10 كيلومترات مربعة.", "An area of 3.9 square miles."),
            // Roundings announced by a hedge.
            ("قتل 2487 شخصا.", "Nearly 2,500 people were killed."),
            ("بنسبة 48.7%.", "About 49%."),
            // Hijri years, ranges, digit dates.
            ("عام 1441 هـ.", "In 2020."),
            ("في 1441 هـ الموافق 2020 م.", "In 2020."),
            ("موسم 2010-2011.", "The 2010-11 season."),
            ("في 20/3/2003.", "On March 20, 2003."),
            ("في 20 آذار 2003.", "On 20/3/2003."),
            ("هجمات 11 سبتمبر.", "The 9/11 attacks."),
            ("نصف الكمية.", "1/2 of the amount."),
        ] {
            assert!(!flagged(s, t), "{s} / {t}");
        }
    }

    #[test]
    fn strict_settings_flag_roundings_and_conversions() {
        let strict = crate::quality::CheckSettings {
            number_mismatch: NumberMismatch {
                roundings: false,
                conversions: false,
                ..NumberMismatch::default()
            },
            ..Default::default()
        };
        for (s, t) in [
            ("قتل 2487 شخصا.", "Nearly 2,500 people were killed."),
            ("على بعد 16 كيلومترا.", "10 miles away."),
        ] {
            assert!(!flagged(s, t), "{s} / {t}");
            let flags = crate::quality::check(&pairs(&[(s, t)]), &strict);
            assert!(
                flags.iter().any(|f| f.code == "number-mismatch"),
                "{s} / {t}"
            );
        }
    }

    #[test]
    fn changed_numbers_stay_flagged_in_every_class() {
        for (s, t) in [
            ("قتل 2487 شخصا.", "2,480 people were killed."),
            ("قتل 2487 شخصا.", "Nearly 2,400 people were killed."),
            ("قتل نحو 2500 شخص.", "About 2,507 people were killed."),
            ("بين عامي 512 و511 ق.م.", "In about 512-510 BC."),
            ("بلغ الحادية والثلاثين.", "He is now 30."),
            ("الثالث من تشرين الثاني.", "The 2rd of November."),
            ("ملياري جنيه و1,4 مليار جنيه.", "£1bn and £1.4bn."),
            ("على بعد 16 كيلومترا.", "10 miles (17 km) away."),
            ("على بعد 16 كيلومترا.", "13 miles away."),
            ("بعمق 100 متر (328 قدم).", "100 meters (325 feet) deep."),
            ("ستتحدث عند الساعة 23:45.", "She will speak at 23.46."),
            ("عند الساعة 10 مساء", "at 11pm"),
            ("عام 1441 هـ.", "In 2025."),
            ("تستمر لشهرين.", "The 3 month breeding period."),
            ("2.5 مليون.", "2,600,000."),
            ("ثلاثة آلاف وخمسمائة جندي.", "3,600 soldiers."),
            ("في الستينيات.", "In the 70s."),
            ("في القرن التاسع عشر.", "In the 13th century."),
            ("30 درجة مئوية.", "96F."),
            ("في 20/3/2003.", "On April 20, 2003."),
            ("هجمات 11 سبتمبر.", "The 9/12 attacks."),
            ("نصف الكمية.", "1/3 of the amount."),
        ] {
            assert!(flagged(s, t), "{s} / {t}");
        }
    }
}
