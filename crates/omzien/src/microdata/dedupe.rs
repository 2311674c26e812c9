//! Repeated respondent ids: integer ids are marked in paged atomic bitmaps per wave, shared
//! by the threads; other ids are collected as keys.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Wave;

/// Integer ids below this bound are checked for repeats by bitmap.
pub(super) const BITMAP_IDS: u64 = 1 << 32;
/// Ids per bitmap page (32 KiB of bits).
pub(super) const PAGE_IDS: u64 = 1 << 18;

/// One bit per (wave, integer id), in pages allocated when first touched; shared by the
/// threads (atomic bits, pages set once).
#[derive(Default)]
pub(super) struct IdBits {
    waves: std::sync::Mutex<Vec<(Wave, std::sync::Arc<WaveBits>)>>,
}

pub(super) struct WaveBits {
    pages: Vec<std::sync::OnceLock<Box<[AtomicU64]>>>,
}

impl IdBits {
    /// The bitmap of a wave, added when new.
    pub(super) fn wave(&self, wave: Wave) -> std::sync::Arc<WaveBits> {
        let mut waves = self
            .waves
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, b)) = waves.iter().find(|(w, _)| *w == wave) {
            return b.clone();
        }
        let b = std::sync::Arc::new(WaveBits {
            pages: (0..BITMAP_IDS / PAGE_IDS)
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        });
        waves.push((wave, b.clone()));
        b
    }
}

impl WaveBits {
    /// Marks the ids `64 * word + b` for every bit b of `bits` (ids below [`BITMAP_IDS`]);
    /// true when one of them was marked before.
    #[inline]
    pub(super) fn mark(&self, word: u64, bits: u64) -> bool {
        let id = word * 64;
        let Some(page) = self.pages.get((id / PAGE_IDS) as usize) else {
            return false;
        };
        let page = page.get_or_init(|| (0..PAGE_IDS / 64).map(|_| AtomicU64::new(0)).collect());
        page.get(((id % PAGE_IDS) / 64) as usize)
            .is_some_and(|w| w.fetch_or(bits, Ordering::Relaxed) & bits != 0)
    }
}

/// How repeated ids are found in a pass.
pub(super) enum Detect<'a> {
    /// Integer ids below [`BITMAP_IDS`] are marked in bitmaps per wave; the keys of other ids
    /// (text, very large) are collected.
    Bitmaps(&'a IdBits),
    /// The exact set of repeated (wave, id) keys, every copy of which is left out.
    Known(&'a HashSet<(Wave, u64)>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_marked_twice_in_a_wave_is_a_repeat() {
        let bits = IdBits::default();
        let w20 = bits.wave(Wave::new(2020));
        // Ids 64·3 + {0, 5}: new, then id 64·3 + 5 again with a new id beside it.
        assert!(!w20.mark(3, 0b10_0001));
        assert!(w20.mark(3, 0b10_0000 | 0b100));
        // The same id in another wave is not a repeat.
        let w16 = bits.wave(Wave::new(2016));
        assert!(!w16.mark(3, 0b10_0000));
        // The same wave gives the same bitmap.
        assert!(bits.wave(Wave::new(2020)).mark(3, 1));
        // Ids on another page, and the last id below the bitmap bound.
        assert!(!w20.mark(PAGE_IDS / 64 * 5, 1));
        let last = BITMAP_IDS / 64 - 1;
        assert!(!w20.mark(last, 1 << 63));
        assert!(w20.mark(last, 1 << 63));
        // Beyond the bound the bitmap says nothing (those ids are checked by key).
        assert!(!w20.mark(BITMAP_IDS / 64, 1));
        assert!(!w20.mark(BITMAP_IDS / 64, 1));
    }
}
