//! Choosing the build for the dongle that was identified: its model by USB id and the
//! identity strings it answered, then the newest build for that model above the
//! firmware it runs. When nothing fits, the reason is a sentence the page shows.

use core::cmp::Ordering;

use super::version::{compare, matches};
use super::{Build, Manifest, Model};
use crate::at::identity::Identity;
use crate::device::UsbId;

/// What the page knows of the connected dongle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dongle<'a> {
    /// `AT+CGMI`.
    pub manufacturer: &'a str,
    /// `AT+CGMM`.
    pub model: &'a str,
    /// `AT+CGMR`: the installed firmware.
    pub firmware: &'a str,
    /// Its USB id, when the port tells it.
    pub usb: Option<UsbId>,
}

impl<'a> Dongle<'a> {
    /// The dongle that answered with `identity` on a port with id `usb`.
    pub fn new(identity: &'a Identity, usb: Option<UsbId>) -> Self {
        Dongle { manufacturer: &identity.manufacturer, model: &identity.model, firmware: &identity.revision, usb }
    }

    fn is(&self, model: &Model) -> bool {
        model.manufacturer.trim().eq_ignore_ascii_case(self.manufacturer.trim())
            && model.model.trim().eq_ignore_ascii_case(self.model.trim())
            && self.usb.is_none_or(|id| model.usb_ids.contains(&id))
    }
}

/// The build chosen for a dongle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pick<'m> {
    /// The model the dongle was recognised as.
    pub model: &'m Model,
    /// The newest build for it above the installed firmware.
    pub build: &'m Build,
}

/// Why no build fits the connected dongle.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoBuild {
    /// No model of the manifest is this dongle.
    #[error("The firmware on this page is for the {models}; the connected modem is a {dongle}.")]
    OtherModel {
        /// The dongle, as it answered (`huawei E3372, 12d1:1506`).
        dongle: String,
        /// The manifest's model names, joined.
        models: String,
    },
    /// The model is covered, but not the firmware it runs now.
    #[error("This {model} runs firmware {installed}; the builds on this page are for firmware {pattern}.")]
    OtherFirmware {
        /// The model's name.
        model: String,
        /// What it runs.
        installed: String,
        /// What the builds need.
        pattern: String,
    },
    /// The model is covered but no build names it.
    #[error("This page offers no firmware for the {model} yet.")]
    NoBuilds {
        /// The model's name.
        model: String,
    },
    /// It already runs the newest build, or a later one.
    #[error("This {model} already runs firmware {installed}; the newest on this page is {newest}. Nothing to update.")]
    UpToDate {
        /// The model's name.
        model: String,
        /// What it runs.
        installed: String,
        /// The newest build on offer.
        newest: String,
    },
}

impl Manifest {
    /// The build for `dongle`: the newest of its model's builds whose version is above the
    /// installed one.
    pub fn pick(&self, dongle: &Dongle<'_>) -> Result<Pick<'_>, NoBuild> {
        let Some(model) = self.models.iter().find(|m| dongle.is(m)) else {
            let usb = dongle.usb.map(|id| format!(", {id}")).unwrap_or_default();
            return Err(NoBuild::OtherModel {
                dongle: format!("{} {}{usb}", dongle.manufacturer, dongle.model),
                models: self.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "),
            });
        };
        if let Some(pattern) = model.firmware_pattern.as_deref().filter(|p| !matches(p, dongle.firmware)) {
            return Err(NoBuild::OtherFirmware {
                model: model.name.clone(),
                installed: dongle.firmware.to_string(),
                pattern: pattern.to_string(),
            });
        }
        let fitting = self.builds.iter().filter(|b| b.models.contains(&model.id));
        let Some(newest_build) = fitting.max_by(|a, b| compare(&a.version, &b.version)) else {
            return Err(NoBuild::NoBuilds { model: model.name.clone() });
        };
        if compare(&newest_build.version, dongle.firmware) != Ordering::Greater {
            return Err(NoBuild::UpToDate {
                model: model.name.clone(),
                installed: dongle.firmware.to_string(),
                newest: newest_build.version.clone(),
            });
        }
        Ok(Pick { model, build: newest_build })
    }
}
