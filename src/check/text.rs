//! Text as the duplicate checks compare it: markup already reduced to its text by the
//! caller; here Unicode NFKC, case folding, curly and straight quotes made equal, white
//! space collapsed. Sentences are split by UAX #29 with an abbreviation pass, since
//! "e.g." and "Art. 5" do not end sentences in compliance prose.

use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;

/// Words after which a period does not end a sentence (lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "art", "no", "nos", "nr", "sec", "para", "p", "pp", "fig",
    "approx", "incl", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "st", "u.s", "u.k",
    "e.u",
];

/// The comparable form of `text`.
#[must_use]
pub(super) fn normalize(text: &str) -> String {
    // Most prose is already in NFKC (curly quotes included): skip the composition then.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold(text.chars(), text.len())
    } else {
        fold(text.nfkc(), text.len())
    }
}

/// Case, quotes and white space, over characters already in NFKC.
fn fold(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut space = true;
    for c in chars.flat_map(char::to_lowercase) {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of normalized text: runs of letters and digits.
pub(super) fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The byte ranges of the sentences of `text`, trimmed.
#[must_use]
pub(super) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut joining = false;
    for (start, piece) in text.split_sentence_bound_indices() {
        let range = start..start + piece.len();
        match ranges.last_mut() {
            Some(last) if joining => last.end = range.end,
            _ => ranges.push(range),
        }
        joining = ends_with_abbreviation(piece);
    }
    ranges
        .into_iter()
        .filter_map(|range| {
            let piece = &text[range.clone()];
            let start = range.start + (piece.len() - piece.trim_start().len());
            let end = range.start + piece.trim_end().len();
            (start < end).then_some(start..end)
        })
        .collect()
}

fn ends_with_abbreviation(piece: &str) -> bool {
    let trimmed = piece.trim_end();
    let Some(before) = trimmed.strip_suffix('.') else {
        return false;
    };
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_quotes_space_and_compatibility_forms() {
        assert_eq!(
            normalize("Employees’  Devices\n"),
            normalize("employees' devices")
        );
        assert_eq!(normalize("“Monitoring”"), "\"monitoring\"");
        assert_eq!(normalize("ﬁle"), "file");
    }

    #[test]
    fn splits_sentences_but_not_after_abbreviations() {
        let text = "Data such as e.g. file names is kept. See Art. 5 GDPR for details. Done!";
        let found: Vec<_> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "Data such as e.g. file names is kept.",
                "See Art. 5 GDPR for details.",
                "Done!"
            ]
        );
    }
}
