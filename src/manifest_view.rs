//! The vendor's firmware manifest as the page shows it (`?manifest=URL&key=BASE64`,
//! docs/manifest.md): loading, refused (with why), or ready with its builds and, once a
//! modem is identified, the build offered for it. Pure and native-tested; the fetching is
//! in [`crate::manifest_fetch`], the rendering in `components::manifest_panel`.

use modemflash_core::device::UsbId;
use modemflash_core::manifest::signature::{self, PublicKey, Trust};
use modemflash_core::manifest::{Build, Dongle, Manifest};

use crate::job_view::human_bytes;

/// The manifest's address and the pinned key, as the embedding page gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestSource {
    /// The manifest's absolute URL.
    pub url: String,
    /// The vendor's public key (base64), when pinned.
    pub key: Option<String>,
}

impl ManifestSource {
    /// `manifest` (resolved against the page's own URL) and `key` from the query string;
    /// `None` when there is no manifest, or its address is not an http(s) one.
    pub fn from_query<'a>(page_url: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let (mut manifest, mut key) = (None, None);
        for (name, value) in pairs {
            match name {
                "manifest" => manifest = Some(value),
                "key" if !value.trim().is_empty() => key = Some(value.trim().to_string()),
                _ => {}
            }
        }
        let url = modemflash_core::manifest::address::resolve(page_url, manifest?).ok()?;
        Some(ManifestSource { url, key })
    }

    /// Where the signature is.
    pub fn signature_url(&self) -> String {
        signature::signature_url(&self.url)
    }
}

/// The manifest panel's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestState {
    /// Fetching the manifest and its signature.
    Loading,
    /// Not used: what went wrong and what to do.
    Refused {
        /// What went wrong (English, from the engine).
        what: String,
        /// What to do.
        next_step: String,
    },
    /// Checked and, with a pinned key, verified.
    Ready(ManifestView),
}

impl ManifestState {
    /// The state once the manifest (`fetched`: its bytes, or why they could not be had) and
    /// its signature file (`None` when there is none) are in.
    pub fn loaded(source: &ManifestSource, fetched: Result<Vec<u8>, String>, signature_file: Option<&str>) -> Self {
        let refused = |what: String, next_step: &str| ManifestState::Refused { what, next_step: next_step.to_string() };
        let bytes = match fetched {
            Ok(bytes) => bytes,
            Err(e) => {
                return refused(
                    format!("The vendor's firmware list could not be loaded from {}: {e}", source.url),
                    "Check the internet connection and reload the page.",
                )
            }
        };
        let pinned = match source.key.as_deref().map(PublicKey::from_base64).transpose() {
            Ok(key) => key,
            Err(e) => return refused(e.to_string(), e.next_step()),
        };
        let trust = match signature::check(pinned.as_ref(), &bytes, signature_file, &source.signature_url()) {
            Ok(trust) => trust,
            Err(e) => return refused(e.to_string(), e.next_step()),
        };
        match Manifest::parse(&bytes, &source.url) {
            Ok(manifest) => {
                ManifestState::Ready(ManifestView { signed: matches!(trust, Trust::Verified(_)), manifest })
            }
            Err(e) => refused(e.to_string(), e.next_step()),
        }
    }
}

/// A checked manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestView {
    /// Whether its signature was verified with the pinned key.
    pub signed: bool,
    /// The manifest.
    pub manifest: Manifest,
}

/// One build as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildRow {
    /// Version.
    pub version: String,
    /// Release notes.
    pub notes: String,
    /// File name.
    pub file_name: String,
    /// Size in words.
    pub size: String,
    /// Whether the person brings the file.
    pub bring_your_own: bool,
}

/// What the identified modem answered, owned (the view model outlives the screen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DongleFacts {
    /// `AT+CGMI`.
    pub manufacturer: String,
    /// `AT+CGMM`.
    pub model: String,
    /// `AT+CGMR`.
    pub firmware: String,
    /// The port's USB id.
    pub usb: Option<UsbId>,
}

impl DongleFacts {
    /// The modem on the device card, reached through a port with id `usb`.
    pub fn new(device: &crate::session::DeviceView, usb: Option<UsbId>) -> Self {
        DongleFacts {
            manufacturer: device.manufacturer.clone(),
            model: device.model.clone(),
            firmware: device.firmware.clone(),
            usb,
        }
    }
}

/// What the panel offers for the connected modem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// No modem identified yet.
    Identify,
    /// This build fits it.
    Fits {
        /// The build.
        build: Build,
        /// The model's name.
        model: String,
    },
    /// Nothing fits; the sentence says why.
    Nothing(String),
}

impl ManifestView {
    /// The builds, in the manifest's order.
    pub fn rows(&self) -> Vec<BuildRow> {
        self.manifest
            .builds
            .iter()
            .map(|b| BuildRow {
                version: b.version.clone(),
                notes: b.release_notes.clone(),
                file_name: b.file_name.clone(),
                size: human_bytes(b.size),
                bring_your_own: b.url.is_none(),
            })
            .collect()
    }

    /// The build for `dongle`, or why there is none.
    pub fn offer(&self, dongle: Option<&DongleFacts>) -> Offer {
        let Some(d) = dongle else { return Offer::Identify };
        let dongle = Dongle { manufacturer: &d.manufacturer, model: &d.model, firmware: &d.firmware, usb: d.usb };
        match self.manifest.pick(&dongle) {
            Ok(pick) => Offer::Fits { build: pick.build.clone(), model: pick.model.name.clone() },
            Err(why) => Offer::Nothing(why.to_string()),
        }
    }
}

/// Getting the offered build's file: downloading it, or checking the one the person chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FileState {
    /// Nothing started.
    #[default]
    Idle,
    /// Downloading and checking as the bytes arrive.
    Receiving {
        /// Bytes received.
        received: u64,
        /// The declared size.
        total: u64,
    },
    /// Reading a chosen file to check it.
    Checking,
    /// Not the build's file; nothing written.
    Refused {
        /// What happened.
        what: String,
        /// What to do.
        next_step: String,
    },
    /// Size and SHA-256 match: the file went on to the normal verification.
    Passed,
}

impl FileState {
    /// Whole percent received, for the progress bar.
    pub fn percent(&self) -> u8 {
        match self {
            FileState::Receiving { received, total } if *total > 0 => {
                (received.saturating_mul(100) / total).min(100) as u8
            }
            FileState::Passed => 100,
            _ => 0,
        }
    }

    /// Whether a download or check is under way.
    pub fn is_busy(&self) -> bool {
        matches!(self, FileState::Receiving { .. } | FileState::Checking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modemflash_core::manifest::signature::SecretKey;

    const PAGE: &str = "http://127.0.0.1:8080/?accent=%23aa0000";

    fn example() -> Vec<u8> {
        std::fs::read(format!("{}/docs/manifest.example.json", std::env::var("CARGO_MANIFEST_DIR").unwrap())).unwrap()
    }

    fn source(key: Option<String>) -> ManifestSource {
        ManifestSource::from_query(PAGE, [("manifest", "/vendor/manifest.json")])
            .map(|s| ManifestSource { key, ..s })
            .unwrap()
    }

    fn e3372(firmware: &str) -> DongleFacts {
        DongleFacts {
            manufacturer: "huawei".into(),
            model: "E3372".into(),
            firmware: firmware.into(),
            usb: Some(UsbId::new(0x12d1, 0x1506)),
        }
    }

    #[test]
    fn the_query_names_the_manifest_and_the_key() {
        let pairs = [("accent", "#aa0000"), ("manifest", "vendor/m.json"), ("key", "abc=")];
        let source = ManifestSource::from_query(PAGE, pairs).unwrap();
        assert_eq!(source.url, "http://127.0.0.1:8080/vendor/m.json");
        assert_eq!(source.key.as_deref(), Some("abc="));
        assert_eq!(source.signature_url(), "http://127.0.0.1:8080/vendor/m.json.sig");
        assert_eq!(ManifestSource::from_query(PAGE, [("accent", "#aa0000")]), None);
        assert_eq!(ManifestSource::from_query(PAGE, [("manifest", "javascript:alert(1)")]), None);
    }

    #[test]
    fn a_signed_manifest_offers_the_build_for_the_identified_stick() {
        let key = SecretKey::from_seed([3; 32]);
        let bytes = example();
        let signature = key.sign(&bytes);
        let state = ManifestState::loaded(&source(Some(key.public_key().to_base64())), Ok(bytes), Some(&signature));
        let ManifestState::Ready(view) = state else { panic!("{state:?}") };
        assert!(view.signed);
        assert_eq!(view.rows()[0].size, "1.0 MB");
        assert!(view.rows()[1].bring_your_own);
        assert_eq!(view.offer(None), Offer::Identify);
        let Offer::Fits { build, model } = view.offer(Some(&e3372("22.315.01.00.00"))) else { panic!() };
        assert_eq!((build.version.as_str(), model.as_str()), ("22.333.01.00.00", "Huawei E3372h-153"));
        assert_eq!(build.url.as_deref(), Some("http://127.0.0.1:8080/vendor/firmware/E3372h-22.333.01.00.00.bin"));
        assert!(
            matches!(view.offer(Some(&e3372("22.333.01.00.00"))), Offer::Nothing(why) if why.contains("already runs"))
        );
    }

    #[test]
    fn with_a_pinned_key_a_bad_or_missing_signature_refuses_the_manifest() {
        let key = SecretKey::from_seed([3; 32]);
        let pinned = source(Some(key.public_key().to_base64()));
        let forged = SecretKey::from_seed([4; 32]).sign(&example());
        let ManifestState::Refused { what, next_step } = ManifestState::loaded(&pinned, Ok(example()), Some(&forged))
        else {
            panic!()
        };
        assert!(what.contains("signature does not match"), "{what}");
        assert!(next_step.starts_with("Nothing was downloaded or written"), "{next_step}");
        let ManifestState::Refused { what, .. } = ManifestState::loaded(&pinned, Ok(example()), None) else { panic!() };
        assert!(what.contains("http://127.0.0.1:8080/vendor/manifest.json.sig"), "{what}");
        let ManifestState::Refused { what, .. } =
            ManifestState::loaded(&source(Some("xyz".into())), Ok(example()), None)
        else {
            panic!()
        };
        assert!(what.contains("public key"), "{what}");
    }

    #[test]
    fn download_progress_is_whole_percent() {
        assert_eq!(FileState::Receiving { received: 512, total: 1024 }.percent(), 50);
        assert_eq!(FileState::Receiving { received: 0, total: 0 }.percent(), 0);
        assert_eq!(FileState::Passed.percent(), 100);
        assert!(FileState::Checking.is_busy() && !FileState::Passed.is_busy());
    }

    #[test]
    fn without_a_key_the_manifest_is_used_as_unsigned() {
        let ManifestState::Ready(view) = ManifestState::loaded(&source(None), Ok(example()), None) else { panic!() };
        assert!(!view.signed);
        let failed = ManifestState::loaded(&source(None), Err("HTTP 404".into()), None);
        assert!(matches!(failed, ManifestState::Refused { what, .. } if what.contains("HTTP 404")));
    }
}
