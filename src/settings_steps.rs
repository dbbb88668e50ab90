//! Backing up and restoring settings on their own, without an update: the wizard's
//! steps over any [`ModemPort`], so a real modem and the virtual one run the same code.

use leptos::prelude::*;
use modemflash_core::at::AtClient;
use modemflash_core::device::probe::{self, IdentifyError};
use modemflash_core::device::PortRole;
use modemflash_core::settings::{restore, RestoreReport, SettingsBackup};

use crate::app::Connection;
use crate::modem::ModemPort;
use crate::session::LogLine;
use crate::transport::web_serial::WebSerialPort;
use crate::transport::web_usb::WebUsbPort;
use crate::wizard::JobObserver;

/// The wall clock in Unix seconds, for the backup's `taken_at`.
pub fn unix_now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

crate::chunks::lazy_part! {
settings(preload_settings),
/// Opens the connection's AT port, identifies the modem and reads its settings, keeps
/// them in the browser's storage; the backup and its file's text. Lazy, as
/// [`restore_on`] (scripts/build-wasm, [`crate::chunks`]).
pub async fn back_up(conn: Connection, log: RwSignal<Vec<LogLine>>) -> Result<(SettingsBackup, String), String> {
    let port = open_at_port(conn).await?;
    let mut observer = JobObserver::outside_a_job(log);
    let mut at = AtClient::new(port, &mut observer);
    let result = match probe::identify(&mut at, None).await {
        Ok(found) => SettingsBackup::read(&mut at, &found.identity, Some(unix_now()))
            .await
            .map_err(|e| explain(IdentifyError::At(e))),
        Err(e) => Err(explain(e)),
    };
    at.into_parts().0.close().await;
    let backup = result?;
    crate::settings_store::save(&backup);
    let json = backup.to_json();
    Ok((backup, json))
}
}

crate::chunks::lazy_part! {
settings,
/// Opens the connection's AT port, identifies the modem and puts `backup` back.
pub async fn restore_on(
    conn: Connection,
    backup: SettingsBackup,
    log: RwSignal<Vec<LogLine>>,
) -> Result<RestoreReport, String> {
    let port = open_at_port(conn).await?;
    let mut observer = JobObserver::outside_a_job(log);
    let mut at = AtClient::new(port, &mut observer);
    let result = match probe::identify(&mut at, None).await {
        Ok(found) => {
            restore(&mut at, &backup, found.identity.imei.as_deref()).await.map_err(|e| explain(IdentifyError::At(e)))
        }
        Err(e) => Err(explain(e)),
    };
    at.into_parts().0.close().await;
    result
}
}

/// Opens the connection's AT port (settings are read over AT: the stick's command
/// interface); what went wrong and what to do otherwise.
async fn open_at_port(conn: Connection) -> Result<ModemPort, String> {
    match conn {
        Connection::Serial { port, .. } => match WebSerialPort::open(port).await {
            Ok(port) => Ok(ModemPort::Serial(port)),
            Err(e) => Err(format!("{e}. {}", e.next_step())),
        },
        Connection::Usb { device, .. } => match WebUsbPort::open(device, PortRole::Pcui).await {
            Ok(port) => Ok(ModemPort::Usb(port)),
            Err(e) => Err(e.to_string()),
        },
        Connection::Virtual(sim) => match sim.open_role(PortRole::Pcui) {
            Ok(port) => Ok(ModemPort::Virtual(port)),
            Err(e) => Err(format!("{e}. {}", e.next_step())),
        },
    }
}

/// What went wrong and what to do, in the engine's words.
fn explain(e: IdentifyError) -> String {
    format!("{e}. {}", e.next_step())
}
