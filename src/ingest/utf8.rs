//! Whether a source's bytes are all UTF-8, checked chunk by chunk during the pass over a CSV
//! source, so that the normalizer looks for undecodable values (read as U+FFFD) only in logs
//! that have some.

/// Validates consecutive chunks of one byte stream as UTF-8; a character may be split between
/// chunks.
#[derive(Debug, Default)]
pub struct Utf8Validator {
    /// The start of a character the last chunk cut off (at most 3 bytes).
    pending: Vec<u8>,
    invalid: bool,
}

impl Utf8Validator {
    pub fn feed(&mut self, mut chunk: &[u8]) {
        if self.invalid {
            return;
        }
        if let Some(&lead) = self.pending.first() {
            let missing = char_width(lead).saturating_sub(self.pending.len());
            let taken = missing.min(chunk.len());
            self.pending.extend_from_slice(&chunk[..taken]);
            chunk = &chunk[taken..];
            if taken < missing {
                return;
            }
            self.invalid = simdutf8::basic::from_utf8(&self.pending).is_err();
            self.pending.clear();
            if self.invalid {
                return;
            }
        }
        if let Err(error) = simdutf8::compat::from_utf8(chunk) {
            match error.error_len() {
                // Cut off by the chunk's end, not wrong (yet).
                None => self
                    .pending
                    .extend_from_slice(&chunk[error.valid_up_to()..]),
                Some(_) => self.invalid = true,
            }
        }
    }

    /// Whether everything fed was UTF-8 (a character cut off at the very end is not).
    pub fn finish(self) -> bool {
        !self.invalid && self.pending.is_empty()
    }
}

/// Whether `start`, the first bytes of a longer text, is UTF-8 (its last character may be cut
/// off).
pub(crate) fn is_utf8_start(start: &[u8]) -> bool {
    match simdutf8::compat::from_utf8(start) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// How many bytes the character led by `lead` takes (1 for a byte that cannot lead one: the
/// validation then fails on it).
fn char_width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_in_chunks(bytes: &[u8], cuts: &[usize]) -> bool {
        let mut validator = Utf8Validator::default();
        let mut start = 0;
        for &cut in cuts {
            let end = cut.clamp(start, bytes.len());
            validator.feed(&bytes[start..end]);
            start = end;
        }
        validator.feed(&bytes[start..]);
        validator.finish()
    }

    #[test]
    fn characters_split_between_chunks() {
        let text = "a é € 𝄞".as_bytes();
        for cut in 0..=text.len() {
            assert!(valid_in_chunks(text, &[cut]), "cut at {cut}");
            assert!(
                valid_in_chunks(text, &[cut, cut + 1]),
                "cuts at {cut}, {}",
                cut + 1
            );
        }
    }

    #[test]
    fn latin1_and_cut_off_characters_are_not_utf8() {
        assert!(!valid_in_chunks(b"caf\xE9,1\n", &[2]));
        // "é" is C3 A9: its start alone at the end, or followed by ASCII.
        assert!(!valid_in_chunks(b"caf\xC3", &[4]));
        assert!(!valid_in_chunks(b"caf\xC3", &[]));
        assert!(!valid_in_chunks(b"caf\xC3,1", &[4]));
        assert!(!valid_in_chunks(b"\xA9", &[0]));
    }

    proptest! {
        #[test]
        fn agrees_with_the_standard_library(
            bytes in prop::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(0xC3u8), Just(0xA9), Just(0xE2), Just(0x82), Just(0xAC),
                    Just(0xF0), Just(0x9D), Just(0x84), Just(0x9E), Just(0xFF), Just(0xC0),
                ],
                0..24,
            ),
            cuts in prop::collection::vec(0usize..24, 0..4),
        ) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            prop_assert_eq!(
                valid_in_chunks(&bytes, &cuts),
                std::str::from_utf8(&bytes).is_ok()
            );
        }
    }
}
