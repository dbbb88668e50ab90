//! Identification commands (specs/at-commands.md §4, §6.1).

use serde::Serialize;

use super::{AtClient, AtError, QUERY_TIMEOUT};
use crate::event::Observer;
use crate::port::Port;

/// What a modem says about itself in normal (AT) mode.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// `+CGMI`, e.g. `huawei`.
    pub manufacturer: String,
    /// `+CGMM`, e.g. `E3372`.
    pub model: String,
    /// `+CGMR`: the firmware revision, e.g. `22.315.01.00.00`.
    pub revision: String,
    /// `+CGSN`: the 15-digit IMEI, when the modem gives one.
    pub imei: Option<String>,
    /// Huawei `^HWVER`: the hardware version.
    pub hardware: Option<String>,
    /// Huawei `^VERSION?` fields, when answered.
    pub version: Option<HuaweiVersion>,
}

impl Identity {
    /// The IMEI with all but its last four digits hidden, for screens and logs.
    pub fn masked_imei(&self) -> Option<String> {
        self.imei.as_deref().map(mask_imei)
    }
}

/// Hides all but the last four digits: `867648011803309` → `•••••••••••3309`.
pub fn mask_imei(imei: &str) -> String {
    let keep = imei.len().saturating_sub(4);
    imei.char_indices().map(|(i, c)| if i < keep { '•' } else { c }).collect()
}

/// Huawei `^VERSION?` reply: `^VERSION:<KEY>:<value>` lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HuaweiVersion {
    /// `(key, value)` in the order the modem sent them, e.g. `("EXTS", "21.180.01.00.00")`.
    pub fields: Vec<(String, String)>,
}

impl HuaweiVersion {
    /// Parses the information lines of `AT^VERSION?`; lines of another shape are skipped.
    pub fn parse(lines: &[String]) -> Self {
        let fields = lines
            .iter()
            .filter_map(|l| {
                let rest = strip_prefix_ci(l.trim(), "^VERSION:")?;
                let (key, value) = rest.split_once(':')?;
                Some((key.trim().to_ascii_uppercase(), value.trim().to_string()))
            })
            .collect();
        HuaweiVersion { fields }
    }

    /// One field by key (`EXTS`, `EXTD`, `EXTH`, `EXTU`, `BDT` …), if non-empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// External software version (what the user knows as the firmware version).
    pub fn software(&self) -> Option<&str> {
        self.get("EXTS")
    }

    /// Dashboard / WebUI version.
    pub fn dashboard(&self) -> Option<&str> {
        self.get("EXTD")
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// The single value of a 27.007 identification reply: strips an optional `+CGxx:` prefix
/// (some firmware adds one, §4) and surrounding quotes.
fn single_value(lines: &[String], prefix: &str) -> Option<String> {
    let line = lines.iter().map(|l| l.trim()).find(|l| !l.is_empty())?;
    let value = strip_prefix_ci(line, prefix).unwrap_or(line).trim();
    let value = value.trim_matches('"').trim();
    (!value.is_empty()).then(|| value.to_string())
}

impl<P: Port, O: Observer> AtClient<P, O> {
    /// `AT+CGMI`: the manufacturer.
    pub async fn manufacturer(&mut self) -> Result<String, AtError> {
        self.single("AT+CGMI", "+CGMI:").await
    }

    /// `AT+CGMM`: the model.
    pub async fn model(&mut self) -> Result<String, AtError> {
        self.single("AT+CGMM", "+CGMM:").await
    }

    /// `AT+CGMR`: the firmware revision.
    pub async fn revision(&mut self) -> Result<String, AtError> {
        self.single("AT+CGMR", "+CGMR:").await
    }

    /// `AT+CGSN`: the IMEI (serial number) when it is all digits.
    pub async fn imei(&mut self) -> Result<Option<String>, AtError> {
        let lines = self.query_optional("AT+CGSN", QUERY_TIMEOUT).await?;
        Ok(lines
            .and_then(|l| single_value(&l, "+CGSN:"))
            .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())))
    }

    /// Huawei `AT^HWVER`: the hardware version, where the firmware answers it.
    pub async fn hardware_version(&mut self) -> Result<Option<String>, AtError> {
        let lines = self.query_optional("AT^HWVER", QUERY_TIMEOUT).await?;
        Ok(lines.and_then(|l| single_value(&l, "^HWVER:")))
    }

    /// Huawei `AT^VERSION?`, where the firmware answers it.
    pub async fn huawei_version(&mut self) -> Result<Option<HuaweiVersion>, AtError> {
        let lines = self.query_optional("AT^VERSION?", QUERY_TIMEOUT).await?;
        Ok(lines.map(|l| HuaweiVersion::parse(&l)).filter(|v| !v.fields.is_empty()))
    }

    /// Everything the device card shows. Vendor commands are asked only of a
    /// manufacturer that has them, so other firmware never sees unknown commands.
    pub async fn identify(&mut self) -> Result<Identity, AtError> {
        let manufacturer = self.manufacturer().await?;
        let model = self.model().await?;
        let revision = self.revision().await?;
        let imei = self.imei().await?;
        let (hardware, version) = if manufacturer.to_ascii_lowercase().contains("huawei") {
            (self.hardware_version().await?, self.huawei_version().await?)
        } else {
            (None, None)
        };
        Ok(Identity { manufacturer, model, revision, imei, hardware, version })
    }

    async fn single(&mut self, command: &str, prefix: &str) -> Result<String, AtError> {
        let lines = self.query_idempotent(command, QUERY_TIMEOUT).await?;
        Ok(single_value(&lines, prefix).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn optional_prefix_and_quotes_are_stripped() {
        assert_eq!(single_value(&s(&["+CGMI: \"huawei\""]), "+CGMI:").as_deref(), Some("huawei"));
        assert_eq!(single_value(&s(&["huawei"]), "+CGMI:").as_deref(), Some("huawei"));
        assert_eq!(single_value(&s(&["^HWVER:\"CL2E3372HM Ver.A\""]), "^HWVER:").as_deref(), Some("CL2E3372HM Ver.A"));
    }

    #[test]
    fn version_fields_keep_order_and_skip_empty_values() {
        let v = HuaweiVersion::parse(&s(&[
            "^VERSION:BDT:Oct 29 2016, 10:26:44",
            "^VERSION:EXTS:21.180.01.00.00",
            "^VERSION:INTS:",
            "^VERSION:EXTD:WEBUI_17.100.13.01.03_HILINK",
            "junk",
        ]));
        assert_eq!(v.get("BDT"), Some("Oct 29 2016, 10:26:44"));
        assert_eq!(v.software(), Some("21.180.01.00.00"));
        assert_eq!(v.dashboard(), Some("WEBUI_17.100.13.01.03_HILINK"));
        assert_eq!(v.get("INTS"), None);
        assert_eq!(v.fields.len(), 4);
    }

    #[test]
    fn imei_is_masked_but_for_its_last_four_digits() {
        assert_eq!(mask_imei("867648011803309"), "•••••••••••3309");
        assert_eq!(mask_imei("12"), "12");
    }
}
