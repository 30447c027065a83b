//! `jsonwebtoken`'s signature checks done by ring, the library rustls (the FHIR client's
//! TLS) already brings: one set of cryptographic code in the binary instead of two. The
//! crate keeps the JWT logic (parsing, claims, algorithm checks); this only hands ring
//! the key and the algorithm, as the crate's own aws-lc backend hands aws-lc (whose API is
//! ring's). Verification only: this server signs nothing.

use std::sync::Once;

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::signature::{self, Verifier};
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::signature as ring_sig;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: no_signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes ring `jsonwebtoken`'s provider, once per process, before any token is read.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only when one is installed already, which is then the same.
        let _ = PROVIDER.install_default();
    });
}

fn no_signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    Err(ErrorKind::UnsupportedAlgorithm.into())
}

enum Key {
    /// An EC point (`04 || x || y`) or an Ed25519 key, as `DecodingKey::from_jwk` holds.
    Raw(Vec<u8>),
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
}

struct RingVerifier {
    algorithm: Algorithm,
    ring: &'static dyn ring_sig::VerificationAlgorithm,
    rsa: Option<&'static ring_sig::RsaParameters>,
    key: Key,
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    let (ring, rsa): (
        &'static dyn ring_sig::VerificationAlgorithm,
        Option<&'static ring_sig::RsaParameters>,
    ) = match algorithm {
        Algorithm::ES256 => (&ring_sig::ECDSA_P256_SHA256_FIXED, None),
        Algorithm::ES384 => (&ring_sig::ECDSA_P384_SHA384_FIXED, None),
        Algorithm::EdDSA => (&ring_sig::ED25519, None),
        Algorithm::RS256 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA256),
        Algorithm::RS384 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA384),
        Algorithm::RS512 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA512),
        Algorithm::PS256 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA256),
        Algorithm::PS384 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA384),
        Algorithm::PS512 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA512),
        // HMAC (a shared secret is no EHR's public key) and any algorithm added later.
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    let key = match (key.kind(), rsa.is_some()) {
        (DecodingKeyKind::RsaModulusExponent { n, e }, true) => Key::Rsa {
            n: n.clone(),
            e: e.clone(),
        },
        (DecodingKeyKind::SecretOrDer(bytes), false) => Key::Raw(bytes.clone()),
        _ => return Err(ErrorKind::InvalidKeyFormat.into()),
    };
    Ok(Box::new(RingVerifier {
        algorithm: *algorithm,
        ring,
        rsa,
        key,
    }))
}

fn rsa(
    parameters: &'static ring_sig::RsaParameters,
) -> (
    &'static dyn ring_sig::VerificationAlgorithm,
    Option<&'static ring_sig::RsaParameters>,
) {
    (parameters, Some(parameters))
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let verified = match (&self.key, self.rsa) {
            (Key::Rsa { n, e }, Some(parameters)) => {
                ring_sig::RsaPublicKeyComponents { n, e }.verify(parameters, message, signature)
            }
            (Key::Raw(bytes), None) => {
                ring_sig::UnparsedPublicKey::new(self.ring, bytes).verify(message, signature)
            }
            _ => return Err(signature::Error::new()),
        };
        verified.map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_used_only_with_an_algorithm_of_its_kind() {
        let rsa = DecodingKey::from_rsa_components("AQAB", "AQAB").unwrap();
        let ec = DecodingKey::from_ec_components("AA", "AA").unwrap();
        let kind =
            |result: Result<Box<dyn JwtVerifier>, Error>| result.err().map(|e| e.into_kind());
        assert_eq!(
            kind(verifier(&Algorithm::ES384, &rsa)),
            Some(ErrorKind::InvalidKeyFormat)
        );
        assert_eq!(
            kind(verifier(&Algorithm::RS384, &ec)),
            Some(ErrorKind::InvalidKeyFormat)
        );
        assert_eq!(
            kind(verifier(&Algorithm::HS384, &ec)),
            Some(ErrorKind::InvalidAlgorithm)
        );
        // A well-formed pairing, with a signature that is not one, does not verify.
        let es = verifier(&Algorithm::ES384, &ec).unwrap();
        assert!(es.verify(b"message", &vec![0; 96]).is_err());
    }
}
