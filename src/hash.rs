//! A small, stable content hash (128-bit FNV-1a): document IDs, "is this output up to
//! date", and shard assignment. Not cryptographic; it only has to be stable across
//! runs, machines and versions of Rust.

/// Incremental FNV-1a, 128 bits.
#[derive(Debug, Clone, Copy)]
pub struct Fnv128(u128);

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }
}

impl Fnv128 {
    const PRIME: u128 = 0x0000000001000000000000000000013B;

    pub fn update(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            self.0 = (self.0 ^ u128::from(b)).wrapping_mul(Self::PRIME);
        }
        self
    }

    /// Adds a length-prefixed field, so that ("ab", "c") and ("a", "bc") differ.
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.update(&(bytes.len() as u64).to_le_bytes())
            .update(bytes)
    }

    pub fn finish(&self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    pub fn hex(&self) -> String {
        hex(&self.finish())
    }
}

/// A 128-bit fingerprint of a large buffer, eight bytes a step: the document ID, where
/// FNV's byte-at-a-time multiply would cost more than writing the file. Stable like
/// the FNV hash, but not interchangeable with it.
pub fn fingerprint(bytes: &[u8]) -> [u8; 16] {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let (mut a, mut b) = (0x243F_6A88_85A3_08D3_u64, 0x1319_8A2E_0370_7344_u64);
    let mut mix = |word: u64| {
        a = (a ^ word).wrapping_mul(K1).rotate_left(29);
        b = (b.rotate_left(17) ^ word).wrapping_mul(K2);
    };
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        mix(u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(u64::from_le_bytes(tail));
    mix(bytes.len() as u64);
    let finish = |x: u64, k: u64| {
        let x = (x ^ (x >> 31)).wrapping_mul(k);
        x ^ (x >> 29)
    };
    let (a, b) = (finish(a ^ b.rotate_left(7), K2), finish(b ^ a, K1));
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a.to_be_bytes());
    out[8..].copy_from_slice(&b.to_be_bytes());
    out
}

/// `bytes` in lowercase hexadecimal, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    out
}

/// The hash of one byte string.
pub fn of(bytes: &[u8]) -> [u8; 16] {
    Fnv128::default().update(bytes).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_see_every_byte_and_the_length() {
        let text = b"The quick brown fox jumps over the lazy dog";
        // Stable across runs, machines and versions: values a separate implementation
        // of the same steps (Python's arbitrary-precision integers, masked to 64 bits)
        // computed, for a tail, no tail and nothing at all. A change here changes every
        // document ID and rebuilds every batch output.
        assert_eq!(hex(&fingerprint(text)), "a0befdab8aef3c93ae8f042140b0623e");
        assert_eq!(
            hex(&fingerprint(b"abcdefgh")),
            "b5044b6fc7e2c8599db5a407704ae8be"
        );
        assert_eq!(hex(&fingerprint(b"")), "e552f5f0224518f1565362238f76fa7d");
        let mut changed = text.to_vec();
        for at in [0, 7, 8, 42] {
            changed[at] ^= 1;
            assert_ne!(fingerprint(&changed), fingerprint(text), "byte {at}");
            changed[at] ^= 1;
        }
        assert_ne!(fingerprint(b"ab"), fingerprint(b"ab\0"));
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
    }

    #[test]
    fn known_value_and_field_separation() {
        // FNV-1a 128 of the empty string is the offset basis.
        assert_eq!(Fnv128::default().hex(), "6c62272e07bb014262b821756295c58d");
        // The FNV reference's FNV-1a 128 of "a".
        assert_eq!(hex(&of(b"a")), "d228cb696f1a8caf78912b704e4a8964");
        assert_ne!(of(b"abc"), of(b"abd"));
        let a = Fnv128::default().field(b"ab").field(b"c").hex();
        let b = Fnv128::default().field(b"a").field(b"bc").hex();
        assert_ne!(a, b);
    }
}
