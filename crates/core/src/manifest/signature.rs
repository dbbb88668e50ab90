//! The vendor's signature over a manifest: Ed25519 (RFC 8032) over the manifest file's
//! exact bytes, published beside it as `manifest.json.sig` (the 64-byte signature in
//! base64). The embedding page pins the vendor's public key (32 bytes, base64), so a
//! manifest changed on its way, or swapped on a compromised file host, is refused.
//!
//! The page only verifies; signing and key generation serve the vendor's CLI
//! (`modemflash manifest keygen|sign|verify`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Why a signature or key was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The pinned public key is not 32 bytes of base64, or not a curve point.
    #[error("the public key the page was given is not an Ed25519 public key (44 characters of base64)")]
    BadPublicKey,
    /// A secret key file that is not 32 bytes of base64.
    #[error("the secret key is not an Ed25519 secret key (44 characters of base64)")]
    BadSecretKey,
    /// The `.sig` file could not be fetched or is empty.
    #[error("the manifest is not signed: {0} has no signature beside it")]
    Missing(String),
    /// The `.sig` file is not 64 bytes of base64.
    #[error("the manifest's signature file is not an Ed25519 signature (88 characters of base64)")]
    Malformed,
    /// A well-formed signature that does not verify: other bytes, or another key.
    #[error("the manifest's signature does not match: it was changed after signing, or signed with another key")]
    Mismatch,
}

impl SignatureError {
    /// What the person at the computer should do: they cannot fix a vendor's signature.
    pub fn next_step(&self) -> &'static str {
        "Nothing was downloaded or written. Tell the vendor whose page this is; do not use firmware from it until they fix it."
    }
}

/// How far a manifest can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Signed with the key the embedding page pinned.
    Verified(PublicKey),
    /// No key was pinned: the page says the manifest is unsigned.
    Unsigned,
}

/// The policy: with a pinned key, a missing or failing signature refuses the manifest;
/// without one, the manifest is used and shown as unsigned. `signature_file` is the
/// fetched `.sig` (`None` when there is none) from `signature_url`.
pub fn check(
    pinned: Option<&PublicKey>,
    manifest: &[u8],
    signature_file: Option<&str>,
    signature_url: &str,
) -> Result<Trust, SignatureError> {
    let Some(key) = pinned else { return Ok(Trust::Unsigned) };
    match signature_file.filter(|s| !s.trim().is_empty()) {
        None => Err(SignatureError::Missing(signature_url.to_string())),
        Some(file) => key.verify(manifest, file).map(|()| Trust::Verified(*key)),
    }
}

/// Where the signature of the manifest at `manifest_url` is: `.sig` added to its path,
/// before any query or fragment.
pub fn signature_url(manifest_url: &str) -> String {
    let end = manifest_url.find(['?', '#']).unwrap_or(manifest_url.len());
    format!("{}.sig{}", &manifest_url[..end], &manifest_url[end..])
}

/// A vendor's public key, as pinned by the embedding page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a key written as base64 (white space around it ignored).
    pub fn from_base64(text: &str) -> Result<PublicKey, SignatureError> {
        let bytes: [u8; 32] = decode(text).and_then(|b| b.try_into().ok()).ok_or(SignatureError::BadPublicKey)?;
        VerifyingKey::from_bytes(&bytes).map(PublicKey).map_err(|_| SignatureError::BadPublicKey)
    }

    /// The key as base64, as the embedding page writes it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// Checks `signature_file` (the contents of `manifest.json.sig`) over `manifest`.
    pub fn verify(&self, manifest: &[u8], signature_file: &str) -> Result<(), SignatureError> {
        let bytes: [u8; 64] =
            decode(signature_file).and_then(|b| b.try_into().ok()).ok_or(SignatureError::Malformed)?;
        // Strict: refuses the malleable and small-order forms plain `verify` lets through.
        self.0.verify_strict(manifest, &Signature::from_bytes(&bytes)).map_err(|_| SignatureError::Mismatch)
    }
}

/// A vendor's secret key (the 32-byte Ed25519 seed).
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// The key whose seed is `seed` (32 random bytes).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// Reads a key file written by [`SecretKey::to_base64`].
    pub fn from_base64(text: &str) -> Result<SecretKey, SignatureError> {
        let seed: [u8; 32] = decode(text).and_then(|b| b.try_into().ok()).ok_or(SignatureError::BadSecretKey)?;
        Ok(SecretKey::from_seed(seed))
    }

    /// The key file's contents.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The contents of `manifest.json.sig` for `manifest`.
    pub fn sign(&self, manifest: &[u8]) -> String {
        STANDARD.encode(self.0.sign(manifest).to_bytes())
    }
}

fn decode(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1, TEST 2: one-byte message 0x72.
    const SEED: &str = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    const PUBLIC: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    const SIGNATURE: &str = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
                             085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn rfc8032_test_vector_signs_and_verifies() {
        let secret = SecretKey::from_seed(hex(SEED).try_into().unwrap());
        assert_eq!(secret.public_key().to_base64(), STANDARD.encode(hex(PUBLIC)));
        let signature = secret.sign(&[0x72]);
        assert_eq!(signature, STANDARD.encode(hex(SIGNATURE)));
        let public = PublicKey::from_base64(&STANDARD.encode(hex(PUBLIC))).unwrap();
        assert_eq!(public.verify(&[0x72], &signature), Ok(()));
        assert_eq!(public.verify(&[0x73], &signature), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_signature_sits_beside_the_manifest() {
        assert_eq!(signature_url("https://v.example/m.json"), "https://v.example/m.json.sig");
        assert_eq!(signature_url("https://v.example/m.json?v=2"), "https://v.example/m.json.sig?v=2");
    }

    #[test]
    fn malformed_keys_and_signatures_say_so() {
        assert_eq!(PublicKey::from_base64("not base64!"), Err(SignatureError::BadPublicKey));
        assert_eq!(PublicKey::from_base64(&STANDARD.encode([1u8; 31])), Err(SignatureError::BadPublicKey));
        let public = PublicKey::from_base64(&STANDARD.encode(hex(PUBLIC))).unwrap();
        assert_eq!(public.verify(b"x", "AAAA"), Err(SignatureError::Malformed));
        assert!(SecretKey::from_base64("short").is_err());
    }
}
