//! `near-duplicate`: sentences and paragraphs that say nearly the same. Similarity is the
//! Jaccard index of the sets of word bigrams of the normalized texts; at or above
//! [`THRESHOLD`] the pair is reported. Candidates come from `MinHash` signatures bucketed by
//! LSH bands, never from comparing all pairs, so the check stays linear in the text.
//!
//! The threshold was chosen on the model page: its Azure AD sentence said twice (once
//! naming "Azure Active Directory (Azure AD)", once "Azure AD") scores 0.93; its Windows
//! 10 and Windows 11 diagnostic-data sentences, which differ in a fact, score 0.83.

use std::collections::HashSet;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::duplicates::{Occurrence, Text, across_pages, locate};
use super::text;
use crate::diag::{CheckCode, Code, Diagnostic, SourceMap};
use crate::render::RenderedPage;

/// Word-bigram Jaccard similarity at which two texts are near-duplicates.
pub(crate) const THRESHOLD: f64 = 0.85;
/// Sentences shorter than this are too short for a similarity to mean anything.
const MIN_WORDS: usize = 8;
const BANDS: usize = 16;
const ROWS: usize = 4;

/// A text to compare and its shingles.
pub(super) type Shingled = (Occurrence, Vec<u32>);
/// Two blocks, each as (page, block), earlier first.
pub(super) type BlockPair = ((usize, usize), (usize, usize));

/// The word-bigram hashes of `text`, sorted and unique.
fn shingles(normalized: &str) -> Vec<u32> {
    let words: Vec<u64> = text::words(normalized)
        .map(|word| xxh3_64(word.as_bytes()))
        .collect();
    // A bigram's hash from its words' hashes (ordered: "a b" is not "b a"), without
    // building the bigram's text.
    // 32 bits are plenty to tell a text's few dozen bigrams apart, and halve the memory
    // every sentence's shingles take until the site-wide comparison.
    let mut set: Vec<u32> = words
        .windows(2)
        .map(|pair| {
            let z = (pair[0].rotate_left(29) ^ pair[1]).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            (z >> 32) as u32
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

/// The Jaccard index of `a` and `b` when it is at least `at_least`, else `None` — decided
/// early: sets whose sizes differ too much cannot be that similar (`J ≤ min / max`), and the
/// merge stops once too few elements remain to share enough. Most pairs LSH proposes are
/// not similar, so this runs millions of times on a large site: the merge steps without
/// branching on which side is smaller.
fn similar(a: &[u32], b: &[u32], at_least: f64) -> Option<f64> {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let exact = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    if small.is_empty() || exact(small.len()) < at_least * exact(large.len()) {
        return None;
    }
    // J = c / (|a| + |b| - c) ≥ t  ⇔  c ≥ t (|a| + |b|) / (1 + t); c is a count, so it
    // reaches that bound exactly when it reaches the bound's ceiling.
    let needed = at_least * exact(a.len() + b.len()) / (1.0 + at_least);
    // Its ceiling, without the call to `ceil` that x86-64 without SSE 4.1 makes.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative bound no larger than the sets' total size"
    )]
    let floor = needed as usize;
    let needed = floor + usize::from(exact(floor) < needed);
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

/// The texts worth comparing: long sentences, and paragraphs, with their shingles.
pub(super) fn items(sentences: &[Text], paragraphs: &[Text]) -> (Vec<Shingled>, Vec<Shingled>) {
    let shingled = |t: &Text| (t.occurrence.clone(), shingles(&t.normalized));
    let long = sentences
        .iter()
        .filter(|t| t.occurrence.words as usize >= MIN_WORDS)
        .map(shingled)
        .collect();
    (long, paragraphs.iter().map(shingled).collect())
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

/// The LSH band keys of a shingle set: its `MinHash` signature (per permutation, the least
/// permuted shingle), folded `ROWS` at a time.
fn band_keys(shingles: &[u32]) -> [u64; BANDS] {
    let mut least = [u64::MAX; BANDS * ROWS];
    for s in shingles.iter().map(|&s| u64::from(s)) {
        for (min, &(a, b)) in least.iter_mut().zip(&PERMUTATIONS) {
            *min = (*min).min((s ^ a).wrapping_mul(b));
        }
    }
    let mut keys = [0u64; BANDS];
    for (key, rows) in keys.iter_mut().zip(least.chunks_exact(ROWS)) {
        *key = rows
            .iter()
            .fold(0u64, |acc, &row| acc.rotate_left(17) ^ row);
    }
    keys
}

/// Buckets larger than this pair each member with the next only: such a bucket holds one
/// piece of boilerplate in many variants, and a chain still reports each variant.
const MAX_BUCKET_PAIRS: usize = 64;

/// The similar pairs `(a, b, similarity)`, `a < b`, sorted: pairs of items that share a
/// band key in some band and that `verify` finds similar. Each band's candidates are
/// verified as they are found, so only the (few) similar pairs are ever held, not the
/// (many) candidates.
fn similar_pairs(
    keys: &[[u64; BANDS]],
    verify: impl Fn(usize, usize) -> Option<f64> + Sync,
) -> Vec<(usize, usize, f64)> {
    let index = |i: usize| u32::try_from(i).expect("fewer than 2^32 texts");
    let mut similar: Vec<(usize, usize, f64)> = (0..BANDS)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut bucketed: Vec<(u64, u32)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k[band], index(i)))
                .collect();
            bucketed.sort_unstable();
            let mut similar = Vec::new();
            let mut consider = |a: u32, b: u32| {
                let (a, b) = (a as usize, b as usize);
                if let Some(similarity) = verify(a, b) {
                    similar.push((a, b, similarity));
                }
            };
            for bucket in bucketed.chunk_by(|a, b| a.0 == b.0).filter(|b| b.len() > 1) {
                if bucket.len() > MAX_BUCKET_PAIRS {
                    for pair in bucket.windows(2) {
                        consider(pair[0].1, pair[1].1);
                    }
                    continue;
                }
                for (i, a) in bucket.iter().enumerate() {
                    for b in &bucket[i + 1..] {
                        consider(a.1, b.1);
                    }
                }
            }
            similar
        })
        .collect();
    similar.sort_unstable_by_key(|&(a, b, _)| (a, b));
    similar.dedup_by_key(|&mut (a, b, _)| (a, b));
    similar
}

/// Reports near-duplicate pairs among `items` of one kind (`what`: "sentence" or
/// "paragraph"); exact repeats are left to `duplicates`. Pairs of blocks in `skip` (already
/// reported as paragraphs) are not reported again, nor pairs from versions of one page.
/// Pairs across two pages make one finding per pair of pages. Returns the reported block
/// pairs.
pub(super) fn find(
    items: Vec<Shingled>,
    what: &str,
    pages: &[RenderedPage],
    files: &SourceMap,
    skip: &HashSet<BlockPair>,
) -> (Vec<Diagnostic>, HashSet<BlockPair>) {
    // One item per distinct text (equal texts are exact duplicates, not near ones), and
    // one per piece of source text: a template line shown with different values on every
    // page is one text, compared once. Kept packed for the many candidate pairs to verify:
    // every shingle set in one list, each text's page and variant in a table of their own.
    let mut seen = HashSet::new();
    let mut seen_keys = HashSet::new();
    let mut occurrences = Vec::new();
    let mut shingles = Vec::new();
    let mut bounds = vec![0];
    for (occurrence, set) in items {
        if set.len() >= 2
            && seen.insert(occurrence.hash)
            && occurrence.key.is_none_or(|key| seen_keys.insert(key))
        {
            occurrences.push(occurrence);
            shingles.extend_from_slice(&set);
            bounds.push(shingles.len());
        }
    }
    let set = |i: usize| &shingles[bounds[i]..bounds[i + 1]];
    let keys: Vec<[u64; BANDS]> = (0..occurrences.len())
        .into_par_iter()
        .map(|i| band_keys(set(i)))
        .collect();
    let owners: Vec<(u32, u32)> = occurrences.iter().map(|o| (o.page, o.variant)).collect();
    let similar = similar_pairs(&keys, |a, b| {
        let ((page_a, variant_a), (page_b, variant_b)) = (owners[a], owners[b]);
        if page_a != page_b && variant_a == variant_b {
            return None; // versions of one page differ a little by design
        }
        similar(set(a), set(b), THRESHOLD)
    });
    let mut found = Vec::new();
    let mut reported = HashSet::new();
    let mut across = Vec::new();
    for (a, b, similarity) in similar {
        let (first, second) = (&occurrences[a], &occurrences[b]);
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
            across.push(((*later).clone(), (*earlier).clone()));
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
    use super::*;

    /// The merge with its early exits agrees with the Jaccard index computed the plain
    /// way, on random sets that overlap a little, a lot, or entirely.
    #[test]
    fn similar_is_the_jaccard_index_at_or_above_the_threshold() {
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            u32::try_from(state % below).unwrap()
        };
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
