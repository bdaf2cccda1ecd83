//! `near-duplicate`: sentences and paragraphs that say nearly the same. Similarity is the
//! Jaccard index of the sets of word bigrams of the normalized texts; at or above
//! [`THRESHOLD`] the pair is reported. Candidates come from `MinHash` signatures bucketed by
//! LSH bands, never from comparing all pairs, so the check stays linear in the text.
//!
//! The threshold was chosen on the model page: its Azure AD sentence said twice (once
//! naming "Azure Active Directory (Azure AD)", once "Azure AD") scores 0.93; its Windows
//! 10 and Windows 11 diagnostic-data sentences, which differ in a fact, score 0.83.

use rayon::prelude::*;

use super::duplicates::{Occurrence, Words, across_pages, locate, narrow, paragraphs_of};
use crate::diag::{CheckCode, Code, Diagnostic, SourceMap};
use crate::hash::FastSet;
use crate::render::RenderedPage;

/// Word-bigram Jaccard similarity at which two texts are near-duplicates.
pub(crate) const THRESHOLD: f64 = 0.85;
/// Sentences shorter than this are too short for a similarity to mean anything.
const MIN_WORDS: usize = 8;
const BANDS: usize = 16;
const ROWS: usize = 4;

/// Two blocks, each as (page, block), earlier first.
pub(super) type BlockPair = ((usize, usize), (usize, usize));

/// Texts to compare, packed: each text's occurrence, and every text's record in one list
/// — its page, the page it is a version of, how many shingles it has, then its shingles. A
/// page packs its own; the site's are the pages' joined, so the site-wide search holds a
/// few large lists, not a list per text. A large site's search checks millions of pairs
/// of texts far apart in memory, and each place it reads is a wait for memory: a pair is
/// first judged by its [`Sketch`]es, read in bucket order, and the few pairs left read
/// all the comparison needs of each text in one place, its record.
#[derive(Default)]
pub(super) struct Items {
    occurrences: Vec<Occurrence>,
    records: Vec<u32>,
    /// Where each text's record starts in `records`.
    at: Vec<u32>,
}

/// Words in a record before its shingles: page, version, how many shingles.
const HEAD: usize = 3;

impl Items {
    /// Adds a text, given the hashes of its words, when it has at least two shingles
    /// (fewer say too little to compare).
    fn push(&mut self, occurrence: &Occurrence, words: &[u64]) {
        let start = self.records.len();
        self.records
            .extend([occurrence.page, occurrence.variant, 0]);
        let count = shingle_into(&mut self.records, words);
        if count < 2 {
            self.records.truncate(start);
            return;
        }
        self.records[start + 2] = narrow(count);
        self.occurrences.push(occurrence.clone());
        self.at.push(narrow(start));
    }

    /// No texts yet, with room for `texts` texts of `words` words in all.
    pub(super) fn with_room(texts: usize, words: usize) -> Self {
        Self {
            occurrences: Vec::with_capacity(texts),
            records: Vec::with_capacity(texts * HEAD + words),
            at: Vec::with_capacity(texts),
        }
    }

    /// No texts yet, with room for `texts`: a text has fewer shingles than words.
    fn with_room_for<'t>(texts: impl Iterator<Item = &'t Occurrence>) -> Self {
        let (count, words) = texts.fold((0, 0), |(count, words), text| {
            (count + 1, words + text.words as usize)
        });
        Self::with_room(count, words)
    }

    fn len(&self) -> usize {
        self.occurrences.len()
    }

    /// The shingles of the text whose record starts at `at`.
    fn shingles_at(&self, at: u32) -> &[u32] {
        let start = at as usize + HEAD;
        &self.records[start..start + self.records[start - 1] as usize]
    }

    /// The shingles of text `i`.
    fn shingles(&self, i: usize) -> &[u32] {
        self.shingles_at(self.at[i])
    }

    /// The page and the page it is a version of, of the text whose record starts at `at`.
    fn owner_at(&self, at: u32) -> (u32, u32) {
        (self.records[at as usize], self.records[at as usize + 1])
    }

    /// The number of the text whose record starts at `at`.
    fn index_at(&self, at: u32) -> usize {
        self.at.binary_search(&at).expect("the start of a record")
    }

    /// The sketch of text `i`.
    fn sketch(&self, i: usize) -> Sketch {
        let at = self.at[i];
        Sketch::of(self.shingles_at(at), at, self.owner_at(at))
    }

    /// Gives back what the lists reserved beyond their length.
    pub(super) fn shrink_to_fit(&mut self) {
        self.occurrences.shrink_to_fit();
        self.records.shrink_to_fit();
        self.at.shrink_to_fit();
    }

    /// Adds the items of the page after the last one added.
    pub(super) fn append(&mut self, page: Self) {
        let offset = narrow(self.records.len());
        self.occurrences.extend(page.occurrences);
        self.records.extend_from_slice(&page.records);
        self.at.extend(page.at.iter().map(|at| at + offset));
    }
}

/// Appends the word-bigram hashes of a text, sorted and unique, to `list`, and returns
/// how many it appended; `words` are the hashes of the text's words. A bigram's hash comes
/// from its words' hashes (ordered: "a b" is not "b a"), without building the bigram's
/// text. 32 bits are plenty to tell a text's few dozen bigrams apart, and halve the memory
/// every text's shingles take until the site-wide comparison.
fn shingle_into(list: &mut Vec<u32>, words: &[u64]) -> usize {
    let start = list.len();
    list.extend(words.windows(2).map(|pair| {
        let z = (pair[0].rotate_left(29) ^ pair[1]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (z >> 32) as u32
    }));
    let set = &mut list[start..];
    set.sort_unstable();
    let mut unique = 0;
    for i in 0..set.len() {
        if unique == 0 || set[i] != set[unique - 1] {
            set[unique] = set[i];
            unique += 1;
        }
    }
    list.truncate(start + unique);
    unique
}

/// `n` as a float, exactly for any count a text has.
fn exact(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// How many elements sets of `a` and `b` elements must share for a Jaccard index of at
/// least `at_least`; `None` when their sizes alone rule it out (`J ≤ min / max`).
fn needed(a: usize, b: usize, at_least: f64) -> Option<usize> {
    let (small, large) = (a.min(b), a.max(b));
    if small == 0 || exact(small) < at_least * exact(large) {
        return None;
    }
    Some(shared_needed(a + b, at_least))
}

/// How many elements sets of `total` elements between them must share for a Jaccard
/// index of at least `at_least`.
fn shared_needed(total: usize, at_least: f64) -> usize {
    // J = c / (|a| + |b| - c) ≥ t  ⇔  c ≥ t (|a| + |b|) / (1 + t); c is a count, so it
    // reaches that bound exactly when it reaches the bound's ceiling.
    let needed = at_least * exact(total) / (1.0 + at_least);
    // Its ceiling, without the call to `ceil` that x86-64 without SSE 4.1 makes.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative bound no larger than the sets' total size"
    )]
    let floor = needed as usize;
    floor + usize::from(exact(floor) < needed)
}

/// The Jaccard index of `a` and `b` when it is at least `at_least`, else `None` — decided
/// early: sets whose sizes differ too much cannot be that similar, and the merge stops
/// once too few elements remain to share enough. The merge steps without branching on
/// which side is smaller.
fn similar(a: &[u32], b: &[u32], at_least: f64) -> Option<f64> {
    let needed = needed(a.len(), b.len(), at_least)?;
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        if common + (a.len() - i).min(b.len() - j) < needed {
            return None;
        }
        let (left, right) = (a[i], b[j]);
        common += usize::from(left == right);
        i += usize::from(left <= right);
        j += usize::from(right <= left);
    }
    let similarity = exact(common) / exact(a.len() + b.len() - common);
    (similarity >= at_least).then_some(similarity)
}

/// What the search for similar pairs knows of a text without reading its record: its
/// owner, its size, and which of 128 bits its shingles fall on. LSH proposes millions of
/// pairs on a large site and few are similar; a record is far away in memory, a sketch is
/// near, and it rules out nearly all the rest exactly.
#[derive(Clone, Copy)]
struct Sketch {
    /// Bit `s % 128` of shingle `s`, for every shingle.
    bits: [u64; 2],
    /// Where the text's record starts.
    at: u32,
    /// How many shingles it has.
    len: u32,
    page: u32,
    variant: u32,
}

impl Sketch {
    fn of(shingles: &[u32], at: u32, (page, variant): (u32, u32)) -> Self {
        let mut bits = [0u64; 2];
        for &s in shingles {
            bits[(s >> 6) as usize & 1] |= 1 << (s & 63);
        }
        Self {
            bits,
            at,
            len: narrow(shingles.len()),
            page,
            variant,
        }
    }

    /// False when the two texts' Jaccard index is surely below the threshold; true when
    /// it may not be. `needed[n]` is how many shingles texts of `n` shingles between them
    /// must share ([`shared_needed`]). A bit set in one sketch and not the other stands for
    /// at least one shingle of the one that the other lacks (distinct bits, distinct
    /// shingles), so the two share at most the size of either less its bits the other
    /// lacks — and at most the smaller size, which rules out sizes too far apart too.
    #[expect(clippy::inline_always, reason = "as `each_candidate`")]
    #[inline(always)]
    fn may_be_similar(&self, other: &Self, needed: &[u32]) -> bool {
        let needed = needed[(self.len + other.len) as usize];
        let lacking = |x: &Self, y: &Self| {
            (x.bits[0] & !y.bits[0]).count_ones() + (x.bits[1] & !y.bits[1]).count_ones()
        };
        self.len - lacking(self, other) >= needed && other.len - lacking(other, self) >= needed
    }
}

/// [`shared_needed`] for every total up to `most`: its float division once per total,
/// not once per pair.
fn shared_needed_table(most: usize, at_least: f64) -> Vec<u32> {
    (0..=most)
        .map(|total| narrow(shared_needed(total, at_least)))
        .collect()
}

/// The texts worth comparing: long sentences, and paragraphs, with their shingles, made
/// from `words`, the word hashes of `sentences`.
pub(super) fn items(
    sentences: &[Occurrence],
    paragraphs: &[Occurrence],
    words: &Words,
) -> (Items, Items) {
    let is_long = |sentence: &&Occurrence| sentence.words as usize >= MIN_WORDS;
    let mut long = Items::with_room_for(sentences.iter().filter(is_long));
    for (i, sentence) in sentences.iter().enumerate() {
        if is_long(&sentence) {
            long.push(sentence, words.of(i..i + 1));
        }
    }
    let mut blocks = Items::with_room_for(paragraphs.iter());
    for (paragraph, group) in paragraphs.iter().zip(paragraphs_of(sentences)) {
        blocks.push(paragraph, words.of(group));
    }
    (long, blocks)
}

/// The `MinHash` permutations: `(s ^ A[i]) * B[i]` with `B[i]` odd, a multiply-shift hash
/// of the (already well-mixed) shingle hash `s`. One multiply per shingle and permutation,
/// in a loop the compiler unrolls.
const PERMUTATIONS: [(u64, u64); BANDS * ROWS] = {
    const fn splitmix(state: u64) -> u64 {
        let mut z = state.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let mut table = [(0u64, 0u64); BANDS * ROWS];
    let mut i = 0;
    while i < table.len() {
        table[i] = (splitmix(2 * i as u64 + 1), splitmix(2 * i as u64 + 2) | 1);
        i += 1;
    }
    table
};

/// The `MinHash` signature of a shingle set: per permutation, the least permuted shingle.
#[expect(
    clippy::inline_always,
    reason = "inlined into `minima_avx512` to be compiled for AVX-512; a call would not be"
)]
#[inline(always)]
fn minima(shingles: &[u32]) -> [u64; BANDS * ROWS] {
    let mut least = [u64::MAX; BANDS * ROWS];
    for s in shingles.iter().map(|&s| u64::from(s)) {
        for (min, &(a, b)) in least.iter_mut().zip(&PERMUTATIONS) {
            *min = (*min).min((s ^ a).wrapping_mul(b));
        }
    }
    least
}

/// [`minima`] compiled for AVX-512, whose 64-bit multiply and unsigned minimum take eight
/// permutations per instruction: the same numbers, most of a large check's time sooner.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn minima_avx512(shingles: &[u32]) -> [u64; BANDS * ROWS] {
    minima(shingles)
}

/// [`PERMUTATIONS`] split for [`minima_avx2`], one list per part so that four
/// permutations' parts load as one vector: `a`'s low half; `b`'s low and high halves; and
/// `a`'s high half times `b`'s low half, plus 2³¹, in 32 bits.
#[cfg(target_arch = "x86_64")]
const SPLIT: [[u64; BANDS * ROWS]; 4] = {
    const LOW: u64 = 0xFFFF_FFFF;
    let mut split = [[0; BANDS * ROWS]; 4];
    let mut i = 0;
    while i < BANDS * ROWS {
        let (a, b) = PERMUTATIONS[i];
        split[0][i] = a & LOW;
        split[1][i] = b & LOW;
        split[2][i] = b >> 32;
        split[3][i] = (a >> 32).wrapping_mul(b & LOW).wrapping_add(1 << 31) & LOW;
        i += 1;
    }
    split
};

/// [`minima`] in AVX2, which has neither a 64-bit multiply nor an unsigned 64-bit
/// minimum, four permutations per instruction all the same. A shingle `s` has 32 bits, so
/// `(s ^ a) * b` is `x * b_lo + ((x * b_hi + a_hi * b_lo) << 32)` with `x = s ^ a_lo`:
/// two 32-bit multiplies, one of them shifted (its high half falls off). Adding 2⁶³ (2³¹
/// before the shift, in [`SPLIT`]) flips each product's top bit, so the signed compare
/// AVX2 has orders the products as unsigned; the flip is undone at the end.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn minima_avx2(shingles: &[u32]) -> [u64; BANDS * ROWS] {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi64, _mm256_blendv_epi8, _mm256_cmpgt_epi64, _mm256_mul_epu32,
        _mm256_set1_epi64x, _mm256_slli_epi64, _mm256_xor_si256,
    };
    use std::mem::transmute;
    const SIGN: i64 = i64::MIN;
    let load = |part: &[u64; BANDS * ROWS], at: usize| {
        let lanes: [u64; 4] = part[at..at + 4].try_into().expect("four permutations");
        // SAFETY: a vector is four u64, any bits of which are a valid vector.
        unsafe { transmute::<[u64; 4], __m256i>(lanes) }
    };
    let mut least = [u64::MAX; BANDS * ROWS];
    // Sixteen permutations at a time, four vectors side by side: each minimum waits on
    // the last, so several chains keep the processor busy, and each shingle is read and
    // broadcast once per sixteen.
    for at in (0..BANDS * ROWS).step_by(16) {
        let parts = |at| {
            [
                load(&SPLIT[0], at),
                load(&SPLIT[1], at),
                load(&SPLIT[2], at),
                load(&SPLIT[3], at),
            ]
        };
        let groups = [parts(at), parts(at + 4), parts(at + 8), parts(at + 12)];
        let mut minimum = [_mm256_set1_epi64x(i64::MAX); 4];
        for &s in shingles {
            let s = _mm256_set1_epi64x(i64::from(s));
            for (min, [a_low, b_low, b_high, cross]) in minimum.iter_mut().zip(&groups) {
                let x = _mm256_xor_si256(s, *a_low);
                let high =
                    _mm256_slli_epi64::<32>(_mm256_add_epi64(_mm256_mul_epu32(x, *b_high), *cross));
                let flipped = _mm256_add_epi64(_mm256_mul_epu32(x, *b_low), high);
                *min = _mm256_blendv_epi8(*min, flipped, _mm256_cmpgt_epi64(*min, flipped));
            }
        }
        for (i, min) in minimum.into_iter().enumerate() {
            let unflipped = _mm256_xor_si256(min, _mm256_set1_epi64x(SIGN));
            // SAFETY: as `load`, the other way.
            let lanes = unsafe { transmute::<__m256i, [u64; 4]>(unflipped) };
            least[at + 4 * i..at + 4 * i + 4].copy_from_slice(&lanes);
        }
    }
    least
}

/// The LSH band keys of a shingle set: its `MinHash` signature (per permutation, the least
/// permuted shingle), folded `ROWS` at a time.
fn band_keys(shingles: &[u32]) -> [u64; BANDS] {
    #[cfg(target_arch = "x86_64")]
    let least = if std::arch::is_x86_feature_detected!("avx512dq") {
        // SAFETY: this CPU has the instructions `minima_avx512` is compiled to use.
        unsafe { minima_avx512(shingles) }
    } else if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: this CPU has the instructions `minima_avx2` uses.
        unsafe { minima_avx2(shingles) }
    } else {
        minima(shingles)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let least = minima(shingles);
    let mut keys = [0u64; BANDS];
    for (key, rows) in keys.iter_mut().zip(least.chunks_exact(ROWS)) {
        *key = rows
            .iter()
            .fold(0u64, |acc, &row| acc.rotate_left(17) ^ row);
    }
    keys
}

/// `pairs` sorted: first by the top bits of their (well-mixed) keys, a
/// counting sort in two passes over a list too large for the cache, then each small
/// run of equal top bits by comparison.
fn sorted(pairs: impl ExactSizeIterator<Item = (u64, u32)> + Clone) -> Vec<(u64, u32)> {
    let len = pairs.len();
    // About eight keys per run.
    let bits = (usize::BITS - (len / 8).leading_zeros()).clamp(1, 20);
    #[expect(clippy::cast_possible_truncation, reason = "at most 20 bits")]
    let run = |key: u64| (key >> (64 - bits)) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for (key, _) in pairs.clone() {
        starts[run(key) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut sorted = vec![(0, 0); len];
    let mut next = starts.clone();
    for pair in pairs {
        let at = &mut next[run(pair.0)];
        sorted[*at] = pair;
        *at += 1;
    }
    for bounds in starts.windows(2) {
        sorted[bounds[0]..bounds[1]].sort_unstable();
    }
    sorted
}

/// Asks the processor to fetch `item` into its cache, ahead of its use; elsewhere than on
/// x86-64, does nothing.
fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch reads nothing the program sees, and the address is valid.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(item).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Buckets larger than this pair each member with the next only: such a bucket holds one
/// piece of boilerplate in many variants, and a chain still reports each variant.
const MAX_BUCKET_PAIRS: usize = 64;

/// Candidates ahead of the one being checked whose sketches are fetched into the cache:
/// enough to cover the wait for memory, few enough to stay in the cache till used.
const AHEAD: usize = 16;

/// The similar pairs `(a, b, similarity)` of texts known by where their records start,
/// `a < b`, sorted: pairs of texts that share a band key in some band, that their
/// sketches do not rule out (`needed` as [`Sketch::may_be_similar`] takes it) and that
/// `verify` finds similar (`sketches[i]` is text `i`'s, its record starting later than
/// text `i - 1`'s). Each band's candidates are verified as they are found, so only the
/// (few) similar pairs are ever held, not the (many) candidates.
fn similar_pairs(
    keys: &[[u64; BANDS]],
    sketches: &[Sketch],
    needed: &[u32],
    verify: impl Fn(&Sketch, &Sketch) -> Option<f64> + Sync,
) -> Vec<(u32, u32, f64)> {
    let mut similar: Vec<(u32, u32, f64)> = (0..BANDS)
        .into_par_iter()
        .flat_map_iter(|band| {
            // The band's keys, read from the signatures once (a stride through them),
            // then sorted from a list.
            let column: Vec<(u64, u32)> = keys.iter().map(|k| k[band]).zip(0..).collect();
            // Most keys are alone in their bucket: left out, they are not fetched ahead.
            let bucketed: Vec<(u64, u32)> = sorted(column.iter().copied())
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|bucket| bucket.len() > 1)
                .flatten()
                .copied()
                .collect();
            let mut similar = Vec::new();
            let found = |a: &Sketch, b: &Sketch| {
                if let Some(similarity) = verify(a, b) {
                    similar.push((a.at, b.at, similarity));
                }
            };
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: this CPU has the instruction `each_candidate_popcnt` is compiled
                // to use.
                unsafe { each_candidate_popcnt(&bucketed, sketches, needed, found) };
                return similar;
            }
            each_candidate(&bucketed, sketches, needed, found);
            similar
        })
        .collect();
    similar.sort_unstable_by_key(|&(a, b, _)| (a, b));
    similar.dedup_by_key(|&mut (a, b, _)| (a, b));
    similar
}

/// Gives `found` each pair of a band that shares a bucket (`bucketed`: (key, text), by
/// key, buckets of one left out) and whose sketches do not rule it out. Always inlined,
/// into `each_candidate_popcnt` to be compiled for POPCNT: a call would not be.
#[inline(always)]
fn each_candidate(
    bucketed: &[(u64, u32)],
    sketches: &[Sketch],
    needed: &[u32],
    mut found: impl FnMut(&Sketch, &Sketch),
) {
    // A function, not a closure: a closure is not inlined for certain.
    #[expect(clippy::inline_always, reason = "as `each_candidate`")]
    #[inline(always)]
    fn consider(
        (a, b): (u32, u32),
        sketches: &[Sketch],
        needed: &[u32],
        found: &mut impl FnMut(&Sketch, &Sketch),
    ) {
        let (a, b) = (&sketches[a as usize], &sketches[b as usize]);
        if a.may_be_similar(b, needed) {
            found(a, b);
        }
    }
    let (mut start, mut fetched) = (0, 0);
    for bucket in bucketed.chunk_by(|a, b| a.0 == b.0) {
        start += bucket.len();
        for &(_, i) in bucketed.iter().take(start + AHEAD).skip(fetched) {
            prefetch(&sketches[i as usize]);
        }
        fetched = (start + AHEAD).min(bucketed.len());
        if bucket.len() > MAX_BUCKET_PAIRS {
            for pair in bucket.windows(2) {
                consider((pair[0].1, pair[1].1), sketches, needed, &mut found);
            }
            continue;
        }
        for (i, a) in bucket.iter().enumerate() {
            for b in &bucket[i + 1..] {
                consider((a.1, b.1), sketches, needed, &mut found);
            }
        }
    }
}

/// [`each_candidate`] compiled to count a sketch's bits in one instruction (POPCNT, which
/// x86-64's baseline lacks and its CPUs have had since 2008): the same pairs, sooner.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
fn each_candidate_popcnt(
    bucketed: &[(u64, u32)],
    sketches: &[Sketch],
    needed: &[u32],
    found: impl FnMut(&Sketch, &Sketch),
) {
    each_candidate(bucketed, sketches, needed, found);
}

/// The near-duplicate pairs among `items` of one kind, found and verified, pairs from
/// versions of one page left out: each pair as the starts of its two records and their
/// similarity, in order. Which of them are reported is [`report`]'s to decide, so the
/// search of one kind need not wait for the findings of another.
pub(super) fn pairs(items: &Items) -> Vec<(u32, u32, f64)> {
    // One item per distinct text (equal texts are exact duplicates, not near ones), and
    // one per piece of source text: a template line shown with different values on every
    // page is one text, compared once.
    let mut seen = FastSet::default();
    let mut seen_keys = FastSet::default();
    let kept: Vec<usize> = (0..items.len())
        .filter(|&i| {
            let occurrence = &items.occurrences[i];
            seen.insert(occurrence.hash) && occurrence.key.is_none_or(|key| seen_keys.insert(key))
        })
        .collect();
    let (keys, sketches): (Vec<[u64; BANDS]>, Vec<Sketch>) = kept
        .par_iter()
        .map(|&i| (band_keys(items.shingles(i)), items.sketch(i)))
        .unzip();
    drop(kept);
    let longest = sketches.iter().map(|s| s.len as usize).max().unwrap_or(0);
    let needed = shared_needed_table(2 * longest, THRESHOLD);
    similar_pairs(&keys, &sketches, &needed, |a, b| {
        if a.page != b.page && a.variant == b.variant {
            return None; // versions of one page differ a little by design
        }
        similar(items.shingles_at(a.at), items.shingles_at(b.at), THRESHOLD)
    })
}

/// Reports the near-duplicate pairs `similar` ([`pairs`]) among `items` of one kind
/// (`what`: "sentence" or "paragraph"); exact repeats are left to `duplicates`. Pairs of
/// blocks in `skip` (already reported as paragraphs) are not reported again. Pairs across
/// two pages make one finding per pair of pages. Returns the reported block pairs.
pub(super) fn report(
    items: &Items,
    similar: Vec<(u32, u32, f64)>,
    what: &str,
    pages: &[RenderedPage],
    files: &SourceMap,
    skip: &FastSet<BlockPair>,
) -> (Vec<Diagnostic>, FastSet<BlockPair>) {
    let mut found = Vec::new();
    let mut reported = FastSet::default();
    let mut across = Vec::new();
    for (a, b, similarity) in similar {
        let occurrence = |at: u32| &items.occurrences[items.index_at(at)];
        let (first, second) = (occurrence(a), occurrence(b));
        let order = |o: &Occurrence| (o.page, o.range.start);
        let (earlier, later) = if order(first) <= order(second) {
            (first, second)
        } else {
            (second, first)
        };
        let blocks = (earlier.block_key(), later.block_key());
        if skip.contains(&blocks) {
            continue;
        }
        reported.insert(blocks);
        if earlier.page != later.page {
            across.push((later, earlier));
            continue;
        }
        found.push(
            Diagnostic::warning(
                Code::Check(CheckCode::NearDuplicate),
                locate(pages, later),
                format!("{what} nearly repeats an earlier {what} of this page (similarity {similarity:.2})"),
            )
            .with_label("said again here")
            .with_note(locate(pages, earlier), "said first here")
            .with_hint(KEEP_ONE),
        );
    }
    let describe = |count: usize, file: &str, line: usize| {
        if count == 1 {
            format!("{what} nearly repeats a {what} of `{file}`, line {line}")
        } else {
            format!("{count} {what}s nearly repeat {what}s of `{file}`, from line {line}")
        }
    };
    found.extend(across_pages(
        across,
        CheckCode::NearDuplicate,
        pages,
        files,
        describe,
        KEEP_ONE,
    ));
    (found, reported)
}

const KEEP_ONE: &str = "keep one of the two, or make the difference explicit";

#[cfg(test)]
mod tests {
    use xxhash_rust::xxh3::xxh3_64;

    use super::*;
    use crate::check::text;

    /// Marsaglia's xorshift64 from `state`: the same numbers on every run.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    fn hashes(normalized: &str) -> Vec<u64> {
        text::words(normalized)
            .map(|word| xxh3_64(word.as_bytes()))
            .collect()
    }

    fn shingles(normalized: &str) -> Vec<u32> {
        let mut list = Vec::new();
        shingle_into(&mut list, &hashes(normalized));
        list
    }

    /// A paragraph's shingles, made from its sentences' word hashes, are those of its
    /// text (its sentences joined by spaces), words split across no sentence boundary;
    /// and only sentences of eight words or more are compared as sentences.
    #[test]
    fn paragraph_shingles_are_those_of_its_joined_text() {
        let sentences = [
            (
                0,
                "the service keeps data for thirty days in the eu region.",
            ),
            (
                0,
                "it's deleted after that, \u{201c}always\u{201d} – no exceptions.",
            ),
            (
                1,
                "a lone sentence of one block is no paragraph at all here.",
            ),
            (2, "short one."),
            (
                2,
                "caf\u{e9} na\u{ef}ve data is stored in zone 3 for 12 months.",
            ),
            (2, "third."),
        ];
        let mut words = Words::new();
        let texts: Vec<&str> = sentences.iter().map(|&(_, text)| text).collect();
        let sentences: Vec<Occurrence> = sentences
            .iter()
            .map(|&(block, text)| Occurrence {
                hash: xxh3_64(text.as_bytes()),
                page: 0,
                variant: 0,
                block,
                words: u32::try_from(words.push(text)).unwrap(),
                range: 0..0,
                key: None,
            })
            .collect();
        for (i, sentence) in sentences.iter().enumerate() {
            assert_eq!(words.of(i..i + 1), hashes(texts[i]));
            let count = text::words(texts[i]).count();
            assert_eq!(sentence.words as usize, count);
        }
        let (paragraphs, paragraph_texts): (Vec<Occurrence>, Vec<String>) =
            paragraphs_of(&sentences)
                .map(|group| {
                    let joined = texts[group].join(" ");
                    let paragraph = Occurrence {
                        hash: xxh3_64(joined.as_bytes()),
                        ..sentences[0].clone()
                    };
                    (paragraph, joined)
                })
                .unzip();
        assert_eq!(paragraphs.len(), 2, "blocks 0 and 2");
        let (long, blocks) = items(&sentences, &paragraphs, &words);
        assert_eq!(blocks.len(), 2);
        for (i, paragraph) in paragraphs.iter().enumerate() {
            assert_eq!(blocks.shingles(i), shingles(&paragraph_texts[i]));
            assert_eq!(blocks.occurrences[i].hash, paragraph.hash);
        }
        let long_texts = [0, 1, 2, 4].map(|i| texts[i]);
        assert_eq!(long.len(), long_texts.len());
        for (i, text) in long_texts.iter().enumerate() {
            assert_eq!(long.shingles(i), shingles(text), "{text}");
        }
    }

    /// The signature is, per permutation, the least permuted shingle, whichever code
    /// computes it: the plain loop, and the AVX-512 build of it when this CPU has AVX-512
    /// (the machine this was written on does; elsewhere the plain loop alone is tested).
    #[test]
    fn minhash_signatures_are_the_least_permuted_shingles() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        #[cfg(target_arch = "x86_64")]
        let wide = std::arch::is_x86_feature_detected!("avx512dq");
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        for len in [0, 1, 2, 3, 17, 64, 301] {
            let set: Vec<u32> = (0..len).map(|_| (next() >> 32) as u32).collect();
            let expected: Vec<u64> = PERMUTATIONS
                .iter()
                .map(|&(a, b)| {
                    set.iter()
                        .map(|&s| (u64::from(s) ^ a).wrapping_mul(b))
                        .min()
                        .unwrap_or(u64::MAX)
                })
                .collect();
            assert_eq!(minima(&set).to_vec(), expected, "{len} shingles");
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: the CPU has AVX2, checked above.
                assert_eq!(
                    unsafe { minima_avx2(&set) }.to_vec(),
                    expected,
                    "AVX2, {len} shingles"
                );
            }
            #[cfg(target_arch = "x86_64")]
            if wide {
                // SAFETY: the CPU has AVX-512 DQ, checked above.
                assert_eq!(
                    unsafe { minima_avx512(&set) }.to_vec(),
                    expected,
                    "AVX-512, {len} shingles"
                );
            }
        }
    }

    /// The counting sort by top bits then by comparison agrees with a plain sort, on
    /// lists of every size around its run boundaries, with equal keys and uneven keys.
    #[test]
    fn sorted_is_a_plain_sort() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for len in [0, 1, 2, 7, 8, 9, 63, 100, 1000, 20_000] {
            for spread in [u64::MAX, 1 << 40, 3] {
                let pairs: Vec<(u64, u32)> = (0..len)
                    .map(|i| (next() % spread, u32::try_from(i).unwrap()))
                    .collect();
                let mut expected = pairs.clone();
                expected.sort_unstable();
                assert_eq!(sorted(pairs.iter().copied()), expected, "{len} {spread}");
            }
        }
    }

    /// A text's shingles are the hashes of its word bigrams, sorted and unique, whether it
    /// is packed alone, after other texts, or joined from several pages' lists.
    #[test]
    fn packed_shingles_are_each_texts_bigrams_sorted_and_unique() {
        let texts = [
            "the data is kept for 30 days and the data is kept in the eu",
            "one",
            "two words",
            "a b a b a b",
        ];
        let bigrams = |t: &str| {
            let hashes: Vec<u64> = text::words(t).map(|w| xxh3_64(w.as_bytes())).collect();
            let mut set: Vec<u32> = hashes
                .windows(2)
                .map(|p| {
                    ((p[0].rotate_left(29) ^ p[1]).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32
                })
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        };
        let occurrence = |page: u32| Occurrence {
            hash: u64::from(page),
            page,
            variant: page,
            block: 0,
            words: 0,
            range: 0..0,
            key: None,
        };
        let mut joined = Items::default();
        for page in 0..2 {
            let mut items = Items::default();
            for t in texts {
                items.push(&occurrence(page), &hashes(t));
            }
            joined.append(items);
        }
        let expected: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| bigrams(t))
            .filter(|set| set.len() >= 2)
            .collect();
        assert_eq!(
            joined.len(),
            2 * expected.len(),
            "a text of fewer than two bigrams is left out"
        );
        for i in 0..joined.len() {
            assert_eq!(joined.shingles(i), expected[i % expected.len()], "text {i}");
            assert_eq!(joined.occurrences[i].page, u32::from(i >= expected.len()));
        }
        assert_eq!(shingles("a b a b a b"), bigrams("a b a b a b"));
        assert_eq!(shingles("a b a b a b").len(), 2, "a b and b a");
    }

    /// The merge with its early exits agrees with the Jaccard index computed the plain
    /// way, on random sets that overlap a little, a lot, or entirely.
    #[test]
    fn similar_is_the_jaccard_index_at_or_above_the_threshold() {
        let mut random = xorshift(0x2545_F491_4F6C_DD1D);
        let mut next = |below: u64| u32::try_from(random() % below).unwrap();
        for _ in 0..20_000 {
            let shared = next(30);
            let universe = u64::from(shared) + 40;
            let mut set = || {
                let extra = next(8);
                let mut set: Vec<u32> = (0..shared).collect();
                set.extend((0..extra).map(|_| next(universe)));
                set.sort_unstable();
                set.dedup();
                set
            };
            let (a, b) = (set(), set());
            let common = a.iter().filter(|x| b.contains(x)).count();
            let union = a.len() + b.len() - common;
            let jaccard = if union == 0 {
                0.0
            } else {
                f64::from(u32::try_from(common).unwrap()) / f64::from(u32::try_from(union).unwrap())
            };
            for at_least in [0.5, THRESHOLD, 0.95] {
                let expected =
                    (!a.is_empty() && !b.is_empty() && jaccard >= at_least).then_some(jaccard);
                assert_eq!(similar(&a, &b, at_least), expected, "{a:?} {b:?}");
            }
        }
    }

    /// A sketch rules a pair out only when the merge finds it below the threshold, and it
    /// rules out most dissimilar pairs: sets that share a core and differ in a few
    /// elements, as the sentences of one template do, around the threshold.
    #[test]
    fn sketches_rule_out_only_pairs_below_the_threshold() {
        let mut random = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut next = |below: u64| u32::try_from(random() % below).unwrap();
        let (mut dissimilar, mut ruled_out) = (0, 0);
        let needed = shared_needed_table(2 * 80, THRESHOLD);
        for _ in 0..20_000 {
            let shared: Vec<u32> = (0..2 + next(60)).map(|_| next(u32::MAX.into())).collect();
            let mut set = || {
                let mut set = shared.clone();
                let extra = next(12);
                set.extend((0..extra).map(|_| next(u32::MAX.into())));
                set.sort_unstable();
                set.dedup();
                set
            };
            let (a, b) = (set(), set());
            let sketch = |set: &[u32]| Sketch::of(set, 0, (0, 0));
            let may = sketch(&a).may_be_similar(&sketch(&b), &needed);
            if similar(&a, &b, THRESHOLD).is_some() {
                assert!(may, "{a:?} {b:?}");
            } else {
                dissimilar += 1;
                ruled_out += usize::from(!may);
            }
        }
        assert!(
            ruled_out * 5 > dissimilar * 4,
            "{ruled_out} of {dissimilar}"
        );
    }

    /// A band's candidates are every pair of a bucket, or each member and the next in a
    /// bucket too large, less the pairs sketches rule out; the POPCNT build gives the
    /// same (when this CPU has it).
    #[test]
    fn candidates_are_a_buckets_pairs_that_sketches_allow() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let needed = shared_needed_table(2 * 40, THRESHOLD);
        let core: Vec<u32> = (0..30).map(|_| (next() >> 32) as u32).collect();
        let sketches: Vec<Sketch> = (0..400)
            .map(|i| {
                let mut set = core.clone();
                set.truncate(20 + (next() % 10) as usize);
                set.extend((0..next() % 6).map(|_| (next() >> 32) as u32));
                set.sort_unstable();
                set.dedup();
                Sketch::of(&set, i, (0, 0))
            })
            .collect();
        // Buckets of 1, 2, 5, 30 and 100 members, then of 1 again.
        let sizes = [1, 2, 5, 30, 100, 1];
        let bucketed: Vec<(u64, u32)> = (0u64..)
            .zip(sizes)
            .flat_map(|(key, size)| std::iter::repeat_n(key, size))
            .zip(0..)
            .collect();
        let mut expected = Vec::new();
        for bucket in bucketed.chunk_by(|a, b| a.0 == b.0) {
            for (i, a) in bucket.iter().enumerate() {
                for (j, b) in bucket.iter().enumerate().skip(i + 1) {
                    let paired = bucket.len() <= MAX_BUCKET_PAIRS || j == i + 1;
                    let (x, y) = (&sketches[a.1 as usize], &sketches[b.1 as usize]);
                    if paired && x.may_be_similar(y, &needed) {
                        expected.push((a.1, b.1));
                    }
                }
            }
        }
        let mut given = Vec::new();
        each_candidate(&bucketed, &sketches, &needed, |a, b| {
            given.push((a.at, b.at));
        });
        assert_eq!(given, expected);
        // 545 pairs share a bucket: some pass, most do not.
        assert!((50..500).contains(&expected.len()), "{}", expected.len());
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            let mut given = Vec::new();
            // SAFETY: the CPU has POPCNT, checked above.
            unsafe {
                each_candidate_popcnt(&bucketed, &sketches, &needed, |a, b| {
                    given.push((a.at, b.at));
                });
            }
            assert_eq!(given, expected, "POPCNT");
        }
    }

    #[test]
    fn the_model_pages_azure_sentences_are_near_and_windows_versions_are_not() {
        let similarity = |a: &str, b: &str| {
            similar(
                &shingles(&text::normalize(a)),
                &shingles(&text::normalize(b)),
                0.0,
            )
            .unwrap_or(0.0)
        };
        let azure = similarity(
            "Identifying data used by Microsoft Managed Desktop is stored by Azure Active Directory (Azure AD) in a geographical location based on the location provided by the organization when subscribing to Microsoft online services, such as Microsoft Apps for enterprise and Azure.",
            "Identifying data used by Microsoft Managed Desktop is stored by Azure AD in a geographical location based on the location provided by the organization when subscribing to Microsoft online services such as Microsoft Apps for enterprise and Azure.",
        );
        assert!(azure >= THRESHOLD, "{azure}");
        let windows = similarity(
            "Microsoft Managed Desktop uses Windows 10 Enhanced diagnostic data to keep Windows secure, up to date, troubleshoot problems, and make product improvements.",
            "Microsoft Managed Desktop uses Windows 11 Enhanced diagnostic data to keep Windows secure, up to date, troubleshoot problems, and make product improvements.",
        );
        assert!(windows < THRESHOLD, "{windows}");
    }
}
