//! Backing up and restoring settings on their own, without an update: the wizard's
//! steps over any [`ModemPort`], so a real modem and the virtual one run the same code.

use leptos::prelude::*;
use modemflash_core::at::AtClient;
use modemflash_core::device::probe::{self, IdentifyError};
use modemflash_core::settings::{restore, RestoreReport, SettingsBackup};

use crate::modem::ModemPort;
use crate::session::LogLine;
use crate::wizard::JobObserver;

/// The wall clock in Unix seconds, for the backup's `taken_at`.
pub fn unix_now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

crate::chunks::lazy_part! {
settings, preload_settings,
/// Identifies the modem on `port` and reads its settings; gives the port back.
/// Lazy, as [`restore_on`] (scripts/build-wasm, [`crate::chunks`]).
pub async fn back_up(port: ModemPort, log: RwSignal<Vec<LogLine>>) -> (Result<SettingsBackup, String>, ModemPort) {
    let mut observer = JobObserver::outside_a_job(log);
    let mut at = AtClient::new(port, &mut observer);
    let result = match probe::identify(&mut at, None).await {
        Ok(found) => SettingsBackup::read(&mut at, &found.identity, Some(unix_now()))
            .await
            .map_err(|e| explain(IdentifyError::At(e))),
        Err(e) => Err(explain(e)),
    };
    (result, at.into_parts().0)
}
}

crate::chunks::lazy_part! {
settings, preload_settings_restore,
/// Identifies the modem on `port` and puts `backup` back; gives the port back.
pub async fn restore_on(
    port: ModemPort,
    backup: SettingsBackup,
    log: RwSignal<Vec<LogLine>>,
) -> (Result<RestoreReport, String>, ModemPort) {
    let mut observer = JobObserver::outside_a_job(log);
    let mut at = AtClient::new(port, &mut observer);
    let result = match probe::identify(&mut at, None).await {
        Ok(found) => {
            restore(&mut at, &backup, found.identity.imei.as_deref()).await.map_err(|e| explain(IdentifyError::At(e)))
        }
        Err(e) => Err(explain(e)),
    };
    (result, at.into_parts().0)
}
}

/// What went wrong and what to do, in the engine's words.
fn explain(e: IdentifyError) -> String {
    format!("{e}. {}", e.next_step())
}
