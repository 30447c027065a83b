//! Who may call the CDS services: the EHRs named with `--cds-client ISSUER=JWKS_FILE`,
//! each call signed with one of its keys, as CDS Hooks 2.0 asks ("Trusting CDS
//! Clients"). The signature is checked by `jsonwebtoken`; this module chooses the key
//! (by the token's `iss` and `kid`, never by what the token says the algorithm is) and
//! keeps the `jti`s already seen so a token cannot be replayed.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

/// The clock difference allowed between the EHR and this server, in seconds, on `exp`
/// and `nbf`.
pub const CLOCK_SKEW: u64 = 30;
/// CDS Hooks: a token's `exp` is at most five minutes after it was made. A later one is
/// refused, which also bounds how long a `jti` must be remembered.
pub const LONGEST_LIFE: u64 = 5 * 60;
/// The most `jti`s remembered at once. When that many unexpired tokens have been seen,
/// further calls are refused (429) until some expire, so a flood cannot grow memory
/// without bound.
pub const MAX_REMEMBERED: usize = 100_000;
/// The longest token read, and the longest `jti`.
const MAX_TOKEN: usize = 16 * 1024;
const MAX_JTI: usize = 256;

/// One trusted EHR: its issuer (`iss`) and its public keys.
pub struct Client {
    pub issuer: String,
    keys: Vec<Key>,
}

struct Key {
    kid: String,
    /// The algorithms the key may sign with: the JWK's own `alg`, else those of its type.
    algorithms: Vec<Algorithm>,
    key: DecodingKey,
}

/// Why a call is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no valid token.
    Unauthorized(String),
    /// 429: too many tokens seen within their lifetimes.
    Flooded,
}

impl Client {
    /// Reads the JWKS file of `issuer`. Every key needs a `kid` (CDS Hooks tokens name
    /// theirs); symmetric keys and private keys are refused, as a public key set has none.
    pub fn load(issuer: &str, path: &Path) -> Result<Client, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--cds-client {issuer}: cannot read {}: {e}", path.display()))?;
        let raw: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a JWKS (JSON): {e}", path.display()))?;
        if raw["keys"]
            .as_array()
            .is_some_and(|keys| keys.iter().any(|k| k.get("d").is_some()))
        {
            return Err(format!(
                "{}: holds a private key (\"d\"); give the EHR's public keys only",
                path.display()
            ));
        }
        let set: JwkSet = serde_json::from_value(raw)
            .map_err(|e| format!("{}: not a JWKS ({{\"keys\": [...]}}): {e}", path.display()))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            let kid = jwk
                .common
                .key_id
                .clone()
                .filter(|k| !k.is_empty())
                .ok_or_else(|| format!("{}: a key has no \"kid\"", path.display()))?;
            let of_type: Vec<Algorithm> = match &jwk.algorithm {
                AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
                    EllipticCurve::P384 => vec![Algorithm::ES384],
                    EllipticCurve::P256 => vec![Algorithm::ES256],
                    _ => Vec::new(),
                },
                AlgorithmParameters::RSA(_) => vec![
                    Algorithm::RS384,
                    Algorithm::RS256,
                    Algorithm::RS512,
                    Algorithm::PS384,
                    Algorithm::PS256,
                    Algorithm::PS512,
                ],
                AlgorithmParameters::OctetKeyPair(_) => vec![Algorithm::EdDSA],
                // Symmetric keys (a shared secret is no public key) and any other kind.
                _ => Vec::new(),
            };
            let algorithms: Vec<Algorithm> = match jwk.common.key_algorithm {
                Some(alg) => of_type
                    .into_iter()
                    .filter(|a| same_algorithm(*a, alg))
                    .collect(),
                None => of_type,
            };
            if algorithms.is_empty() {
                return Err(format!(
                    "{}: key {kid:?} is not a public key this server verifies with \
                     (EC P-384 or P-256, RSA, Ed25519)",
                    path.display()
                ));
            }
            let key = DecodingKey::from_jwk(jwk)
                .map_err(|e| format!("{}: key {kid:?}: {e}", path.display()))?;
            keys.push(Key {
                kid,
                algorithms,
                key,
            });
        }
        if keys.is_empty() {
            return Err(format!("{}: the JWKS has no keys", path.display()));
        }
        Ok(Client {
            issuer: issuer.to_string(),
            keys,
        })
    }
}

fn same_algorithm(alg: Algorithm, declared: KeyAlgorithm) -> bool {
    matches!(
        (alg, declared),
        (Algorithm::ES256, KeyAlgorithm::ES256)
            | (Algorithm::ES384, KeyAlgorithm::ES384)
            | (Algorithm::RS256, KeyAlgorithm::RS256)
            | (Algorithm::RS384, KeyAlgorithm::RS384)
            | (Algorithm::RS512, KeyAlgorithm::RS512)
            | (Algorithm::PS256, KeyAlgorithm::PS256)
            | (Algorithm::PS384, KeyAlgorithm::PS384)
            | (Algorithm::PS512, KeyAlgorithm::PS512)
            | (Algorithm::EdDSA, KeyAlgorithm::EdDSA)
    )
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    exp: u64,
    jti: Option<String>,
    aud: serde_json::Value,
}

/// The `jti`s of tokens accepted and not yet expired, by issuer: each kept as a 128-bit
/// hash of the issuer and `jti`, so a full memory is a few megabytes whatever the `jti`s'
/// length (only a trusted EHR's signed tokens are remembered, so none is chosen to
/// collide by anyone else).
#[derive(Default)]
pub struct Seen {
    inner: Mutex<SeenInner>,
}

#[derive(Default)]
struct SeenInner {
    keys: HashSet<[u8; 16]>,
    by_expiry: BTreeSet<(u64, [u8; 16])>,
}

impl Seen {
    /// Remembers `jti` of `issuer` until `forget_at`; false when it was seen before.
    fn first_time(
        &self,
        issuer: &str,
        jti: &str,
        forget_at: u64,
        now: u64,
    ) -> Result<bool, Refusal> {
        let key = crate::hash::Fnv128::default()
            .field(issuer.as_bytes())
            .field(jti.as_bytes())
            .finish();
        let mut seen = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&(expiry, old)) = seen.by_expiry.first() {
            if expiry >= now {
                break;
            }
            seen.by_expiry.remove(&(expiry, old));
            seen.keys.remove(&old);
        }
        if seen.keys.contains(&key) {
            return Ok(false);
        }
        if seen.keys.len() >= MAX_REMEMBERED {
            return Err(Refusal::Flooded);
        }
        seen.by_expiry.insert((forget_at, key));
        seen.keys.insert(key);
        Ok(true)
    }
}

fn unauthorized(why: impl Into<String>) -> Refusal {
    Refusal::Unauthorized(why.into())
}

/// Checks the `Authorization` header of a call to the service addressed by any of
/// `audiences`. Returns the audience the token names, whose origin the cards link to.
pub fn verify(
    clients: &[Client],
    seen: &Seen,
    authorization: Option<&str>,
    audiences: &[String],
) -> Result<String, Refusal> {
    super::crypto::install();
    let token = authorization
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(token.trim())
        })
        .ok_or_else(|| unauthorized("send the EHR's signed JWT: Authorization: Bearer <JWT>"))?;
    if token.len() > MAX_TOKEN {
        return Err(unauthorized("the token is too long"));
    }
    // The header is read before the signature is checked, only to choose the key; an
    // unknown algorithm (`none` among them) fails here.
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| unauthorized("the token is not a JWT signed with ES384, RS384 or the like"))?;
    // A `jku`, `jwk` or `x5u` in the header (CDS Hooks lets the EHR name its JWKS's
    // address) is never fetched nor used: the keys are the --cds-client file's.
    let kid = header
        .kid
        .as_deref()
        .ok_or_else(|| unauthorized("the token's header has no kid"))?;
    let unverified: Claims = jsonwebtoken::dangerous::insecure_decode_claims(token)
        .map_err(|_| unauthorized("the token's claims need iss, aud, exp and jti"))?;
    let client = clients
        .iter()
        .find(|c| c.issuer == unverified.iss)
        .ok_or_else(|| unauthorized("the token's issuer is not a trusted CDS client"))?;
    let key = client
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or_else(|| unauthorized("the token's kid is not among its issuer's keys"))?;
    if !key.algorithms.contains(&header.alg) {
        return Err(unauthorized(
            "the token's algorithm is not the one of its key",
        ));
    }
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&client.issuer]);
    validation.set_audience(audiences);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = CLOCK_SKEW;
    validation.validate_nbf = true;
    let claims: Claims = jsonwebtoken::decode(token, &key.key, &validation)
        .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            unauthorized(match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)",
                ErrorKind::InvalidAudience => {
                    "the token's aud is not this service's URL (https://<host>/cds-services/<id>)"
                }
                ErrorKind::InvalidIssuer => "the token's iss is not its issuer",
                ErrorKind::InvalidSignature => "the token's signature does not verify",
                ErrorKind::InvalidClaimFormat(_) => "the token's exp or nbf is not a number",
                ErrorKind::MissingRequiredClaim(_) => {
                    "the token's claims need iss, aud, exp and jti"
                }
                _ => "the token does not verify",
            })
        })?
        .claims;
    let now = jsonwebtoken::get_current_timestamp();
    if claims.exp > now + LONGEST_LIFE + CLOCK_SKEW {
        return Err(unauthorized(
            "the token lives longer than the five minutes CDS Hooks allows",
        ));
    }
    let jti = claims
        .jti
        .filter(|j| !j.is_empty())
        .ok_or_else(|| unauthorized("the token has no jti"))?;
    if jti.len() > MAX_JTI {
        return Err(unauthorized("the token's jti is too long"));
    }
    if !seen.first_time(&client.issuer, &jti, claims.exp + CLOCK_SKEW, now)? {
        return Err(unauthorized("the token has been used before (its jti)"));
    }
    let named: Vec<&str> = match &claims.aud {
        serde_json::Value::String(a) => vec![a.as_str()],
        serde_json::Value::Array(all) => all.iter().filter_map(|a| a.as_str()).collect(),
        _ => Vec::new(),
    };
    Ok(named
        .into_iter()
        .find(|a| audiences.iter().any(|own| own == a))
        .unwrap_or_default()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_remembered_until_it_expires_and_the_memory_is_bounded() {
        let seen = Seen::default();
        assert_eq!(seen.first_time("ehr", "a", 100, 10), Ok(true));
        assert_eq!(seen.first_time("ehr", "a", 100, 50), Ok(false));
        assert_eq!(seen.first_time("other", "a", 100, 50), Ok(true));
        // Once expired, forgotten: the token itself is refused for its exp by then.
        assert_eq!(seen.first_time("ehr", "a", 300, 101), Ok(true));
        // "other"'s and the first "a" expired at 100: one is remembered now.
        for i in 0..MAX_REMEMBERED - 1 {
            assert_eq!(seen.first_time("ehr", &i.to_string(), 400, 101), Ok(true));
        }
        assert_eq!(
            seen.first_time("ehr", "one too many", 400, 101),
            Err(Refusal::Flooded)
        );
        assert_eq!(seen.first_time("ehr", "later", 500, 401), Ok(true));
    }
}
