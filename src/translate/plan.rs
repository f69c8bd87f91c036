//! Request planning: texts too long for a service are cut into pieces, and pieces are packed into
//! batches that respect the service's [`Limits`].

use std::ops::Range;

use crate::provider::Limits;

/// Characters at which a long text is preferably cut, best first: clause punctuation (Arabic and
/// Latin), then sentence-internal punctuation. A cut falls after the mark.
const CLAUSE_MARKS: &[char] = &['،', '؛', ',', ';', ':', '.', '؟', '?', '!', '…'];

/// Byte spans of `text` (trimmed, non-empty, in order), each at most `max_bytes` long: cut after
/// the last clause mark that fits, else at the last space that fits, else at the last character
/// boundary that fits. Whitespace between pieces is dropped; the pieces' translations are
/// rejoined with one space.
pub fn split_for_limit(text: &str, max_bytes: Option<usize>) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = skip_whitespace(text, 0);
    let end = text.trim_end().len();
    while start < end {
        let rest = &text[start..end];
        let Some(max) = max_bytes.filter(|&m| rest.len() > m) else {
            pieces.push(start..end);
            break;
        };
        let cut = start + cut_point(rest, max.max(4));
        let piece_end = start + text[start..cut].trim_end().len();
        if piece_end > start {
            pieces.push(start..piece_end);
        }
        start = skip_whitespace(text, cut);
    }
    pieces
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    from + (text[from..].len() - text[from..].trim_start().len())
}

/// Where to cut `rest` (longer than `max` bytes): a byte offset in `1..=max` on a char boundary.
fn cut_point(rest: &str, max: usize) -> usize {
    let mut limit = max.min(rest.len());
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &rest[..limit];
    // Never cut in the first third: pieces that small make poor translation units.
    let floor = limit / 3;
    let after_mark = window
        .char_indices()
        .filter(|&(i, c)| CLAUSE_MARKS.contains(&c) && i >= floor)
        .map(|(i, c)| i + c.len_utf8())
        .rfind(|&i| rest[i..].starts_with(char::is_whitespace));
    let at_space = window
        .char_indices()
        .rfind(|&(i, c)| c.is_whitespace() && i >= floor)
        .map(|(i, _)| i);
    match (after_mark, at_space) {
        (Some(i), _) => i,
        (None, Some(i)) => i,
        (None, None) if limit > 0 => limit,
        // A single character longer than the limit: take it whole.
        _ => rest.chars().next().map_or(rest.len(), char::len_utf8),
    }
}

/// Packs texts (given by their encoded lengths, [`Limits::encoded_len`], in order) into
/// consecutive batches of at most `limits.max_texts` texts and `limits.max_request_bytes` encoded
/// bytes. A text too big for any request still gets a batch of its own (the service will say
/// no, and that unit fails alone).
pub fn pack(lengths: &[usize], limits: &Limits) -> Vec<Range<usize>> {
    let max_texts = limits.max_texts.max(1);
    let budget = limits.max_request_bytes.map(|b| b.max(1));
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, &len) in lengths.iter().enumerate() {
        let full = i - start >= max_texts || budget.is_some_and(|b| bytes + len > b);
        if i > start && full {
            batches.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += len;
    }
    if start < lengths.len() {
        batches.push(start..lengths.len());
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Encoding;
    use proptest::prelude::*;

    #[test]
    fn short_texts_are_one_piece() {
        let one = |pieces: Vec<Range<usize>>| {
            assert_eq!(pieces.len(), 1);
            pieces[0].clone()
        };
        assert_eq!(one(split_for_limit("  نص قصير. ", Some(100))), 2..16);
        assert_eq!(one(split_for_limit("abc", None)), 0..3);
        assert!(split_for_limit("   ", Some(10)).is_empty());
    }

    #[test]
    fn long_texts_are_cut_after_clause_marks_first() {
        let text = "الجملة الأولى طويلة، والثانية أيضا طويلة؛ والثالثة أقصر";
        let pieces = split_for_limit(text, Some(60));
        let parts: Vec<&str> = pieces.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(parts[0], "الجملة الأولى طويلة،");
        assert!(parts.iter().all(|p| p.len() <= 60), "{parts:?}");
        assert_eq!(parts.join(" "), text);
    }

    #[test]
    fn packs_by_count_and_bytes() {
        let limits = Limits {
            max_texts: 2,
            max_text_bytes: None,
            max_request_bytes: None,
            encoding: Encoding::Json,
        };
        assert_eq!(pack(&[1, 1, 1, 1, 1], &limits), [0..2, 2..4, 4..5]);
        let limits = Limits {
            max_texts: 50,
            max_text_bytes: None,
            max_request_bytes: Some(10),
            encoding: Encoding::Json,
        };
        assert_eq!(pack(&[4, 4, 4, 20, 1], &limits), [0..2, 2..3, 3..4, 4..5]);
        assert!(pack(&[], &limits).is_empty());
    }

    proptest! {
        #[test]
        fn pieces_fit_cover_the_text_and_keep_order(
            words in proptest::collection::vec("[a-zء-ي،؛,.]{1,12}", 0..40),
            max in 8usize..80,
        ) {
            let text = words.join(" ");
            let pieces = split_for_limit(&text, Some(max));
            let mut last = 0;
            for r in &pieces {
                prop_assert!(r.start >= last && r.start < r.end);
                prop_assert!(text[last..r.start].chars().all(char::is_whitespace));
                let piece = &text[r.clone()];
                prop_assert_eq!(piece.trim(), piece);
                // A piece may exceed the limit only when it is one character.
                prop_assert!(piece.len() <= max.max(4) || piece.chars().count() == 1);
                last = r.end;
            }
            prop_assert!(text[last..].chars().all(char::is_whitespace));
        }

        #[test]
        fn packing_keeps_every_text_once_in_order(
            lengths in proptest::collection::vec(1usize..500, 0..100),
            max_texts in 1usize..10,
            bytes in proptest::option::of(1usize..3000),
        ) {
            let limits = Limits { max_texts, max_text_bytes: None, max_request_bytes: bytes, encoding: Encoding::Json };
            let batches = pack(&lengths, &limits);
            let mut next = 0;
            for b in &batches {
                prop_assert_eq!(b.start, next);
                prop_assert!(b.end > b.start && b.len() <= max_texts);
                if let Some(max) = bytes {
                    let total: usize = lengths[b.clone()].iter().sum();
                    prop_assert!(total <= max || b.len() == 1);
                }
                next = b.end;
            }
            prop_assert_eq!(next, lengths.len());
        }
    }
}
