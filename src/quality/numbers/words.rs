//! Numbers written as words, in English and Arabic: cardinals and ordinals (`three`, `ثلاثة`,
//! `الثامن`), compounds (`twenty-one`, `خمسة وعشرون`, `ثلاثة آلاف وخمسمائة`), duals of counted
//! nouns (`لشهرين` = 2 months, `درجتين` = 2 degrees), fractions (`half`, `درجة ونصف` = 1.5),
//! decades (`السبعينيات` = `70s`), the millennium (`الألفية` = the 2000s) and month names (`March`,
//! `آذار`, `مارس` = month 3, so `20/3/2003` matches `20 March 2003`).

use crate::quality::lexicon::COUNTED_NOUNS;
use std::collections::BTreeSet;

use crate::quality::text::normalize_arabic_word;

/// How a number word combines with its neighbours.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// 0–19 and the teens' `عشر` (added: `ثلاثة عشر` = 13).
    Unit,
    /// 20, 30 … 90 (added: `twenty-one`, `واحد وعشرون`).
    Tens,
    /// `hundred` multiplies what comes before (`two hundred`); `ثلاثمئة`, `مئتين` are 300, 200.
    Hundred,
    /// `thousand`, `million`… multiply what comes before and close a group.
    Scale,
    /// `آلاف`, `ملايين`, `thousands`: a scale only after a count (`ثلاثة آلاف`); alone it is vague.
    PluralScale,
}

/// Arabic clitics a number word may carry: the conjunctions `و` `ف`, the prepositions `ب` `ل`
/// `ك`, then the article `ال` (`وللثلاثين`, `لشهرين`, `بالمئة`).
pub(super) fn arabic_stems(word: &str) -> Vec<String> {
    let w = normalize_arabic_word(word);
    let mut out = vec![w.clone()];
    let mut push = |s: &str| {
        if s.chars().count() >= 2 && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    let conj = w
        .strip_prefix('و')
        .or_else(|| w.strip_prefix('ف'))
        .unwrap_or(&w)
        .to_string();
    push(&conj);
    let prep = conj
        .strip_prefix("لل")
        .map(|r| format!("ال{r}"))
        .or_else(|| conj.strip_prefix(['ب', 'ل', 'ك']).map(|r| r.to_string()))
        .unwrap_or_else(|| conj.clone());
    push(&prep);
    for base in [&conj, &prep] {
        if let Some(r) = base.strip_prefix("ال") {
            push(r);
        }
    }
    out
}

/// Value and kind of one (normalised, clitic-free) number word.
fn lexicon(w: &str) -> Option<(f64, Kind)> {
    use Kind::*;
    let unit = |v: f64| Some((v, Unit));
    match w {
        "zero" | "صفر" => unit(0.0),
        "one" | "first" | "once" | "واحد" | "واحدة" | "اول" | "اولى" | "حادي" | "حادية" | "احد"
        | "احدى" => unit(1.0),
        "two" | "both" | "twice" | "second" | "couple" | "اثنان" | "اثنين" | "اثنتان"
        | "اثنتين" | "اثنا" | "اثني" | "اثنتا" | "اثنتي" | "ثاني" | "ثانية" | "ثنائي"
        | "ثنائية" | "مرتين" => unit(2.0),
        "three" | "thrice" | "third" | "ثلاث" | "ثلاثا" | "ثلاثة" | "ثالث" | "ثالثة" | "ثلاثي"
        | "ثلاثية" => unit(3.0),
        "four" | "fourth" | "اربع" | "اربعا" | "اربعة" | "رابع" | "رابعة" | "رباعي" | "رباعية" => {
            unit(4.0)
        }
        "five" | "fifth" | "خمس" | "خمسة" | "خمسا" | "خامس" | "خامسة" => {
            unit(5.0)
        }
        "six" | "sixth" | "ست" | "ستة" | "سادس" | "سادسة" => unit(6.0),
        "seven" | "seventh" | "سبع" | "سبعا" | "سبعة" | "سابع" | "سابعة" => {
            unit(7.0)
        }
        "eight" | "eighth" | "ثماني" | "ثمانية" | "ثمان" | "ثامن" | "ثامنة" => {
            unit(8.0)
        }
        "nine" | "ninth" | "تسع" | "تسعا" | "تسعة" | "تاسع" | "تاسعة" => {
            unit(9.0)
        }
        "ten" | "tenth" | "عشر" | "عشرا" | "عشرة" | "عاشر" | "عاشرة" => {
            unit(10.0)
        }
        "eleven" | "eleventh" => unit(11.0),
        "twelve" | "twelfth" | "dozen" => unit(12.0),
        "thirteen" | "thirteenth" => unit(13.0),
        "fourteen" | "fourteenth" => unit(14.0),
        "fifteen" | "fifteenth" => unit(15.0),
        "sixteen" | "sixteenth" => unit(16.0),
        "seventeen" | "seventeenth" => unit(17.0),
        "eighteen" | "eighteenth" => unit(18.0),
        "nineteen" | "nineteenth" => unit(19.0),
        "twenty" | "twentieth" | "عشرين" | "عشرون" => Some((20.0, Tens)),
        "thirty" | "thirtieth" | "ثلاثين" | "ثلاثون" => Some((30.0, Tens)),
        "forty" | "fortieth" | "اربعين" | "اربعون" => Some((40.0, Tens)),
        "fifty" | "fiftieth" | "خمسين" | "خمسون" => Some((50.0, Tens)),
        "sixty" | "sixtieth" | "ستين" | "ستون" => Some((60.0, Tens)),
        "seventy" | "seventieth" | "سبعين" | "سبعون" => Some((70.0, Tens)),
        "eighty" | "eightieth" | "ثمانين" | "ثمانون" => Some((80.0, Tens)),
        "ninety" | "ninetieth" | "تسعين" | "تسعون" => Some((90.0, Tens)),
        "hundred" | "hundredth" | "مئة" | "مائة" | "مية" | "مئوي" => {
            Some((100.0, Hundred))
        }
        "مئتين" | "مئتي" | "مئتان" | "مائتين" | "مائتي" | "مائتان" => {
            Some((200.0, Hundred))
        }
        "ثلاثمئة" | "ثلاثمائة" => Some((300.0, Hundred)),
        "اربعمئة" | "اربعمائة" => Some((400.0, Hundred)),
        "خمسمئة" | "خمسمائة" => Some((500.0, Hundred)),
        "ستمئة" | "ستمائة" => Some((600.0, Hundred)),
        "سبعمئة" | "سبعمائة" => Some((700.0, Hundred)),
        "ثمانمئة" | "ثمانمائة" | "ثمانيمئة" | "ثمانيمائة" => {
            Some((800.0, Hundred))
        }
        "تسعمئة" | "تسعمائة" => Some((900.0, Hundred)),
        // With the accusative alef too: `عشرون ألفاً`, `خمسة عشر مليوناً`.
        "thousand" | "thousandth" | "الف" | "الفا" => Some((1e3, Scale)),
        "million" | "millionth" | "مليون" | "مليونا" => Some((1e6, Scale)),
        "billion" | "مليار" | "مليارا" | "بليون" | "بليونا" => {
            Some((1e9, Scale))
        }
        "trillion" | "تريليون" => Some((1e12, Scale)),
        "الفين" | "الفي" | "الفان" => Some((2e3, Scale)),
        "مليونين" | "مليوني" | "مليونان" => Some((2e6, Scale)),
        "مليارين" | "ملياري" | "ملياران" => Some((2e9, Scale)),
        "thousands" | "الاف" => Some((1e3, PluralScale)),
        "millions" | "ملايين" => Some((1e6, PluralScale)),
        "billions" | "مليارات" => Some((1e9, PluralScale)),
        _ => None,
    }
}

/// Whether `w` (normalised, clitic-free) is the dual of a counted noun (`عامين`, `سنتين`).
fn is_counted_dual(w: &str) -> bool {
    let Some(stem) = w.strip_suffix("ين").or_else(|| w.strip_suffix("ان")) else {
        return false;
    };
    COUNTED_NOUNS.iter().any(|n| {
        let feminine = n.strip_suffix('ة').map(|s| format!("{s}ت"));
        stem == *n || feminine.as_deref() == Some(stem)
    })
}

/// Whether `w` is a singular counted noun (an implicit 1: `ساعة ونصف`, `an hour and a half`).
fn is_counted_singular(w: &str) -> bool {
    COUNTED_NOUNS.contains(&w)
}

/// Fractions as words, with the percentages they amount to (`half` = 0.5 = 50 %).
fn fraction(w: &str) -> Option<(f64, &'static [&'static str])> {
    match w {
        "half" | "نصف" => Some((0.5, &["0.5", "50"])),
        "quarter" | "quarters" | "ربع" => Some((0.25, &["0.25", "25"])),
        "third" | "thirds" | "ثلث" => Some((1.0 / 3.0, &["0.333333", "33", "33.3"])),
        "ثلثي" | "ثلثا" => Some((2.0 / 3.0, &["0.666667", "66", "67", "66.7"])),
        "ارباع" => Some((0.75, &["75", "0.75"])),
        _ => None,
    }
}

/// Decades as words (`السبعينيات`, `seventies`): `70s`.
fn decade(w: &str) -> Option<String> {
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
    let stem = w
        .strip_suffix("يات")
        .or_else(|| w.strip_suffix("ات"))
        .unwrap_or("");
    DECADES.iter().find_map(|(ar, en, v)| {
        ((!stem.is_empty() && stem.ends_with(ar)) || w == *en).then(|| format!("{v}s"))
    })
}

/// Month number of a month name (English, Egyptian-Gulf `مارس` series, Levantine `آذار`
/// series; `كانون`/`تشرين` need the next word).
fn month(w: &str, next: Option<&str>) -> Option<u32> {
    let m = match w {
        "january" | "jan" | "يناير" => 1,
        "february" | "feb" | "فبراير" | "شباط" => 2,
        "march" | "mar" | "مارس" | "اذار" => 3,
        "april" | "apr" | "ابريل" | "نيسان" => 4,
        "may" | "مايو" | "ايار" => 5,
        "june" | "jun" | "يونيو" | "يونيه" | "حزيران" => 6,
        "july" | "jul" | "يوليو" | "يوليه" | "تموز" => 7,
        "august" | "aug" | "اغسطس" | "اب" => 8,
        "september" | "sep" | "sept" | "سبتمبر" | "ايلول" => 9,
        "october" | "oct" | "اكتوبر" => 10,
        "november" | "nov" | "نوفمبر" => 11,
        "december" | "dec" | "ديسمبر" => 12,
        "كانون" | "تشرين" => {
            let first = matches!(next, Some("الاول" | "اول"));
            match (w, first) {
                ("كانون", true) => 12,
                ("كانون", false) => 1,
                ("تشرين", true) => 10,
                _ => 11,
            }
        }
        _ => return None,
    };
    Some(m)
}

/// Canonical text of a value (`2`, `2.5`, `1500000`).
pub(super) fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A word in every form worth looking up: lower case, Arabic-normalised, clitics stripped.
fn forms(word: &str) -> Vec<String> {
    // `و(الثانية`: a conjunction before a bracket stays one token; the bracket is not part of
    // the number.
    let lower = word.to_lowercase().replace(['(', ')'], "");
    if lower.chars().any(|c| c.is_ascii_alphabetic()) {
        vec![lower.trim_end_matches(['.', '\'']).to_string()]
    } else {
        arabic_stems(&lower)
    }
}

/// First lexicon entry among the forms of a word.
fn lookup(forms: &[String]) -> Option<(f64, Kind)> {
    forms.iter().find_map(|f| lexicon(f))
}

/// A run of number words being composed into one value (`three thousand five hundred`).
#[derive(Default)]
struct Run {
    total: f64,
    current: f64,
    last: Option<Kind>,
    words: usize,
}

impl Run {
    /// Adds a word; `false` when it cannot continue the run (`two three`: a new number).
    fn push(&mut self, value: f64, kind: Kind) -> bool {
        use Kind::*;
        let fits = match (self.last, kind) {
            (None, _) => true,
            // `عشر` after a unit makes a teen; a unit after tens (or tens after a unit, the
            // Arabic order) makes 21–99.
            (Some(Unit), Unit) => value == 10.0 && self.current < 10.0,
            (Some(Unit), Tens) => self.current % 100.0 < 10.0,
            (Some(Tens), Unit) => value < 10.0,
            (Some(Tens), Tens) => false,
            (Some(Hundred), Hundred) => false,
            (Some(Scale | PluralScale), Scale | PluralScale) => false,
            _ => true,
        };
        if !fits || (kind == PluralScale && self.current == 0.0) {
            return false;
        }
        match kind {
            Unit | Tens => self.current += value,
            Hundred if value == 100.0 && self.current > 0.0 => self.current *= 100.0,
            Hundred => self.current += value,
            Scale | PluralScale => {
                let count = if self.current == 0.0 {
                    1.0
                } else {
                    self.current
                };
                self.total += count * value;
                self.current = 0.0;
            }
        }
        self.last = Some(kind);
        self.words += 1;
        true
    }

    fn value(&self) -> f64 {
        self.total + self.current
    }
}

/// Every value the number words of `tokens` stand for (each word alone, each composed run,
/// fractions added to what they follow), plus decades (`70s`), months (`m3`) and the
/// millennium.
pub(super) fn word_values(tokens: &[&str]) -> BTreeSet<String> {
    let forms: Vec<Vec<String>> = tokens.iter().map(|t| forms(t)).collect();
    let mut out = BTreeSet::new();
    let mut run = Run::default();
    // The last composed value (or an implicit 1 after a counted noun), for `two and a half`.
    let mut last_value: Option<(f64, usize)> = None;
    // A compound stands for its value only: `الحادية والثلاثين` is 31, not also 1 and 30.
    let flush = |run: &mut Run, out: &mut BTreeSet<String>| {
        if run.words > 1 || run.last.is_some_and(|k| k != Kind::PluralScale) {
            out.insert(show(run.value()));
        }
        *run = Run::default();
    };
    let mut in_month_name = false;
    // A run waiting for the hundreds it counts past (`… بعد المائة`).
    let mut after_hundreds: Option<(f64, usize)> = None;
    // The last fraction word, for `half a million`, `نصف مليون`.
    let mut last_fraction: Option<(f64, usize)> = None;
    for (k, f) in forms.iter().enumerate() {
        // `تشرين الثاني` is November, not 2.
        let month_ordinal = std::mem::replace(
            &mut in_month_name,
            f.iter().any(|w| w == "كانون" || w == "تشرين"),
        );
        let next = forms.get(k + 1).and_then(|n| n.last()).map(String::as_str);
        if let Some(d) = f.iter().find_map(|w| decade(w)) {
            out.insert(d);
        }
        if f.iter().any(|w| w == "الفية") {
            out.extend(["2000".to_string(), "00s".to_string()]);
        }
        if let Some(m) = f.iter().find_map(|w| month(w, next)) {
            out.insert(format!("m{m}"));
        }
        if let Some((frac, shown)) = f.iter().find_map(|w| fraction(w)) {
            last_fraction = Some((frac, k));
            out.extend(shown.iter().map(|s| s.to_string()));
            if let Some((v, at)) = last_value
                && k - at <= 3
            {
                out.insert(show(v + frac));
            }
        }
        if f.iter().any(|w| is_counted_dual(w)) {
            out.insert("2".into());
        }
        if f.iter().any(|w| is_counted_singular(w)) && last_value.is_none_or(|(_, at)| k - at > 1) {
            last_value = Some((1.0, k));
        }
        // A scale word after digits belongs to them (`1,4 مليار`: the digits' reader scales it).
        let after_digits = k > 0 && tokens[k - 1].ends_with(|c: char| c.is_numeric());
        let entry = lookup(f).filter(|&(_, kind)| {
            let scale = matches!(kind, Kind::Scale | Kind::PluralScale);
            !(month_ordinal || after_digits && scale)
        });
        // Legal Arabic counts past a hundred backwards: `الحادية والخمسين بعد المائة` is
        // 151, `الحادية والعشرون بعد المائتين` 221 (the run so far, `بعد`, then the hundreds).
        if let Some((base, _)) = after_hundreds {
            after_hundreds = None;
            if let Some((hundreds, Kind::Hundred | Kind::Scale)) = entry {
                out.insert(show(base + hundreds));
                run = Run::default();
                last_value = Some((base + hundreds, k));
                continue;
            }
        }
        if entry.is_none()
            && run.words > 0
            && run.value() < 100.0
            && f.iter().any(|w| w == "بعد")
            && forms
                .get(k + 1)
                .and_then(|n| lookup(n))
                .is_some_and(|(_, kind)| matches!(kind, Kind::Hundred | Kind::Scale))
        {
            after_hundreds = Some((run.value(), k));
            continue;
        }
        let Some((value, kind)) = entry else {
            if !matches!(f[0].as_str(), "and" | "a" | "an") {
                flush(&mut run, &mut out);
            }
            continue;
        };
        if kind == Kind::Scale
            && let Some((frac, at)) = last_fraction
            && k - at <= 2
        {
            out.insert(show(frac * value));
        }
        if !run.push(value, kind) {
            flush(&mut run, &mut out);
            run.push(value, kind);
        }
        last_value = Some((run.value(), k));
    }
    flush(&mut run, &mut out);
    out
}

/// Whether a word announces an approximate number (`about`, `نحو`, `أكثر`): such a number may
/// be a rounding of the other side's.
pub(super) fn is_hedge(word: &str) -> bool {
    forms(word).iter().any(|w| {
        matches!(
            w.as_str(),
            "about"
                | "around"
                | "approximately"
                | "roughly"
                | "nearly"
                | "almost"
                | "some"
                | "over"
                | "than"
                | "under"
                | "estimated"
                | "circa"
                | "approx"
                | "close"
                | "up"
                | "نحو"
                | "حوالي"
                | "حوالى"
                | "قرابة"
                | "زهاء"
                | "يقارب"
                | "تقريبا"
                | "اكثر"
                | "اقل"
                | "ازيد"
                | "يزيد"
                | "يناهز"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(text: &str) -> Vec<String> {
        let tokens: Vec<&str> = crate::quality::text::words(text)
            .into_iter()
            .flat_map(|w| w.split('-'))
            .collect();
        word_values(&tokens).into_iter().collect()
    }

    fn has(text: &str, v: &str) -> bool {
        vals(text).iter().any(|x| x == v)
    }

    #[test]
    fn arabic_ordinals_counted_past_the_hundreds_are_one_number() {
        assert_eq!(vals("المواد (الحادية والخمسين بعد المائة)"), ["151"]);
        assert!(has("الثانية والخمسين بعد المائة", "152"));
        let both =
            "تلغى المواد (الحادية والخمسين بعد المائة) و(الثانية والخمسين بعد المائة) من النظام.";
        assert_eq!(vals(both), ["151", "152"]);
        assert!(has("المادة الحادية والعشرون بعد المائتين", "221"));
        assert!(!has("الحادية والخمسين بعد المائة", "51"));
        assert!(has("المادة الخامسة والعشرين", "25"));
        assert!(has("المادة الرابعة والعشرون", "24"));
        assert!(has("المادة الثالثة عشرة", "13"));
        // `بعد` that is not followed by hundreds is `after`.
        assert!(has("خمسة أيام بعد الحادث", "5"));
    }

    #[test]
    fn arabic_accusative_counts_are_numbers() {
        assert!(has("مدة الشركة خمساً وعشرين سنة", "25"));
        assert!(has("ثلاثاً", "3"));
    }

    #[test]
    fn english_cardinals_ordinals_and_compounds() {
        assert!(has("three soldiers", "3"));
        assert!(has("the sixteenth century", "16"));
        assert!(has("thirty-nine stories", "39"));
        assert!(has("two hundred and fifty thousand people", "250000"));
        assert!(has("twenty-first", "21"));
        assert!(has("three million", "3000000"));
        assert!(has("two and a half years", "2.5"));
        // A compound is its value, not its parts.
        assert!(!has("twenty-one", "20") && !has("الحادية والثلاثين", "30"));
        assert!(!has("الحادية والثلاثين", "1"));
        assert!(has("an hour and a half", "1.5"));
        // Two units in a row are two numbers, not their sum.
        assert!(!has("between two and three years", "5"));
        assert!(has("between two and three years", "2") && has("between two and three", "3"));
    }

    #[test]
    fn arabic_cardinals_teens_compounds_and_clitics() {
        assert!(has("ثلاثة جنود", "3"));
        assert!(has("ثلاثة عشر عاما", "13"));
        assert!(has("خمسة وعشرون", "25"));
        assert!(has("بلغ الحادية والثلاثين", "31"));
        assert!(has("ثلاثة آلاف وخمسمائة", "3500"));
        assert!(has("ألف وتسعمائة وتسعون", "1990"));
        assert!(has("ألفين وخمسمائة", "2500"));
        assert!(has("مئة وخمسون", "150"));
        assert!(has("عشرة ملايين", "10000000"));
        assert!(has("عشرون ألفاً", "20000") && has("خمسة عشر مليوناً", "15000000"));
        assert!(has("وللثلاثين", "30"));
        assert!(has("إحدى عشرة مرة", "11"));
        // `آلاف` alone is "thousands", not 1000.
        assert!(!has("آلاف المتظاهرين", "1000"));
    }

    #[test]
    fn duals_fractions_decades_months() {
        assert!(has("التي تستمر لشهرين", "2"));
        assert!(has("أقل من درجتين مئويتين", "2"));
        assert!(has("خلال سنتين", "2"));
        assert!(has("بمقدار درجة ونصف", "1.5"));
        assert!(has("ثلاث ساعات ونصف", "3.5"));
        assert!(has("نصف السكان", "50"));
        assert!(has("half a million people", "500000") && has("نصف مليون", "500000"));
        assert!(has("ثلثي الأصوات", "67"));
        assert!(has("في الستينيات", "60s"));
        assert!(has("mid-Sixties", "60s"));
        assert!(has("في بداية الألفية", "00s"));
        assert!(has("في 20 آذار", "m3") && has("في تشرين الأول", "m10"));
        assert!(has("in Sept. 2001", "m9") && has("كانون الثاني", "m1"));
        // The ordinal of a month name is no number, nor is a scale word after digits.
        assert!(!has("الثالث من تشرين الثاني", "2"));
        assert!(!has("و1,4 مليار جنيه", "1000000000"));
        // A plural that merely ends like a dual is not 2.
        assert!(!has("الفلسطينيين", "2"));
    }

    #[test]
    fn hedges_in_both_languages() {
        for w in ["about", "Nearly", "نحو", "حوالي", "وأكثر", "تقريباً"] {
            assert!(is_hedge(w), "{w}");
        }
        assert!(!is_hedge("soldiers") && !is_hedge("جنود"));
    }
}
