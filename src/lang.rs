//! Languages and scripts.

use std::fmt;

/// A language tag such as `ar`, `en`, `fr`, `pt-BR` (lower-case primary subtag, as BCP 47).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Lang(String);

impl Lang {
    /// Parses a tag: 2–3 letters, optionally followed by `-` and subtags (`zh-Hant`, `pt-BR`).
    pub fn parse(tag: &str) -> Result<Lang, String> {
        let mut parts = tag.split(['-', '_']);
        let primary = parts.next().unwrap_or_default();
        let ok_primary =
            (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
        let ok_rest = parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !ok_primary || !ok_rest {
            return Err(format!(
                "'{tag}' is not a language tag (expected e.g. ar, en, fr, pt-BR)"
            ));
        }
        let mut normalised = primary.to_ascii_lowercase();
        for part in tag.split(['-', '_']).skip(1) {
            normalised.push('-');
            normalised.push_str(part);
        }
        Ok(Lang(normalised))
    }

    /// The full tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`pt` for `pt-BR`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// The script this language is normally written in.
    pub fn script(&self) -> Script {
        match self.primary() {
            "ar" | "fa" | "ur" | "ps" | "ckb" | "ug" | "sd" => Script::Arabic,
            "he" | "yi" => Script::Hebrew,
            "ru" | "uk" | "bg" | "sr" | "mk" | "be" | "kk" => Script::Cyrillic,
            "el" => Script::Greek,
            "zh" | "ja" | "ko" | "hi" | "th" | "ka" | "hy" | "am" | "bn" | "ta" => Script::Other,
            _ => Script::Latin,
        }
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        matches!(self.script(), Script::Arabic | Script::Hebrew)
    }

    /// Guesses the language of a text from its dominant script: Arabic script → `ar`, else `en`.
    pub fn detect(text: &str) -> Lang {
        match dominant_script(text) {
            Some(Script::Arabic) => Lang("ar".into()),
            Some(Script::Hebrew) => Lang("he".into()),
            Some(Script::Cyrillic) => Lang("ru".into()),
            Some(Script::Greek) => Lang("el".into()),
            _ => Lang("en".into()),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Lang {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Lang::parse(&value)
    }
}

impl From<Lang> for String {
    fn from(lang: Lang) -> String {
        lang.0
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::parse(s)
    }
}

/// A writing system, as far as the checks and the segmenter need to tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Arabic script (Arabic, Persian, Urdu…).
    Arabic,
    /// Hebrew script.
    Hebrew,
    /// Latin script.
    Latin,
    /// Cyrillic script.
    Cyrillic,
    /// Greek script.
    Greek,
    /// Anything else.
    Other,
}

/// The script of one character, or `None` for digits, punctuation, spaces and marks.
pub fn script_of(c: char) -> Option<Script> {
    match c as u32 {
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF
            if c.is_alphabetic() =>
        {
            Some(Script::Arabic)
        }
        0x0590..=0x05FF if c.is_alphabetic() => Some(Script::Hebrew),
        0x0400..=0x04FF if c.is_alphabetic() => Some(Script::Cyrillic),
        0x0370..=0x03FF if c.is_alphabetic() => Some(Script::Greek),
        _ if c.is_ascii_alphabetic() => Some(Script::Latin),
        0x00C0..=0x024F if c.is_alphabetic() => Some(Script::Latin),
        _ if c.is_alphabetic() => Some(Script::Other),
        _ => None,
    }
}

/// The script with the most letters in `text`, if it has any letters.
pub fn dominant_script(text: &str) -> Option<Script> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for script in text.chars().filter_map(script_of) {
        match counts.iter_mut().find(|(s, _)| *s == script) {
            Some((_, n)) => *n += 1,
            None => counts.push((script, 1)),
        }
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises_tags() {
        assert_eq!(Lang::parse("AR").unwrap().as_str(), "ar");
        assert_eq!(Lang::parse("pt_BR").unwrap().as_str(), "pt-BR");
        assert!(Lang::parse("arabic").is_err());
        assert!(Lang::parse("").is_err());
    }

    #[test]
    fn detects_arabic_by_script() {
        assert_eq!(
            Lang::detect("قال الوزير إن Austin زار بغداد").as_str(),
            "ar"
        );
        assert_eq!(Lang::detect("The minister said").as_str(), "en");
        assert!(Lang::parse("ar").unwrap().is_rtl());
    }
}
