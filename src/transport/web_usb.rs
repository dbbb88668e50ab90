//! WebUSB implementation of the engine's `Port` (specs/web-platform.md §3.2, §5, §7.3).
//!
//! Opening selects the configuration, picks the interface for the wanted role
//! ([`interface::choose`]), claims it and keeps its bulk endpoints. Every `write` is one
//! `transferOut` (so [`Port::keeps_transfers`] holds), followed by a zero-length packet
//! when it ends on a full packet. As in the Web Serial port, one `transferIn` stays in
//! flight across reads that time out, since abandoning it could lose what it brings,
//! and a transfer larger than the caller's buffer is handed out over the next reads.
//! Closing releases the interface (which ends the pending transfer) and closes the
//! device; a device that went away reads as [`PortError::Disconnected`].

use core::time::Duration;

use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::futures::JsFuture;
use js_sys::Uint8Array;
use modemflash_core::device::driver::{linux_driver, ClaimError};
use modemflash_core::device::interface::{self, Bulk, InterfaceInfo, NoInterface, PROTECTED_CLASSES};
use modemflash_core::device::mode_switch::ControlRequest;
use modemflash_core::device::{PortRole, UsbId};
use modemflash_core::port::{Port, PortError};
use modemflash_core::preflight::Os;
use modemflash_core::time::Instant;
use wasm_bindgen::JsValue;
use web_sys::{
    UsbControlTransferParameters, UsbDevice, UsbDeviceFilter, UsbDeviceRequestOptions, UsbDirection, UsbEndpointType,
    UsbInTransferResult, UsbOutTransferResult, UsbRecipient, UsbRequestType, UsbTransferStatus,
};

use super::dom_error;
use super::leftover::Leftover;
use super::web_serial::{Filter, RequestError};
use crate::platform::now_ms;

/// Bytes asked for per `transferIn`: a multiple of every packet size, large enough for
/// a burst of download-mode replies.
const READ_SIZE: u32 = 16 * 1024;

/// How long a `transferOut` may wait for the device to take it: a device that takes
/// nothing for this long is not coming back to it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Shows the browser's USB chooser, filtered to `filters` (vendor ids, and product ids
/// where only one product will do).
pub async fn request_device(filters: &[Filter]) -> Result<UsbDevice, RequestError> {
    let usb = web_sys::window().ok_or(RequestError::Failed("no window".into()))?.navigator().usb();
    let filters: Vec<UsbDeviceFilter> = filters
        .iter()
        .map(|&(vid, pid)| {
            let f = UsbDeviceFilter::new();
            f.set_vendor_id(vid);
            if let Some(pid) = pid {
                f.set_product_id(pid);
            }
            f
        })
        .collect();
    usb.request_device(&UsbDeviceRequestOptions::new(&filters)).await.map_err(|e| match dom_error(&e) {
        (name, _) if name == "NotFoundError" => RequestError::Cancelled,
        (name, message) => RequestError::Failed(format!("{name}: {message}")),
    })
}

/// The devices the page was granted earlier that show one of `ids` now (§3.2, §4).
pub async fn granted(ids: &[UsbId]) -> Vec<UsbDevice> {
    let Some(usb) = web_sys::window().map(|w| w.navigator().usb()) else { return Vec::new() };
    let Ok(devices) = usb.get_devices().await else { return Vec::new() };
    devices.iter().filter(|d| ids.contains(&usb_id_of(d))).collect()
}

/// The device's USB id.
pub fn usb_id_of(device: &UsbDevice) -> UsbId {
    UsbId::new(device.vendor_id(), device.product_id())
}

/// The interfaces of the device's active configuration (the first one when none is
/// active yet), as the descriptors describe them.
pub fn interfaces_of(device: &UsbDevice) -> Vec<InterfaceInfo> {
    let Some(config) = device.configuration().or_else(|| device.configurations().iter().next()) else {
        return Vec::new();
    };
    config
        .interfaces()
        .iter()
        .map(|i| {
            let alternate = i.alternate();
            let bulk = |direction: UsbDirection| {
                alternate
                    .endpoints()
                    .iter()
                    .find(|e| e.type_() == UsbEndpointType::Bulk && e.direction() == direction)
                    .map(|e| Bulk { number: e.endpoint_number(), packet_size: e.packet_size() })
            };
            InterfaceInfo {
                number: i.interface_number(),
                class: alternate.interface_class(),
                bulk_in: bulk(UsbDirection::In),
                bulk_out: bulk(UsbDirection::Out),
            }
        })
        .collect()
}

/// Why a device could not be opened for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// The device shows only protected interfaces: a virtual CD-ROM.
    CdRom,
    /// No vendor-specific interface with a bulk IN/OUT pair.
    NoInterface,
    /// The interface could not be claimed.
    Claim(ClaimError),
    /// The device failed or went away.
    Port(PortError),
}

impl core::fmt::Display for OpenError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            OpenError::CdRom => f.write_str("the modem is still a virtual CD-ROM (CD-ROM mode)"),
            OpenError::NoInterface => f.write_str("the device has no modem interface with bulk endpoints"),
            OpenError::Claim(e) => e.fmt(f),
            OpenError::Port(e) => e.fmt(f),
        }
    }
}

/// Sends a control request to the device (recipient device: no interface claimed,
/// §3.2). `Ok(false)` when the device stalls it.
pub async fn send_control(device: &UsbDevice, request: ControlRequest) -> Result<bool, PortError> {
    if !device.opened() {
        device.open().await.map_err(|e| transfer_error(&e))?;
    }
    let request_type = match (request.request_type >> 5) & 0x03 {
        0 => UsbRequestType::Standard,
        1 => UsbRequestType::Class,
        _ => UsbRequestType::Vendor,
    };
    let recipient = match request.request_type & 0x1f {
        0 => UsbRecipient::Device,
        1 => UsbRecipient::Interface,
        2 => UsbRecipient::Endpoint,
        _ => UsbRecipient::Other,
    };
    let setup =
        UsbControlTransferParameters::new(request.index, recipient, request.request, request_type, request.value);
    let result: UsbOutTransferResult = device.control_transfer_out(&setup).await.map_err(|e| transfer_error(&e))?;
    // The device leaves the bus right after it answered; closing may fail then.
    let _ = device.close().await;
    Ok(result.status() == UsbTransferStatus::Ok)
}

/// The claimed interface and the transfer in flight, released together.
struct Claim {
    device: UsbDevice,
    interface: u8,
    pending: Option<JsFuture<UsbInTransferResult>>,
}

impl Claim {
    /// Releases the interface (ending the pending transfer) and closes the device;
    /// failures (a device already gone) change nothing and are ignored.
    async fn release(self) {
        let _ = self.device.release_interface(self.interface).await;
        if let Some(pending) = self.pending {
            let _ = pending.await;
        }
        let _ = self.device.close().await;
    }
}

/// An open, claimed interface of a USB device. Dropping it releases the interface in
/// the background, so a port handed to the engine is released however the job ends.
pub struct WebUsbPort {
    claim: Option<Claim>,
    id: UsbId,
    bulk_in: Bulk,
    bulk_out: Bulk,
    leftover: Leftover,
    origin_ms: f64,
}

impl WebUsbPort {
    /// Opens `device`, selects its configuration and claims the interface for `role`.
    pub async fn open(device: UsbDevice, role: PortRole) -> Result<Self, OpenError> {
        let id = usb_id_of(&device);
        let os = crate::doctor::detect_os();
        if !device.opened() {
            device.open().await.map_err(|e| match dom_error(&e) {
                (name, _) if name == "SecurityError" => OpenError::Claim(ClaimError::AccessDenied { id, os }),
                (name, message) => OpenError::Port(PortError::Busy(format!("{name}: {message}"))),
            })?;
        }
        if device.configuration().is_none() {
            let value = device.configurations().iter().next().map_or(1, |c| c.configuration_value());
            device.select_configuration(value).await.map_err(|e| OpenError::Port(transfer_error(&e)))?;
        }
        let chosen = match interface::choose(id, &interfaces_of(&device), role) {
            Ok(chosen) => chosen,
            Err(e) => {
                let _ = device.close().await;
                return Err(match e {
                    NoInterface::OnlyProtected { .. } => OpenError::CdRom,
                    NoInterface::NoBulkPair => OpenError::NoInterface,
                });
            }
        };
        if let Err(e) = device.claim_interface(chosen.number).await {
            let _ = device.close().await;
            return Err(OpenError::Claim(claim_error(&e, id, chosen, role, os)));
        }
        let (Some(bulk_in), Some(bulk_out)) = (chosen.bulk_in, chosen.bulk_out) else {
            return Err(OpenError::NoInterface);
        };
        Ok(WebUsbPort {
            claim: Some(Claim { device, interface: chosen.number, pending: None }),
            id,
            bulk_in,
            bulk_out,
            leftover: Leftover::default(),
            origin_ms: now_ms(),
        })
    }

    /// The device's USB id.
    pub fn usb_id(&self) -> UsbId {
        self.id
    }

    /// Releases the interface (ending the pending transfer) and closes the device.
    pub async fn close(mut self) {
        if let Some(claim) = self.claim.take() {
            claim.release().await;
        }
    }

    fn claim(&mut self) -> Result<&mut Claim, PortError> {
        self.claim.as_mut().ok_or(PortError::Disconnected)
    }

    async fn transfer_out(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        let endpoint = self.bulk_out.number;
        let promise =
            self.claim()?.device.transfer_out_with_u8_slice(endpoint, bytes).map_err(|e| transfer_error(&e))?;
        let timer = TimeoutFuture::new(WRITE_TIMEOUT.as_millis() as u32);
        match select(JsFuture::from(promise), timer).await {
            Either::Left((Ok(result), _)) => match result.status() {
                UsbTransferStatus::Ok => Ok(()),
                status => Err(self.stalled(UsbDirection::Out, status).await),
            },
            Either::Left((Err(e), _)) => Err(transfer_error(&e)),
            Either::Right(_) => Err(PortError::Io(format!("the modem took no data for {} s", WRITE_TIMEOUT.as_secs()))),
        }
    }

    /// A stalled endpoint is cleared so the next transfer can run; the transfer failed.
    async fn stalled(&mut self, direction: UsbDirection, status: UsbTransferStatus) -> PortError {
        let endpoint = if direction == UsbDirection::In { self.bulk_in.number } else { self.bulk_out.number };
        if let (UsbTransferStatus::Stall, Some(claim)) = (status, &self.claim) {
            let _ = claim.device.clear_halt(direction, endpoint).await;
        }
        let status = if status == UsbTransferStatus::Stall { "a stall" } else { "babble" };
        PortError::Io(format!("the modem answered the transfer with {status} on endpoint {endpoint}"))
    }
}

impl Drop for WebUsbPort {
    fn drop(&mut self) {
        if let Some(claim) = self.claim.take() {
            wasm_bindgen_futures::spawn_local(claim.release());
        }
    }
}

impl Port for WebUsbPort {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), PortError> {
        self.transfer_out(bytes).await?;
        if interface::needs_zlp(bytes.len(), self.bulk_out.packet_size) {
            self.transfer_out(&[]).await?;
        }
        Ok(())
    }

    async fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, PortError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.leftover.is_empty() {
            return Ok(self.leftover.take(buf));
        }
        let deadline = now_ms() + timeout.as_secs_f64() * 1000.0;
        let endpoint = self.bulk_in.number;
        loop {
            let claim = self.claim()?;
            let pending = match claim.pending.take() {
                Some(p) => p,
                None => JsFuture::from(claim.device.transfer_in(endpoint, READ_SIZE)),
            };
            let left = (deadline - now_ms()).max(0.0);
            match select(pending, TimeoutFuture::new(left as u32)).await {
                Either::Right((_, pending)) => {
                    self.claim()?.pending = Some(pending);
                    return Ok(0);
                }
                Either::Left((result, _)) => {
                    let result = result.map_err(|e| transfer_error(&e))?;
                    if result.status() != UsbTransferStatus::Ok {
                        return Err(self.stalled(UsbDirection::In, result.status()).await);
                    }
                    let Some(data) = result.data() else { continue };
                    let bytes = Uint8Array::new_with_byte_offset_and_length(
                        &data.buffer(),
                        data.byte_offset() as u32,
                        data.byte_length() as u32,
                    );
                    // A zero-length packet ends a transfer without data: keep waiting.
                    if bytes.length() == 0 {
                        continue;
                    }
                    return Ok(self.leftover.refill(bytes.to_vec(), buf));
                }
            }
        }
    }

    fn now(&self) -> Instant {
        let elapsed = (now_ms() - self.origin_ms).max(0.0);
        Instant::from_origin(Duration::from_micros((elapsed * 1000.0) as u64))
    }

    fn keeps_transfers(&self) -> bool {
        true
    }
}

/// `claimInterface` failures (§5.1, §5.2, §7.3): `NetworkError` is a driver or another
/// program holding the interface; `SecurityError` a protected class or no permission.
fn claim_error(e: &JsValue, id: UsbId, chosen: InterfaceInfo, role: PortRole, os: Os) -> ClaimError {
    match dom_error(e) {
        (name, _) if name == "SecurityError" && PROTECTED_CLASSES.contains(&chosen.class) => {
            ClaimError::Protected { id, interface: chosen.number, class: chosen.class }
        }
        (name, _) if name == "SecurityError" => ClaimError::AccessDenied { id, os },
        _ => ClaimError::HeldByDriver {
            id,
            interface: chosen.number,
            driver: linux_driver(id, chosen.class, Some(role)),
            os,
        },
    }
}

/// Transfer failures: the device went away (`NotFoundError`, `NetworkError`, or the
/// `AbortError` of a transfer ended by a release), or anything else.
fn transfer_error(e: &JsValue) -> PortError {
    match dom_error(e) {
        (name, _) if name == "NotFoundError" || name == "NetworkError" || name == "AbortError" => {
            PortError::Disconnected
        }
        (name, message) => PortError::Io(format!("{name}: {message}")),
    }
}
