//! Eight bytes at a time in a `u64` ("SIMD within a register"): the scans over text that
//! look for a few byte values (line breaks, sentence ends), without a branch per byte; and
//! sixteen at a time with SSE2 ([`sixteen`]) where there is more to look at.

/// One in each byte of a word of eight.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word of eight.
pub(crate) const HIGH: u64 = ONES * 0x80;

/// Eight bytes from `bytes[at..at + 8]`, the first the lowest.
pub(crate) fn word(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
}

/// The first eight bytes of `bytes` as one number, the first the lowest, zeros after the
/// last when there are fewer: one load, or two that overlap, never a copy into a buffer
/// (a copy of a length known only at run time is a call, and the load after it waits for
/// its stores).
pub(crate) fn padded(bytes: &[u8]) -> u64 {
    // Two loads of `n` bytes, from the start and from `n` before the end, cover `n + 1`
    // to `2n` bytes; where they overlap the bytes are the same.
    fn two<const N: usize>(bytes: &[u8], to_u64: fn([u8; N]) -> u64) -> u64 {
        let len = bytes.len();
        let low = to_u64(bytes[..N].try_into().expect("N bytes"));
        let high = to_u64(bytes[len - N..len].try_into().expect("N bytes"));
        low | (high << (8 * (len - N)))
    }
    match bytes.len() {
        0 => 0,
        1 => u64::from(bytes[0]),
        2..=3 => two::<2>(bytes, |b| u64::from(u16::from_le_bytes(b))),
        4..=7 => two::<4>(bytes, |b| u64::from(u32::from_le_bytes(b))),
        _ => u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes")),
    }
}

/// The high bit of each byte of `word` set where the byte is `byte`, exactly, whatever the
/// other bytes are; the first match is at `trailing_zeros() / 8`.
pub(crate) fn equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = !HIGH;
    let diff = word ^ (ONES * u64::from(byte));
    // Adding 0x7f to a byte's low seven bits sets its high bit when they are not zero,
    // with no carry into the next byte.
    let nonzero = ((diff & LOW) + LOW) | diff;
    !nonzero & HIGH
}

/// Calls `found` with every position of `byte` in `bytes`, in order, looked for eight
/// bytes at a time: for bytes that end short runs (line breaks), where a search per run
/// costs more than the run.
pub(crate) fn each(bytes: &[u8], byte: u8, mut found: impl FnMut(usize)) {
    let mut at = 0;
    while let Some(word) = word(bytes, at) {
        let mut matches = equal(word, byte);
        while matches != 0 {
            found(at + matches.trailing_zeros() as usize / 8);
            matches &= matches - 1;
        }
        at += 8;
    }
    for (at, &b) in bytes.iter().enumerate().skip(at) {
        if b == byte {
            found(at);
        }
    }
}

/// Sixteen bytes at a time in an SSE2 register, which every x86-64 processor has: the
/// load and the byte tests that the scans wider than a word share. The functions are safe
/// to call from a function that enables SSE2; the one `unsafe` is the load's.
#[cfg(target_arch = "x86_64")]
pub(crate) mod sixteen {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    /// The sixteen bytes of `chunk`, the first the lowest.
    #[target_feature(enable = "sse2")]
    pub(crate) fn load(chunk: &[u8; 16]) -> __m128i {
        // SAFETY: `chunk` holds the sixteen bytes an unaligned load reads.
        #[expect(clippy::cast_ptr_alignment, reason = "`loadu` reads at any alignment")]
        unsafe {
            _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>())
        }
    }

    /// The first sixteen bytes of `bytes`, zeros after the last when there are fewer: for
    /// the last bytes of a scan, which loads the others whole.
    #[target_feature(enable = "sse2")]
    pub(crate) fn padded(bytes: &[u8]) -> __m128i {
        let mut chunk = [0; 16];
        let kept = bytes.len().min(16);
        chunk[..kept].copy_from_slice(&bytes[..kept]);
        load(&chunk)
    }

    /// A bit per byte of `x`, the first the lowest: its high bit (set where a comparison
    /// held).
    #[target_feature(enable = "sse2")]
    pub(crate) fn bits(x: __m128i) -> u32 {
        // Sixteen bits, never negative.
        _mm_movemask_epi8(x).cast_unsigned()
    }

    /// A bit per byte of `x`, the first the lowest: set where the byte is `byte`.
    #[target_feature(enable = "sse2")]
    pub(crate) fn equal(x: __m128i, byte: u8) -> u32 {
        bits(_mm_cmpeq_epi8(x, _mm_set1_epi8(byte.cast_signed())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn padded_is_the_bytes_copied_into_zeros(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12)) {
            let mut eight = [0; 8];
            let kept = bytes.len().min(8);
            eight[..kept].copy_from_slice(&bytes[..kept]);
            proptest::prop_assert_eq!(padded(&bytes), u64::from_le_bytes(eight));
        }

        #[test]
        fn equal_marks_exactly_the_matching_bytes(bytes in proptest::prelude::any::<[u8; 8]>(), byte in proptest::prelude::any::<u8>(), plant in 0usize..9) {
            let mut bytes = bytes;
            if let Some(planted) = bytes.get_mut(plant) {
                *planted = byte;
            }
            let expected = bytes.iter().enumerate().fold(0, |mask, (at, &b)| {
                mask | (u64::from(b == byte) << (8 * at + 7))
            });
            proptest::prop_assert_eq!(equal(word(&bytes, 0).unwrap(), byte), expected);
        }

        #[test]
        fn each_finds_every_position_in_order(bytes in proptest::collection::vec(0u8..4, 0..40)) {
            let mut found = Vec::new();
            each(&bytes, 1, |at| found.push(at));
            let expected: Vec<usize> = (0..bytes.len()).filter(|&at| bytes[at] == 1).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
