//! Text as the duplicate checks compare it: markup already reduced to its text by the
//! caller; here Unicode NFKC, case folding, curly and straight quotes made equal, white
//! space collapsed. Sentences are split by UAX #29 with an abbreviation pass, since
//! "e.g." and "Art. 5" do not end sentences in compliance prose.

use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;

use crate::swar;

/// Words after which a period does not end a sentence (lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "art", "no", "nos", "nr", "sec", "para", "p", "pp", "fig",
    "approx", "incl", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "st", "u.s", "u.k",
    "e.u",
];

/// The length of the longest of [`ABBREVIATIONS`]: a longer word is none of them.
const LONGEST_ABBREVIATION: usize = {
    let (mut at, mut longest) = (0, 0);
    while at < ABBREVIATIONS.len() {
        if ABBREVIATIONS[at].len() > longest {
            longest = ABBREVIATIONS[at].len();
        }
        at += 1;
    }
    longest
};

/// The comparable form of `text`.
#[must_use]
pub(super) fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out);
    String::from_utf8(out).expect("normalized text is UTF-8")
}

/// Appends the comparable form of `text` to `out` (UTF-8): a page's sentences go into
/// one buffer, not a string each.
pub(super) fn normalize_into(text: &str, out: &mut Vec<u8>) {
    let start = out.len();
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
    } else if !push_stand_ins(text, out) {
        // Most prose is already in NFKC (curly quotes included): skip the composition then.
        let folded = if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
            fold(text.chars(), text.len())
        } else {
            fold(text.nfkc(), text.len())
        };
        out.extend_from_slice(folded.as_bytes());
        return;
    }
    fold_ascii(out, start);
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

/// The ASCII character that stands in for `c`, one of the few non-ASCII characters prose
/// is full of, chosen so that normalizing and splitting into sentences (UAX #29) treat it
/// as they treat `c`: curly quotes are closing marks and fold to the straight ones,
/// dashes continue a sentence and fold to `-`, and the no-break space is a space.
fn stand_in(c: char) -> Option<u8> {
    match c {
        _ if c.is_ascii() => u8::try_from(c).ok(),
        '\u{2018}' | '\u{2019}' => Some(b'\''),
        '\u{201c}' | '\u{201d}' => Some(b'"'),
        '\u{2013}' | '\u{2014}' => Some(b'-'),
        '\u{a0}' => Some(b' '),
        _ => None,
    }
}

/// Appends the stand-ins of `text`'s characters to `out` when every one has one, and
/// says whether it did (`out` is left as it was when not).
fn push_stand_ins(text: &str, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    out.reserve(text.len());
    for c in text.chars() {
        let Some(b) = stand_in(c) else {
            out.truncate(start);
            return false;
        };
        out.push(b);
    }
    true
}

/// [`fold`] of the ASCII text at `bytes[start..]`, in place: ASCII is its own NFKC, and of
/// the quotes only the backtick changes. One pass maps every byte (a loop the compiler
/// vectorizes: white space to a space, letters lowered), a second collapses runs of
/// spaces where there are any.
fn fold_ascii(bytes: &mut Vec<u8>, start: usize) {
    for b in &mut bytes[start..] {
        *b = match *b {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => b' ',
            b'`' => b'\'',
            b => b.to_ascii_lowercase(),
        };
    }
    if has_double_space(&bytes[start..]) {
        let mut kept = start;
        for at in start..bytes.len() {
            if !(bytes[at] == b' ' && kept > start && bytes[kept - 1] == b' ') {
                bytes[kept] = bytes[at];
                kept += 1;
            }
        }
        bytes.truncate(kept);
    }
    if bytes[start..].last() == Some(&b' ') {
        bytes.pop();
    }
    if bytes.get(start) == Some(&b' ') {
        bytes.remove(start);
    }
}

/// Whether `bytes` has two spaces in a row (most sentences have none, and a search pair
/// by pair costs more than the folding).
fn has_double_space(bytes: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: every x86-64 processor has SSE2.
    return unsafe { has_double_space_sse2(bytes) };
    #[cfg(not(target_arch = "x86_64"))]
    has_double_space_swar(bytes)
}

/// [`has_double_space`] sixteen bytes at a time with SSE2: a bit per space, each bit
/// compared with the one before it, the first with the last of the sixteen before.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn has_double_space_sse2(bytes: &[u8]) -> bool {
    use swar::sixteen;
    // Bit 0: the byte before the current sixteen is a space.
    let mut before = 0;
    let mut doubled = |x| {
        let spaces = sixteen::equal(x, b' ');
        let found = spaces & ((spaces << 1) | before) != 0;
        before = spaces >> 15;
        found
    };
    let mut at = 0;
    while let Some(chunk) = bytes[at..].first_chunk() {
        if doubled(sixteen::load(chunk)) {
            return true;
        }
        at += 16;
    }
    // The last bytes padded with zeros, which are no space.
    at < bytes.len() && doubled(sixteen::padded(&bytes[at..]))
}

/// [`has_double_space`] eight bytes at a time in windows seven apart, so that every two
/// neighbours are in one: where there is no SSE2, and to test the SSE2 version against.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn has_double_space_swar(bytes: &[u8]) -> bool {
    let mut at = 0;
    while at + 1 < bytes.len() {
        let spaces = swar::equal(swar::padded(&bytes[at..]), b' ');
        if spaces & (spaces >> 8) != 0 {
            return true;
        }
        at += 7;
    }
    false
}

/// A sentence glob (`allow`): `*` stands for any text, the rest is compared in normalized
/// form, so case and white space do not matter.
pub(super) struct Glob {
    /// The normalized text between the stars.
    parts: Vec<String>,
}

impl Glob {
    pub(super) fn new(pattern: &str) -> Self {
        Self {
            parts: pattern.split('*').map(normalize).collect(),
        }
    }

    /// Whether the whole of `normalized` matches.
    pub(super) fn matches(&self, normalized: &str) -> bool {
        let (first, rest) = self
            .parts
            .split_first()
            .expect("split yields one part at least");
        let Some(mut remaining) = normalized.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return remaining.is_empty(); // no star: the whole text
        };
        for part in middle {
            match remaining.find(part.as_str()) {
                Some(at) => remaining = &remaining[at + part.len()..],
                None => return false,
            }
        }
        remaining.ends_with(last.as_str())
    }
}

/// The words of normalized text: runs of letters and digits.
pub(super) fn words(normalized: &str) -> impl Iterator<Item = &str> {
    // Splitting ASCII by bytes gives the same words without decoding characters.
    let ascii = normalized.is_ascii();
    let (bytes, chars) = if ascii {
        let words = AsciiWords::new(normalized.as_bytes()).map(|word| &normalized[word]);
        (Some(words), None)
    } else {
        let chars = normalized
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        (None, Some(chars))
    };
    bytes
        .into_iter()
        .flatten()
        .chain(chars.into_iter().flatten())
}

/// Calls `each` with the bytes of each of the [`words`] of normalized text, in order: the
/// duplicate checks hash every word of a site, and an ASCII text's are taken straight
/// from its bytes, without the iterators that join the two ways of splitting.
pub(super) fn each_word(normalized: &str, mut each: impl FnMut(&[u8])) {
    if normalized.is_ascii() {
        let bytes = normalized.as_bytes();
        for word in AsciiWords::new(bytes) {
            each(&bytes[word]);
        }
    } else {
        for word in words(normalized) {
            each(word.as_bytes());
        }
    }
}

/// Where the runs of ASCII letters and digits of ASCII text are, found 64 bytes at a time:
/// a bit per byte says whether it is a letter or a digit, and a word is a run of set bits,
/// so there is no branch per byte to mispredict at every word's edge.
struct AsciiWords<'a> {
    bytes: &'a [u8],
    /// Where the current block of 64 bytes starts.
    block: usize,
    /// The letter-or-digit bits of the current block not yet returned as words.
    mask: u64,
}

impl<'a> AsciiWords<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            block: 0,
            mask: alnum_mask(bytes, 0),
        }
    }
}

impl AsciiWords<'_> {
    /// Moves on to the next block with a letter or a digit; false at the end of the text.
    #[cold]
    fn next_block(&mut self) -> bool {
        while self.mask == 0 {
            self.block += 64;
            if self.block >= self.bytes.len() {
                return false;
            }
            self.mask = alnum_mask(self.bytes, self.block);
        }
        true
    }

    /// Where a word that reaches the current block's end ends, in the blocks after it,
    /// which become the current block.
    #[cold]
    fn end_in_later_blocks(&mut self, mut end: usize) -> usize {
        self.mask = 0;
        while self.block + 64 < self.bytes.len() {
            self.block += 64;
            let next = alnum_mask(self.bytes, self.block);
            let run = next.trailing_ones();
            end = self.block + run as usize;
            if run < 64 {
                self.mask = next & !((1 << run) - 1);
                break;
            }
        }
        end
    }
}

impl Iterator for AsciiWords<'_> {
    type Item = Range<usize>;

    /// Small enough to be inlined where words are taken: the rare steps are apart.
    #[inline]
    fn next(&mut self) -> Option<Range<usize>> {
        if self.mask == 0 && !self.next_block() {
            return None;
        }
        let offset = self.mask.trailing_zeros();
        let run = (self.mask >> offset).trailing_ones();
        let start = self.block + offset as usize;
        let end = start + run as usize;
        if offset + run < 64 {
            self.mask &= !(((1 << run) - 1) << offset);
            Some(start..end)
        } else {
            Some(start..self.end_in_later_blocks(end))
        }
    }
}

/// A bit per byte of `bytes[at..at + 64]` (ASCII): set where it is a letter or a digit;
/// bytes past the end count as neither.
fn alnum_mask(bytes: &[u8], at: usize) -> u64 {
    let block = &bytes[at.min(bytes.len())..bytes.len().min(at + 64)];
    #[cfg(target_arch = "x86_64")]
    // SAFETY: every x86-64 processor has SSE2.
    return unsafe { alnum_mask_sse2(block) };
    #[cfg(not(target_arch = "x86_64"))]
    alnum_mask_swar(block)
}

/// [`alnum_mask`] of a block of at most 64 bytes, eight at a time in a `u64`: where there
/// is no SSE2, and to test the SSE2 version against.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn alnum_mask_swar(block: &[u8]) -> u64 {
    let mut mask = 0;
    for (at, chunk) in block.chunks(8).enumerate() {
        mask |= u64::from(alnum_bits(swar::padded(chunk))) << (8 * at);
    }
    mask
}

/// [`alnum_mask`] of a block of at most 64 bytes, sixteen at a time with SSE2: a byte is a
/// letter when, with the bit that tells case set, it is within `a`..=`z`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn alnum_mask_sse2(block: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_max_epu8, _mm_min_epu8, _mm_or_si128,
        _mm_set1_epi8,
    };
    use swar::sixteen;
    let within = |x: __m128i, low: u8, high: u8| {
        let (low, high) = (
            _mm_set1_epi8(low.cast_signed()),
            _mm_set1_epi8(high.cast_signed()),
        );
        _mm_and_si128(
            _mm_cmpeq_epi8(_mm_max_epu8(x, low), x),
            _mm_cmpeq_epi8(_mm_min_epu8(x, high), x),
        )
    };
    let alnum = |x| {
        let letters = within(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', b'z');
        u64::from(sixteen::bits(_mm_or_si128(letters, within(x, b'0', b'9'))))
    };
    let (mut mask, mut at) = (0, 0);
    while let Some(chunk) = block[at..].first_chunk() {
        mask |= alnum(sixteen::load(chunk)) << at;
        at += 16;
    }
    // The last bytes padded with zeros, which are neither.
    if at < block.len() {
        mask |= alnum(sixteen::padded(&block[at..])) << at;
    }
    mask
}

/// A bit per byte of eight ASCII bytes (the first byte the lowest bit): set where it is a
/// letter or a digit. Each range test adds to every byte at once; no byte below 0x80 can
/// carry into the next.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn alnum_bits(bytes: u64) -> u8 {
    use swar::{HIGH, ONES};
    // The high bit of each byte: set when the byte is at least `low` and at most `high`.
    let within = |low: u8, high: u8| {
        let at_least = bytes.wrapping_add(ONES * u64::from(0x80 - low));
        let above = bytes.wrapping_add(ONES * u64::from(0x7f - high));
        at_least & !above & HIGH
    };
    let high_bits = within(b'0', b'9') | within(b'A', b'Z') | within(b'a', b'z');
    // Gathers the eight high bits into the top byte: byte i's bit lands at bit 56 + i.
    let gathered = (high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    u8::try_from(gathered).expect("the top byte")
}

/// The byte ranges of the sentences of `text`, trimmed, written over `bounds`: one list
/// serves every block of a page.
pub(super) fn sentences(text: &str, bounds: &mut Vec<Range<usize>>) {
    bounds.clear();
    if text.is_ascii() {
        ascii_sentence_bounds(text.as_bytes(), bounds);
    } else if let Some(pieces) = stand_in_sentence_bounds(text) {
        *bounds = pieces;
    } else {
        let pieces = text.split_sentence_bound_indices();
        bounds.extend(pieces.map(|(start, piece)| start..start + piece.len()));
    }
    // A piece that ends with an abbreviation ("e.g.") runs on into the next one: joined
    // in place, then trimmed in place, so a block's sentences take one list.
    let mut kept = 0;
    let mut joining = false;
    for at in 0..bounds.len() {
        let piece = bounds[at].clone();
        if joining {
            bounds[kept - 1].end = piece.end;
        } else {
            bounds[kept] = piece.clone();
            kept += 1;
        }
        joining = ends_with_abbreviation(&text[piece]);
    }
    bounds.truncate(kept);
    bounds.retain_mut(|range| {
        let piece = &text[range.clone()];
        let start = range.start + (piece.len() - piece.trim_start().len());
        let end = range.start + piece.trim_end().len();
        *range = start..end;
        start < end
    });
}

/// UAX #29 sentence boundaries of ASCII text, as `split_sentence_bound_indices` finds them
/// (the property test below holds the two to each other) — without a table lookup per
/// character, since only a terminator or a line break can end a sentence: the scan skips
/// to the next one eight bytes at a time. Pushed onto `bounds`.
fn ascii_sentence_bounds(text: &[u8], bounds: &mut Vec<Range<usize>>) {
    let is_close = |b: u8| matches!(b, b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}');
    let is_sp = |b: u8| matches!(b, b' ' | b'\t' | 0x0B | 0x0C);
    let is_para = |b: u8| matches!(b, b'\n' | b'\r');
    let is_term = |b: u8| matches!(b, b'.' | b'!' | b'?');
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = next_stop(text, i) {
        let b = text[at];
        let end = if is_para(b) {
            // SB3, SB4: after a line break (CR LF as one).
            Some(if b == b'\r' && text.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            })
        } else {
            sentence_end(text, at, is_close, is_sp, is_para, is_term)
        };
        match end {
            Some(end) if end < text.len() => {
                bounds.push(start..end);
                start = end;
                i = end;
            }
            Some(_) => break,
            None => i = at + 1,
        }
    }
    if start < text.len() {
        bounds.push(start..text.len());
    }
}

/// The first terminator (`.`, `!`, `?`) or line break at or after `from`, looked for eight
/// bytes at a time.
fn next_stop(text: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(word) = swar::word(text, at) {
        let stops = [b'.', b'!', b'?', b'\n', b'\r']
            .into_iter()
            .fold(0, |stops, stop| stops | swar::equal(word, stop));
        if stops != 0 {
            return Some(at + stops.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    text[at..]
        .iter()
        .position(|b| matches!(b, b'.' | b'!' | b'?' | b'\n' | b'\r'))
        .map(|found| at + found)
}

/// UAX #29 sentence boundaries of text whose characters all have [`stand_in`]s: the ASCII
/// boundaries of the stand-ins, mapped back to where each character starts.
fn stand_in_sentence_bounds(text: &str) -> Option<Vec<Range<usize>>> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        bytes.push(stand_in(c)?);
        starts.push(at);
    }
    starts.push(text.len());
    let mut bounds = Vec::new();
    ascii_sentence_bounds(&bytes, &mut bounds);
    Some(
        bounds
            .into_iter()
            .map(|r| starts[r.start]..starts[r.end])
            .collect(),
    )
}

/// Where the sentence ends if the terminator at `at` ends it (SB6–SB11), else `None`.
fn sentence_end(
    text: &[u8],
    at: usize,
    is_close: impl Fn(u8) -> bool,
    is_sp: impl Fn(u8) -> bool,
    is_para: impl Fn(u8) -> bool,
    is_term: impl Fn(u8) -> bool,
) -> Option<usize> {
    let full_stop = text[at] == b'.';
    let next = text.get(at + 1).copied();
    if full_stop {
        // SB6: "3.5"; SB7: "U.S" (a letter, the stop, then an upper-case letter).
        if next.is_some_and(|b| b.is_ascii_digit()) {
            return None;
        }
        let letter_before = at > 0 && text[at - 1].is_ascii_alphabetic();
        if letter_before && next.is_some_and(|b| b.is_ascii_uppercase()) {
            return None;
        }
    }
    let mut j = at + 1;
    while j < text.len() && is_close(text[j]) {
        j += 1;
    }
    while j < text.len() && is_sp(text[j]) {
        j += 1;
    }
    if full_stop {
        // SB8: no break when the next letter, past anything that is not a letter, a
        // terminator or a line break, is lower case.
        let next_letter = text[j..]
            .iter()
            .find(|&&b| b.is_ascii_alphabetic() || is_para(b) || is_term(b));
        if next_letter.is_some_and(u8::is_ascii_lowercase) {
            return None;
        }
    }
    // SB8a: a comma, a dash, a colon or another terminator continues the sentence.
    if text
        .get(j)
        .is_some_and(|&b| matches!(b, b',' | b'-' | b':' | b';') || is_term(b))
    {
        return None;
    }
    // SB9–SB11: the break comes after the closing marks, the spaces and one line break.
    match text.get(j) {
        Some(b'\r') if text.get(j + 1) == Some(&b'\n') => Some(j + 2),
        Some(&b) if is_para(b) => Some(j + 1),
        _ => Some(j),
    }
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
    if word.is_ascii() {
        // The abbreviations are lower-case ASCII: no lowered copy of the word is needed.
        word.len() <= LONGEST_ABBREVIATION
            && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
    } else {
        ABBREVIATIONS.contains(&word.to_lowercase().as_str())
    }
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
        // A list that held another block's sentences is written over, not added to.
        let mut bounds = vec![0..1, 5..9];
        sentences(text, &mut bounds);
        let found: Vec<_> = bounds.into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "Data such as e.g. file names is kept.",
                "See Art. 5 GDPR for details.",
                "Done!"
            ]
        );
    }

    #[test]
    fn globs_match_whole_sentences_in_normalized_form() {
        let glob = Glob::new("This parameter was introduced in *");
        assert!(glob.matches(&normalize(
            "This parameter was introduced in Windows PowerShell 3.0."
        )));
        assert!(glob.matches(&normalize(
            "this  parameter was INTRODUCED in PowerShell 7."
        )));
        assert!(!glob.matches(&normalize("Note: this parameter was introduced in 7.")));
        let glob = Glob::new("* is a *-only parameter.");
        assert!(glob.matches(&normalize("Confirm is a Windows-only parameter.")));
        assert!(!glob.matches(&normalize("Confirm is a Windows-only parameter. Really.")));
        assert!(Glob::new("Exactly this.").matches("exactly this."));
        assert!(!Glob::new("Exactly this.").matches("exactly this. and more"));
    }

    /// Two spaces in a row are found at every place, across the sixteen-byte chunks too,
    /// and two spaces one apart are not two in a row.
    #[test]
    fn double_spaces_are_found_at_every_place() {
        for at in 0..40 {
            let mut text = vec![b'a'; 42];
            text[at] = b' ';
            text[at + 1] = b' ';
            assert!(has_double_space(&text), "at {at}");
            text[at + 1] = b'a';
            text[at + 2] = b' ';
            assert!(!has_double_space(&text), "at {at} and {}", at + 2);
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_bounds_agree_with_uax29(text in "[aZ1.!?'\"()\\[\\]{},;:\\- \n\r\t\x0b#]{0,40}|([a-z ]{0,20}[.!?\n\r]){0,6}") {
            let mut ours = Vec::new();
            ascii_sentence_bounds(text.as_bytes(), &mut ours);
            let theirs: Vec<Range<usize>> = text
                .split_sentence_bound_indices()
                .map(|(start, piece)| start..start + piece.len())
                .collect();
            proptest::prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn stand_ins_split_and_normalize_as_the_general_path(text in "[aZ1.!?'\"(),;:\\- \n\r\t#\u{2018}\u{2019}\u{201c}\u{201d}\u{2013}\u{2014}\u{a0}]{0,40}") {
            let theirs: Vec<Range<usize>> = text
                .split_sentence_bound_indices()
                .map(|(start, piece)| start..start + piece.len())
                .collect();
            proptest::prop_assert_eq!(stand_in_sentence_bounds(&text), Some(theirs));
            proptest::prop_assert_eq!(normalize(&text), fold(text.nfkc(), text.len()));
        }

        #[cfg(target_arch = "x86_64")]
        #[test]
        fn letters_and_digits_are_found_sixteen_at_a_time_as_eight(block in "[\x00-\x7f]{0,64}") {
            let block = block.as_bytes();
            // SAFETY: every x86-64 processor has SSE2.
            let sixteen = unsafe { alnum_mask_sse2(block) };
            proptest::prop_assert_eq!(sixteen, alnum_mask_swar(block));
        }

        #[test]
        fn ascii_words_agree_with_the_general_path_across_blocks(text in "[a-zA-Z0-9 .:/@`\\[{\x00\x7f]{0,300}") {
            let ours: Vec<&str> = AsciiWords::new(text.as_bytes()).map(|word| &text[word]).collect();
            let theirs: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            proptest::prop_assert_eq!(ours, theirs);
        }

        /// A text normalized after others in one buffer is what it is alone: nothing
        /// before it is changed, and nothing of it is lost to its neighbour.
        #[test]
        fn texts_normalized_into_one_buffer_are_each_their_own(
            before in "[a \t\u{2019}\u{e9}]{0,6}",
            text in "[aZ.` \t\n\u{2019}\u{201c}\u{a0}\u{e9}\u{fb01}]{0,30}",
        ) {
            let mut buffer = normalize(&before).into_bytes();
            let start = buffer.len();
            normalize_into(&text, &mut buffer);
            let (first, alone) = (normalize(&before), normalize(&text));
            proptest::prop_assert_eq!(&buffer[..start], first.as_bytes());
            proptest::prop_assert_eq!(&buffer[start..], alone.as_bytes());
            proptest::prop_assert_eq!(alone, fold(text.nfkc(), text.len()));
        }

        #[test]
        fn double_spaces_are_found_wherever_they_are(text in "[ a]{0,40}") {
            let expected = text.as_bytes().windows(2).any(|pair| pair == b"  ");
            proptest::prop_assert_eq!(has_double_space(text.as_bytes()), expected);
            proptest::prop_assert_eq!(has_double_space_swar(text.as_bytes()), expected);
        }

        #[test]
        fn ascii_folding_and_words_agree_with_the_general_path(text in "[\x00-\x7f]{0,40}") {
            let mut folded = text.clone().into_bytes();
            fold_ascii(&mut folded, 0);
            proptest::prop_assert_eq!(String::from_utf8(folded).unwrap(), fold(text.chars(), 0));
            let ours: Vec<&str> = AsciiWords::new(text.as_bytes()).map(|word| &text[word]).collect();
            let theirs: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            proptest::prop_assert_eq!(&ours, &theirs);
            let words: Vec<&str> = words(&text).collect();
            proptest::prop_assert_eq!(words, theirs);
        }
    }
}
