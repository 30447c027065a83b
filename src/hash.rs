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
        self.finish().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The hash of one byte string.
pub fn of(bytes: &[u8]) -> [u8; 16] {
    Fnv128::default().update(bytes).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_value_and_field_separation() {
        // FNV-1a 128 of the empty string is the offset basis.
        assert_eq!(Fnv128::default().hex(), "6c62272e07bb014262b821756295c58d");
        assert_ne!(of(b"abc"), of(b"abd"));
        let a = Fnv128::default().field(b"ab").field(b"c").hex();
        let b = Fnv128::default().field(b"a").field(b"bc").hex();
        assert_ne!(a, b);
    }
}
