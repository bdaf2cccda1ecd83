//! JSON values written by hand, byte for byte as `serde_json` writes them, for the JSON
//! that is most of what privdoc writes: a report's findings, and the search index's words
//! and page numbers. `serde_json` looks every byte of a string up in its escape table;
//! these strings (paths, messages, hints, words) seldom hold anything to escape, so they
//! are copied eight bytes at a time, and a number is written without the formatting
//! machinery.

use crate::swar::{self, HIGH, ONES};

/// Appends `text` as a JSON string, escaped as `serde_json` escapes it: `"` and `\` with a
/// backslash, a control character with its short escape (`\n`) or as `\u00xx`, every
/// other character as it is.
pub(crate) fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // `bytes[..copied]` are written.
    let mut copied = 0;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: every x86-64 processor has SSE2.
    let mut at = unsafe { plain_prefix_sse2(bytes) };
    #[cfg(not(target_arch = "x86_64"))]
    let mut at = 0;
    while at < bytes.len() {
        if let Some(word) = swar::word(bytes, at)
            && !needs_escape(word)
        {
            at += 8;
            continue;
        }
        // A word with something to escape, or the last bytes: one at a time.
        let end = bytes.len().min(at + 8);
        for (at, &byte) in bytes.iter().enumerate().take(end).skip(at) {
            if byte < 0x20 || byte == b'"' || byte == b'\\' {
                out.extend_from_slice(&bytes[copied..at]);
                escape(out, byte);
                copied = at + 1;
            }
        }
        at = end;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// How many bytes at the start of `bytes` need no escape, looked at sixteen at a time with
/// SSE2 (every x86-64 processor has it), up to the first sixteen that hold one: most
/// strings hold none, and are then looked at whole here but for their last fifteen bytes
/// or fewer.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn plain_prefix_sse2(bytes: &[u8]) -> usize {
    use std::arch::x86_64::{_mm_max_epu8, _mm_set1_epi8};
    use swar::sixteen;
    let mut at = 0;
    while let Some(chunk) = bytes[at..].first_chunk() {
        let x = sixteen::load(chunk);
        // A byte is a control character when the larger of it and 0x1f is 0x1f.
        let control = sixteen::equal(_mm_max_epu8(x, _mm_set1_epi8(0x1f)), 0x1f);
        if control | sixteen::equal(x, b'"') | sixteen::equal(x, b'\\') != 0 {
            break;
        }
        at += 16;
    }
    at
}

/// Whether any of the eight bytes of `word` is a quote, a backslash or a control
/// character. A subtraction that borrows into a byte's high bit marks a byte below
/// 0x20 (and the ones after it: only whether there is one is asked).
fn needs_escape(word: u64) -> bool {
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (control | swar::equal(word, b'"') | swar::equal(word, b'\\')) != 0
}

/// Appends `byte` (a quote, a backslash or a control character) as `serde_json` escapes it.
fn escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match byte {
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0..0x20 => {
            let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
        }
        _ => out.extend_from_slice(&[b'\\', byte]),
    }
}

/// Appends `n` in decimal.
pub(crate) fn number(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + u8::try_from(n % 10).expect("a digit");
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(text in "[a-z\"\\\\\u{0}-\u{1f}\u{7f}\u{e9}\u{2028}/ ]{0,40}|\\PC{0,40}") {
            let mut ours = b"x".to_vec();
            string(&mut ours, &text);
            let theirs = serde_json::to_vec(&text).unwrap();
            proptest::prop_assert_eq!(&ours[1..], &theirs[..]);
        }

        #[test]
        fn numbers_are_written_as_serde_json_writes_them(n in proptest::prelude::any::<usize>()) {
            let mut ours = Vec::new();
            number(&mut ours, n);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&n).unwrap());
        }
    }

    #[test]
    fn every_byte_below_0x80_is_escaped_as_serde_json_escapes_it() {
        for byte in 0..0x80u8 {
            // Alone, and inside a word of eight, where the scan looks eight at a time.
            for text in [
                char::from(byte).to_string(),
                format!("abc{}defgh", char::from(byte)),
            ] {
                let mut ours = Vec::new();
                string(&mut ours, &text);
                assert_eq!(ours, serde_json::to_vec(&text).unwrap(), "byte {byte:#x}");
            }
        }
        // Every place in the 16-byte chunks of a longer string, and in the bytes after them.
        for at in 0..40 {
            for byte in [0x00, 0x08, 0x1f, b'"', b'\\', 0x7f, b' '] {
                let text = format!(
                    "{}{}{}",
                    "a".repeat(at),
                    char::from(byte),
                    "b".repeat(39 - at)
                );
                let mut ours = Vec::new();
                string(&mut ours, &text);
                assert_eq!(
                    ours,
                    serde_json::to_vec(&text).unwrap(),
                    "{byte:#x} at {at}"
                );
            }
        }
        let mut ours = Vec::new();
        number(&mut ours, 0);
        assert_eq!(ours, b"0");
    }
}
