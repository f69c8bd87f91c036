//! Punctuation checks: `unbalanced-brackets`, `mt-typography` (source side), and the pair checks
//! `question-mismatch`, `quote-mismatch`, `truncated`, `html-entity`.

use crate::bitext::Severity;
use crate::bitext::{Bead, Flag, Sentence, Side};
use crate::quality::Ctx;
use crate::quality::text::{excerpt, has_content, trim_closers, words};
use crate::quality::{CheckInfo, Code, Family, info};

/// Bracket and quote pairs that must balance within a paragraph.
const PAIRS: &[(char, char)] = &[
    ('(', ')'),
    ('[', ']'),
    ('{', '}'),
    ('«', '»'),
    ('“', '”'),
    ('﴾', '﴿'),
];

/// Where the balance of a paragraph breaks: the sentence (index into the slice) and the mark.
fn unbalanced(paragraph: &[&Sentence]) -> Vec<(usize, String)> {
    // The marks in order, with their sentence: one pass over the text, and most paragraphs
    // have none.
    let marks: Vec<(usize, char)> = paragraph
        .iter()
        .enumerate()
        .flat_map(|(k, s)| {
            s.text
                .chars()
                .filter(|&c| c == '"' || PAIRS.iter().any(|&(o, e)| c == o || c == e))
                .map(move |c| (k, c))
        })
        .collect();
    let mut problems = Vec::new();
    if marks.is_empty() {
        return problems;
    }
    let arabic = || {
        paragraph
            .iter()
            .any(|s| s.text.chars().any(crate::quality::text::is_arabic_letter))
    };
    for &(open, close) in PAIRS {
        if open == '(' && mirrored_balance(&marks) && arabic() {
            continue;
        }
        let mut depth_openers: Vec<usize> = Vec::new();
        for &(k, c) in &marks {
            if c == open {
                depth_openers.push(k);
            } else if c == close && depth_openers.pop().is_none() {
                problems.push((k, format!("{close} without {open}")));
            }
        }
        if let Some(&k) = depth_openers.last() {
            problems.push((k, format!("{open} never closed by {close}")));
        }
    }
    let straight: Vec<usize> = marks
        .iter()
        .filter(|&&(_, c)| c == '"')
        .map(|&(k, _)| k)
        .collect();
    if straight.len() % 2 == 1 {
        problems.push((straight[straight.len() - 1], "odd number of \"".into()));
    }
    problems.sort();
    problems.dedup_by_key(|p| p.0);
    problems
}

/// Whether the round brackets of an Arabic paragraph balance once the reversed convention of
/// some Arabic typesetting is allowed: a bracket set in the wrong direction (`)نصف(`), or a
/// closing shape used to open (`) بواحد وعشرين)`). A `)` with nothing open starts a reversed
/// pair that the next `(` or `)` closes; a bracket left open or a lone mark still fails.
/// `marks` are the paragraph's marks in order, each with its sentence.
fn mirrored_balance(marks: &[(usize, char)]) -> bool {
    let mut stack: Vec<bool> = Vec::new();
    for &(_, c) in marks {
        match (c, stack.last()) {
            ('(', Some(true)) | (')', Some(true)) => {
                stack.pop();
            }
            ('(', _) => stack.push(false),
            (')', Some(false)) => {
                stack.pop();
            }
            (')', None) => stack.push(true),
            _ => {}
        }
    }
    stack.is_empty()
}

/// Runs the punctuation checks.
pub(crate) fn run(ctx: &Ctx, flags: &mut Vec<Flag>) {
    if let Some(severity) = ctx.settings.severity_of(Code::UnbalancedBrackets) {
        for side in [Side::Source, Side::Target] {
            let sentences = match side {
                Side::Source => &ctx.bitext.source,
                Side::Target => &ctx.bitext.target,
            };
            for paragraph in sentences.chunk_by(|a, b| a.para == b.para) {
                let refs: Vec<&Sentence> = paragraph.iter().collect();
                for (k, what) in unbalanced(&refs) {
                    let id = refs[k].id;
                    let message = format!(
                        "unbalanced quote or bracket in the {} ({what}): a quotation or aside may have been cut or merged",
                        if side == Side::Source {
                            "source"
                        } else {
                            "translation"
                        }
                    );
                    let evidence = format!("{what}: «{}»", excerpt(&refs[k].text, 60));
                    flags.push(match side {
                        Side::Source => ctx.source_flag(
                            Code::UnbalancedBrackets,
                            severity,
                            vec![id],
                            message,
                            evidence,
                        ),
                        Side::Target => ctx.target_flag(
                            Code::UnbalancedBrackets,
                            severity,
                            vec![id],
                            message,
                            evidence,
                        ),
                    });
                }
            }
        }
    }
    if let Some(severity) = ctx.settings.severity_of(Code::MtTypography) {
        for s in &ctx.bitext.source {
            let count = spaces_before_punctuation(&s.text);
            if count > 0 {
                flags.push(
                    ctx.source_flag(
                        Code::MtTypography,
                        severity,
                        vec![s.id],
                        "space before punctuation: typography typical of machine-translated text"
                            .into(),
                        format!("{count} × space before ، . ؛ ؟ : ,"),
                    ),
                );
            }
        }
    }
    for bead in &ctx.bitext.beads {
        if bead.source.is_empty() || bead.target.is_empty() {
            continue;
        }
        pair_checks(ctx, bead, flags);
    }
}

/// How many times a space stands before `، . ؛ ؟ : ,` (not before an ellipsis or a number).
fn spaces_before_punctuation(text: &str) -> usize {
    let is_mark = |c: char| matches!(c, '،' | '.' | '؛' | '؟' | ':' | ',');
    // Each character with the two before it, without collecting the text's characters.
    let mut count = 0;
    let (mut before, mut last) = (None, None);
    for c in text.chars() {
        if before == Some(' ') && last.is_some_and(is_mark) && !c.is_ascii_digit() && c != '.' {
            count += 1;
        }
        (before, last) = (last, Some(c));
    }
    // At the very end.
    count + usize::from(before == Some(' ') && last.is_some_and(is_mark))
}

fn is_question(text: &str) -> bool {
    trim_closers(text).ends_with(['?', '؟'])
}

fn has_quotes(text: &str) -> bool {
    text.contains(['“', '”', '«', '»', '"', '„'])
}

/// Words an English sentence cannot end on (particles such as `by` or `on` can: "glides by").
const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "which", "but", "than", "its", "their", "whose",
];

/// Words that move a preposition's object away and leave the preposition at the end.
const STRANDING: &[&str] = &[
    "that",
    "which",
    "who",
    "whom",
    "what",
    "where",
    "whatever",
    "something",
    "nothing",
    "anything",
    "everything",
];

/// Why the target looks cut short while the source is complete, if it does.
fn truncation(source: &str, target: &str) -> Option<String> {
    let src = trim_closers(source);
    let tgt = trim_closers(target);
    let complete = |t: &str| t.ends_with(['.', '!', '?', '؟', '…', '۔']);
    if !complete(src) || !has_content(tgt) {
        return None;
    }
    if !complete(tgt) && !tgt.ends_with([':', ';']) {
        let last = tgt.chars().last().unwrap_or(' ');
        return Some(format!(
            "the translation ends with «{last}», not with a full stop"
        ));
    }
    let tokens = words(tgt);
    let last_word = tokens.last()?.to_lowercase();
    // `paragraph (a).`, `Schedule A.`: a label, not the article `a`.
    let body = tgt.trim_end_matches(['.', '!', '?', '…']);
    if body.ends_with(')') || body.ends_with(|c: char| c.is_uppercase()) {
        return None;
    }
    // `the legislation that she is proudest of.`: a preposition stranded by a relative or a
    // question word earlier in the sentence ends it properly.
    let stranded = last_word == "of"
        && tokens[..tokens.len() - 1]
            .iter()
            .any(|w| STRANDING.contains(&w.to_lowercase().as_str()));
    if FUNCTION_WORDS.contains(&last_word.as_str()) && !stranded {
        return Some(format!("the translation ends on «{last_word}»"));
    }
    None
}

/// A leftover HTML entity (`&amp;`, `&#39;`, `&#x27;`) in `text`.
pub fn html_entity(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text[from..].find('&') {
        let start = from + pos;
        let rest = &bytes[start + 1..];
        let body_len = rest.iter().take(10).position(|&b| b == b';');
        if let Some(len) = body_len {
            let body = &text[start + 1..start + 1 + len];
            let named = len >= 2 && body.bytes().all(|b| b.is_ascii_alphabetic());
            let decimal =
                len >= 2 && body.starts_with('#') && body[1..].bytes().all(|b| b.is_ascii_digit());
            let hex = len >= 3
                && (body.starts_with("#x") || body.starts_with("#X"))
                && body[2..].bytes().all(|b| b.is_ascii_hexdigit());
            if named || decimal || hex {
                return Some(&text[start..start + len + 2]);
            }
        }
        from = start + 1;
    }
    None
}

fn pair_checks(ctx: &Ctx, bead: &Bead, flags: &mut Vec<Flag>) {
    let source = ctx.bead_text(bead, Side::Source);
    let target = ctx.bead_text(bead, Side::Target);
    let last_source = &ctx.bitext.source[*bead.source.last().unwrap_or(&0)].text;
    let last_target = &ctx.bitext.target[*bead.target.last().unwrap_or(&0)].text;
    if let Some(severity) = ctx.settings.severity_of(Code::QuestionMismatch)
        && is_question(last_source) != is_question(last_target)
    {
        let (msg, ev) = if is_question(last_source) {
            (
                "the source asks a question but the translation does not",
                "source ends with ؟/?",
            )
        } else {
            (
                "the translation asks a question but the source does not",
                "target ends with ?",
            )
        };
        flags.push(ctx.bead_flag(
            Code::QuestionMismatch,
            severity,
            bead,
            msg.into(),
            ev.into(),
        ));
    }
    if let Some(severity) = ctx.settings.severity_of(Code::QuoteMismatch)
        && has_quotes(source) != has_quotes(target)
    {
        let which = if has_quotes(source) {
            "source"
        } else {
            "translation"
        };
        flags.push(ctx.bead_flag(
            Code::QuoteMismatch,
            severity,
            bead,
            format!("only the {which} has quote marks: check who is being quoted"),
            format!("quotes in the {which} only"),
        ));
    }
    if let Some(severity) = ctx.settings.severity_of(Code::Truncated)
        && let Some(why) = truncation(last_source, last_target)
    {
        flags.push(ctx.bead_flag(
            Code::Truncated,
            severity,
            bead,
            format!("the translation seems cut short: {why}"),
            format!("«…{}»", tail(last_target, 40)),
        ));
    }
    if let Some(severity) = ctx.settings.severity_of(Code::HtmlEntity)
        && let Some(entity) = html_entity(target)
        && html_entity(source).is_none()
    {
        flags.push(ctx.bead_flag(
            Code::HtmlEntity,
            severity,
            bead,
            format!("the translation contains the HTML entity {entity}: replace it with the character it stands for"),
            entity.to_string(),
        ));
    }
}

/// The last `n` characters of a text.
fn tail(text: &str, n: usize) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(n)).collect()
}

/// The registry entries of this family.
pub(crate) static INFO: &[CheckInfo] = &[
    info(
        Code::UnbalancedBrackets,
        Severity::Warning,
        Family::Source,
        "a bracket or quote mark opened and never closed (or closed and never opened) in the paragraph",
    ),
    info(
        Code::MtTypography,
        Severity::Info,
        Family::Source,
        "spaces before punctuation (` ،` ` .`): the source is probably itself machine output",
    ),
    info(
        Code::QuestionMismatch,
        Severity::Warning,
        Family::Pair,
        "the source is a question (؟ ?) and the target is not, or the reverse",
    ),
    info(
        Code::QuoteMismatch,
        Severity::Info,
        Family::Pair,
        "the source quotes someone and the target has no quote marks, or the reverse",
    ),
    info(
        Code::Truncated,
        Severity::Warning,
        Family::Pair,
        "the target stops mid-sentence (no final punctuation, or ends on a function word) while the source is complete",
    ),
    info(
        Code::HtmlEntity,
        Severity::Warning,
        Family::Pair,
        "a leftover HTML entity (&amp; &#39; &quot;) in the target",
    ),
];

family_check!(
    /// The `unbalanced-brackets`, `mt-typography`, `question-mismatch`, `quote-mismatch`, `truncated`, `html-entity` checks.
    PunctuationCheck
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_arabic_brackets_are_balanced_but_a_lone_one_is_not() {
        for text in [
            "يجب أن يحضر الاجتماع ما لا يقل عن )نصف( عدد الشركاء.",
            "تصدر القرارات بأغلبية ) بواحد وعشرين) صوتاً.",
            "المادة (3) من النظام و)نصف( الأعضاء.",
        ] {
            let b = pairs(&[(text, "A sentence.")]);
            assert!(
                !codes(&b).contains(&"unbalanced-brackets".to_string()),
                "{text}"
            );
        }
        for text in [
            "تصدر القرارات (بأغلبية الأعضاء.",
            "تصدر القرارات ) بأغلبية الأعضاء.",
        ] {
            let b = pairs(&[(text, "A sentence.")]);
            assert!(
                codes(&b).contains(&"unbalanced-brackets".to_string()),
                "{text}"
            );
        }
        let b = pairs(&[("جملة.", "The rule )applies( here.")]);
        assert!(codes(&b).contains(&"unbalanced-brackets".to_string()));
    }

    #[test]
    fn a_clause_broken_over_two_lines_on_both_sides_is_not_truncated() {
        assert_eq!(
            truncation(
                "مع مراعاة الفقرة (أ) من المادة الثالثة، تسري أحكام هذا النظام على الشركات المسجلة قبل نفاذه",
                "Subject to paragraph (a) of Article 3, this Law applies to companies registered before its entry into force",
            ),
            None
        );
        assert!(truncation("تسري أحكام هذا النظام على الشركات.", "This Law applies to").is_some());
    }

    #[test]
    fn a_translation_ending_on_a_label_is_not_truncated() {
        for target in [
            "The schedules form part of this Memorandum, including Schedule (a).",
            "The limits are those of Class A.",
        ] {
            assert_eq!(
                truncation("تعد الملاحق جزءاً من العقد.", target),
                None,
                "{target}"
            );
        }
        assert!(truncation("تعد الملاحق جزءاً من العقد.", "The schedules are part of a.").is_some());
    }
    use crate::quality::testkit::{codes, pairs};

    fn has(b: &crate::bitext::Bitext, code: &str) -> bool {
        codes(b).iter().any(|c| c == code)
    }

    #[test]
    fn quotes_may_span_sentences_of_a_paragraph() {
        let b = pairs(&[
            ("قال “نحن هنا.", "He said “we are here."),
            ("وسنبقى”.", "And we stay.”"),
        ]);
        assert!(!has(&b, "unbalanced-brackets"));
        let b = pairs(&[("قال “نحن هنا.", "He said “we are here.”")]);
        let flags = crate::quality::check(&b, &Default::default());
        let f = flags
            .iter()
            .find(|f| f.code == "unbalanced-brackets")
            .unwrap();
        assert!(f.evidence.contains("never closed"), "{}", f.evidence);
    }

    #[test]
    fn spaces_before_punctuation_are_info() {
        assert_eq!(spaces_before_punctuation("أوستن ، اليوم ، عن رغبته ."), 3);
        assert_eq!(spaces_before_punctuation("بين 2003 و .5 ..."), 0);
        let b = pairs(&[("أوستن ، اليوم.", "Austin, today.")]);
        let flags = crate::quality::check(&b, &Default::default());
        let f = flags.iter().find(|f| f.code == "mt-typography").unwrap();
        assert_eq!(f.severity, crate::bitext::Severity::Info);
    }

    #[test]
    fn question_marks_must_agree() {
        assert!(has(
            &pairs(&[("هل أتى؟", "Did he come.")]),
            "question-mismatch"
        ));
        assert!(!has(
            &pairs(&[("هل أتى؟", "Did he come?")]),
            "question-mismatch"
        ));
        assert!(!has(
            &pairs(&[("قال «هل أتى؟»", "He said “did he come?”")]),
            "question-mismatch"
        ));
    }

    #[test]
    fn truncated_targets() {
        assert!(truncation("ذهب إلى المدرسة.", "He went to the").is_some());
        assert!(truncation("ذهب إلى المدرسة.", "He went to the.").is_some());
        assert!(truncation("ذهب إلى المدرسة.", "He went to school.").is_none());
        assert!(truncation("ذهب إلى المدرسة", "He went to").is_none());
        assert!(
            truncation(
                "التشريعات التي تفخر بها.",
                "The legislation that Fátima Báñez is proudest of."
            )
            .is_none()
        );
        assert!(truncation("ذهب إلى المدرسة.", "He went to the edge of.").is_some());
        assert!(truncation("قال «ذهب».", "He said “he went.”").is_none());
    }

    #[test]
    fn html_entities() {
        assert_eq!(html_entity("Tom &amp; Jerry"), Some("&amp;"));
        assert_eq!(html_entity("it&#39;s"), Some("&#39;"));
        assert_eq!(html_entity("R&D; more"), None);
        assert_eq!(html_entity("AT&T and Q&A"), None);
        assert!(has(
            &pairs(&[("توم وجيري.", "Tom &amp; Jerry.")]),
            "html-entity"
        ));
    }
}
