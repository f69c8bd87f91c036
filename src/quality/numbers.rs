//! `number-mismatch`: numbers of the source missing from the target, or numbers of the target
//! the source does not have.
//!
//! Both sides are normalised before comparing: Arabic-Indic and Eastern digits fold to ASCII,
//! `٫` and `،` between digits are decimal marks, `,` or `٬` followed by exactly three digits
//! groups thousands (`100,000` = `100000`), a scale word multiplies (`100 ألف` = `100,000`,
//! `4.5 million` = `4500000`), and a number written as a word on the other side (`two`, `ثلاثة`,
//! `عشرين`) counts as present.

use std::collections::BTreeSet;

use crate::bitext::{Flag, Side};
use crate::quality::Ctx;
use crate::quality::text::normalize_arabic_word;
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

/// Value of a number word (`two`, `ثلاثة`, `عشرين`, `الثامن`), normalised, with a leading `و`
/// or `ال` ignored.
fn word_value(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    let w = normalize_arabic_word(&lower);
    let w = if w.chars().count() > 3 {
        w.strip_prefix('و').unwrap_or(&w).to_string()
    } else {
        w
    };
    let w = w.strip_prefix("ال").unwrap_or(&w);
    Some(match w {
        "one" | "واحد" | "واحدة" | "first" | "اول" | "اولى" | "حادي" | "حادية" => {
            1
        }
        "two" | "both" | "twice" | "اثنان" | "اثنين" | "اثنتان" | "اثنتين" | "second" | "ثاني"
        | "ثانية" => 2,
        "three" | "thrice" | "ثلاث" | "ثلاثة" | "third" | "ثالث" | "ثالثة" => 3,
        "four" | "اربع" | "اربعة" | "fourth" | "رابع" | "رابعة" => 4,
        "five" | "خمس" | "خمسة" | "fifth" | "خامس" | "خامسة" => 5,
        "six" | "ست" | "ستة" | "sixth" | "سادس" | "سادسة" => 6,
        "seven" | "سبع" | "سبعة" | "seventh" | "سابع" | "سابعة" => 7,
        "eight" | "ثماني" | "ثمانية" | "ثمان" | "eighth" | "ثامن" | "ثامنة" => {
            8
        }
        "nine" | "تسع" | "تسعة" | "ninth" | "تاسع" | "تاسعة" => 9,
        "ten" | "عشر" | "عشرة" | "tenth" | "عاشر" | "عاشرة" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "twenty" | "عشرين" | "عشرون" | "twentieth" => 20,
        "thirty" | "ثلاثين" | "ثلاثون" => 30,
        "forty" | "اربعين" | "اربعون" => 40,
        "fifty" | "خمسين" | "خمسون" => 50,
        "sixty" | "ستين" | "ستون" => 60,
        "seventy" | "سبعين" | "سبعون" => 70,
        "eighty" | "ثمانين" | "ثمانون" => 80,
        "ninety" | "تسعين" | "تسعون" => 90,
        "hundred" | "مئة" | "مائة" | "مية" => 100,
        "ثلاثمئة" | "ثلاثمائة" => 300,
        "اربعمئة" | "اربعمائة" => 400,
        "خمسمئة" | "خمسمائة" => 500,
        "ستمئة" | "ستمائة" => 600,
        "سبعمئة" | "سبعمائة" => 700,
        "ثمانمئة" | "ثمانمائة" | "ثمانيمئة" | "ثمانيمائة" => 800,
        "تسعمئة" | "تسعمائة" => 900,
        // Duals: two hundred, two thousand, two million, two billion, two years.
        "مئتين" | "مئتي" | "مائتين" | "مائتي" | "الفين" | "الفي" | "مليونين" | "مليوني"
        | "مليارين" | "ملياري" | "عامين" | "عامي" | "سنتين" | "يومين" | "شهرين" | "اسبوعين" => {
            2
        }
        "thousand" | "الف" => 1000,
        "million" | "مليون" => 1_000_000,
        _ => return None,
    })
}

/// Fractions written as words (`half`, `نصف`), canonical.
fn fraction_word(word: &str) -> Option<&'static str> {
    let w = normalize_arabic_word(&word.to_lowercase());
    let w = w
        .strip_prefix('و')
        .filter(|r| r.chars().count() >= 3)
        .unwrap_or(&w);
    match w {
        "half" | "نصف" => Some("0.5"),
        "quarter" | "ربع" => Some("0.25"),
        _ => None,
    }
}

/// Decades written as words (`السبعينيات`, `seventies`): the decade as `70s`.
fn decade_word(word: &str) -> Option<String> {
    const DECADES: [(&str, &str, u32); 8] = [
        ("عشرين", "twenties", 20),
        ("ثلاثين", "thirties", 30),
        ("اربعين", "forties", 40),
        ("خمسين", "fifties", 50),
        ("ستين", "sixties", 60),
        ("سبعين", "seventies", 70),
        ("ثمانين", "eighties", 80),
        ("تسعين", "nineties", 90),
    ];
    let w = normalize_arabic_word(&word.to_lowercase());
    let stem = w
        .strip_suffix("يات")
        .or_else(|| w.strip_suffix("ات"))
        .unwrap_or("");
    DECADES.iter().find_map(|(ar, en, v)| {
        ((!stem.is_empty() && stem.ends_with(ar)) || w == *en).then(|| format!("{v}s"))
    })
}

/// Every number written with digits in `text`.
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

/// Every value a text mentions, with digits or (for small round numbers) in words.
fn values_of(text: &str) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = numbers(text).into_iter().flat_map(|n| n.values).collect();
    // Words, with hyphenated English numbers split (`thirty-nine`).
    let tokens: Vec<&str> = crate::quality::text::words(text)
        .into_iter()
        .flat_map(|w| w.split('-'))
        .collect();
    for (k, w) in tokens.iter().enumerate() {
        if let Some(decade) = decade_word(w) {
            set.insert(decade);
        }
        if let Some(fraction) = fraction_word(w) {
            set.insert(fraction.to_string());
        }
        let Some(v) = word_value(w) else {
            continue;
        };
        set.insert(v.to_string());
        // `الحادية والثلاثين` = 31, `thirty-nine` = 39, `السادس عشر` = 16.
        if let Some(next) = tokens.get(k + 1).and_then(|n| word_value(n)) {
            let (small, big) = (v.min(next), v.max(next));
            if small < 10 && ((20..100).contains(&big) && big % 10 == 0 || big == 10) {
                set.insert((small + big).to_string());
            }
        }
    }
    set
}

/// Numbers of `from` (digits) whose values `to` lacks.
fn missing(from: Vec<NumberMention>, to: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = from
        .into_iter()
        .filter(|n| !n.values.iter().any(|v| to.contains(v)))
        .map(|n| n.written)
        .collect();
    out.dedup();
    out
}

/// Runs `number-mismatch` on every bead with both sides.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    let Some(severity) = ctx.settings.severity_of("number-mismatch") else {
        return;
    };
    for bead in &ctx.bitext.beads {
        if bead.source.is_empty() || bead.target.is_empty() {
            continue;
        }
        let source = ctx.bead_text(bead, Side::Source);
        let target = ctx.bead_text(bead, Side::Target);
        let (in_source, in_target) = (numbers(source), numbers(target));
        if in_source.is_empty() && in_target.is_empty() {
            continue; // only numbers written with digits are compared
        }
        let lost = if in_source.is_empty() {
            Vec::new()
        } else {
            missing(in_source, &values_of(target))
        };
        let extra = if in_target.is_empty() {
            Vec::new()
        } else {
            missing(in_target, &values_of(source))
        };
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
        flags.push(ctx.bead_flag("number-mismatch", severity, bead, message, evidence));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::testkit::{codes, pairs};

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
}
