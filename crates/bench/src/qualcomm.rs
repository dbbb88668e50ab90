//! `modemflash-bench qualcomm`: one partition image written to the virtual ZTE MF626's
//! streaming programmer in virtual time, over modelled USB links, in each write mode of
//! specs/qualcomm-dload.md §4.6–§4.7, against the time the payload alone needs:
//!
//! - stop-and-wait: framed 1024-byte STREAM_WRITEs, one outstanding (every open-source host);
//! - windowed: framed 1024-byte writes, up to the programmer's window (100) outstanding;
//! - unframed: 4096-byte unframed writes (0x30, version 4 over USB), windowed.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::Silent;
use modemflash_core::protocol::dmss::DmssClient;
use modemflash_core::protocol::streaming::{Hello, StreamingClient, WriteMode};
use modemflash_sim::image::qualcomm::table;
use modemflash_sim::profile::{BootLoader, ZTE_MF626};
use modemflash_sim::{Sim, VirtualDongle};
use serde::Serialize;

use crate::flash::NamedLink;
use crate::table::Table;
use crate::units::{binary_size, duration, grouped, rate};

/// The modes compared, in the table's order.
const MODES: [(WriteMode, &str); 3] = [
    (WriteMode::StopAndWait, "stop-and-wait framed"),
    (WriteMode::Windowed, "windowed framed"),
    (WriteMode::Unframed, "unframed windowed"),
];

/// One image written in one mode over one link.
#[derive(Debug, Serialize)]
pub struct ModeRun {
    /// The link's name.
    pub link: String,
    /// Its bandwidth, bytes per second each way.
    pub bytes_per_sec: u64,
    /// Its one-way latency, seconds.
    pub latency_seconds: f64,
    /// The write mode.
    pub mode: String,
    /// Data bytes per write.
    pub block: usize,
    /// Writes that may be outstanding.
    pub window: u16,
    /// Bytes written to the partition.
    pub bytes: u64,
    /// Virtual seconds from OPEN_MULTI's reply to CLOSE's.
    pub write_seconds: f64,
    /// `bytes` / bandwidth: the least any protocol needs on this link.
    pub payload_seconds: f64,
    /// `payload_seconds` / `write_seconds`.
    pub efficiency: f64,
    /// Host seconds the simulation took.
    pub wall_seconds: f64,
}

/// Writes a `size`-byte image in every mode over every link.
pub fn run(size: u64, links: &[NamedLink]) -> Result<Vec<ModeRun>, String> {
    let image = &image_bytes(size as usize);
    let mut runs = Vec::new();
    for named in links {
        for (mode, name) in MODES {
            runs.push(run_one(image, named, mode, name)?);
        }
    }
    Ok(runs)
}

/// Bytes with the statistics of compiled firmware for HDLC's purpose: every value
/// equally likely, so `7E`/`7D` need escaping about twice in 256 bytes.
fn image_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn run_one(image: &[u8], named: &NamedLink, mode: WriteMode, name: &str) -> Result<ModeRun, String> {
    let BootLoader::Qualcomm(boot) = ZTE_MF626.boot_loader else { unreachable!("a Qualcomm profile") };
    let sim = Sim::from_dongle(VirtualDongle::in_download_mode(&ZTE_MF626), named.link);
    let port = sim.open_role(PortRole::Download).map_err(|e| e.to_string())?;
    let err = |e: &dyn std::fmt::Display| format!("{name} on {}: {e}", named.name);
    let mut dmss = DmssClient::new(port, Silent);
    block_on(dmss.upload(boot.load_address, &[0x5A; 48 * 1024], |_| {})).map_err(|e| err(&e))?;
    let (port, _) = dmss.into_parts();
    let mut client = StreamingClient::new(port, Silent);
    let hello = block_on(client.hello(Hello::RECOMMENDED)).map_err(|e| err(&e))?;
    block_on(client.security_mode(1)).map_err(|e| err(&e))?;
    block_on(client.partition_table(&table().encode())).map_err(|e| err(&e))?;
    block_on(client.open("0:AMSS")).map_err(|e| err(&e))?;
    let start = sim.now();
    let wall = std::time::Instant::now();
    block_on(client.write_at(0, image, mode, &hello, |_| {})).map_err(|e| err(&e))?;
    block_on(client.close()).map_err(|e| err(&e))?;
    let write = sim.now() - start;
    let wall = wall.elapsed();
    if sim.inspect(|d| d.flash().get(&2).map(Vec::as_slice) != Some(image)) {
        return Err(format!("{name} on {}: the virtual flash differs from the image", named.name));
    }
    let payload = Duration::from_secs_f64(image.len() as f64 / named.link.bytes_per_sec as f64);
    let (block, window) = match mode {
        WriteMode::StopAndWait => (1024, 1),
        WriteMode::Windowed => (1024, hello.window),
        WriteMode::Unframed => (hello.block_size as usize, hello.window),
    };
    Ok(ModeRun {
        link: named.name.clone(),
        bytes_per_sec: named.link.bytes_per_sec,
        latency_seconds: named.link.latency.as_secs_f64(),
        mode: name.to_string(),
        block,
        window,
        bytes: image.len() as u64,
        write_seconds: write.as_secs_f64(),
        payload_seconds: payload.as_secs_f64(),
        efficiency: payload.as_secs_f64() / write.as_secs_f64(),
        wall_seconds: wall.as_secs_f64(),
    })
}

/// The table.
pub fn render(runs: &[ModeRun]) -> String {
    let secs = Duration::from_secs_f64;
    let Some(first) = runs.first() else { return "No links to measure.\n".into() };
    let mut out = format!(
        "Streaming download to the virtual ZTE MF626 (virtual time): one {} byte ({}) partition image\n\n",
        grouped(first.bytes),
        binary_size(first.bytes)
    );
    let mut table = Table::new(&[
        "link",
        "bandwidth",
        "latency",
        "mode",
        "block",
        "window",
        "write",
        "payload only",
        "efficiency",
        "host wall",
    ]);
    for r in runs {
        table.row(vec![
            r.link.clone(),
            rate(r.bytes_per_sec),
            duration(secs(r.latency_seconds)),
            r.mode.clone(),
            grouped(r.block as u64),
            r.window.to_string(),
            duration(secs(r.write_seconds)),
            duration(secs(r.payload_seconds)),
            format!("{:.1} %", r.efficiency * 100.0),
            duration(secs(r.wall_seconds)),
        ]);
    }
    out.push_str(&table.to_string());
    out.push_str(
        "\nwrite: from the open partition's first write to CLOSE's reply. payload only: the image's bytes divided by\n\
         the bandwidth. efficiency = payload only / write. Stop-and-wait pays a round trip and the programmer's reply\n\
         time per 1 KiB block; the window hides them; unframed writes also drop HDLC escaping and CRCs and carry\n\
         4 KiB per write. Unframed writes need a transport that keeps each write one USB transfer (WebUSB, not\n\
         Web Serial: specs/qualcomm-dload.md §4.7).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use modemflash_sim::Link;

    #[test]
    fn windows_and_unframed_writes_beat_stop_and_wait() {
        let link = NamedLink { name: "test".into(), link: Link::new(1_000_000, Duration::from_millis(1)) };
        let runs = run(300_000, &[link]).unwrap();
        assert_eq!(runs.len(), 3);
        assert!(runs.iter().all(|r| r.write_seconds > r.payload_seconds), "{runs:?}");
        assert!(runs[1].write_seconds < runs[0].write_seconds, "windowed beats stop-and-wait: {runs:?}");
        assert!(runs[2].write_seconds < runs[1].write_seconds, "unframed beats framed: {runs:?}");
        assert!(render(&runs).contains("unframed windowed"));
    }
}
