//! `modemflash-bench flash`: a whole update job against the virtual E3372h in virtual
//! time, over modelled USB links, against the time the payload alone needs on each.
//!
//! The download protocol is stop-and-wait (specs/huawei-balong.md §8): one 4096-byte
//! block, then wait for its ACK. Every block therefore pays one round trip on top of its
//! time on the wire; the table shows how much of the link that leaves unused.

use std::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::{Event, Observer};
use modemflash_core::flasher::{Flasher, Job, Journal, Stage};
use modemflash_core::image::balong::inspect;
use modemflash_core::image::InspectOptions;
use modemflash_core::protocol::balong::BLOCK_SIZE;
use modemflash_core::time::Instant;
use modemflash_sim::profile::E3372H;
use modemflash_sim::{Link, Sim, SimConnector};
use serde::Serialize;

use crate::image::{synthetic_update, NEW_VERSION};
use crate::table::Table;
use crate::units::{binary_size, duration, grouped, rate};

/// A link to measure, with a name for the table.
#[derive(Clone, Debug)]
pub struct NamedLink {
    /// "USB full speed", "custom" …
    pub name: String,
    /// The model.
    pub link: Link,
}

impl NamedLink {
    /// The two standard models: USB 2.0 full speed and high speed.
    pub fn standard() -> Vec<NamedLink> {
        vec![
            NamedLink { name: "USB full speed".into(), link: Link::usb_full_speed() },
            NamedLink { name: "USB high speed".into(), link: Link::usb_high_speed() },
        ]
    }

    /// Every pairing of `bandwidths` and `latencies`; a missing list stands for
    /// 1 MB/s or 1 ms. Nothing when both are empty.
    pub fn custom(bandwidths: &[u64], latencies: &[Duration]) -> Vec<NamedLink> {
        if bandwidths.is_empty() && latencies.is_empty() {
            return Vec::new();
        }
        let bandwidths = if bandwidths.is_empty() { &[1_000_000][..] } else { bandwidths };
        let latencies = if latencies.is_empty() { &[Duration::from_millis(1)][..] } else { latencies };
        bandwidths
            .iter()
            .flat_map(|&bw| {
                latencies.iter().map(move |&lat| NamedLink { name: "custom".into(), link: Link::new(bw, lat) })
            })
            .collect()
    }
}

/// One flash job over one link.
#[derive(Debug, Serialize)]
pub struct FlashRun {
    /// The link's name.
    pub link: String,
    /// Its bandwidth, bytes per second each way.
    pub bytes_per_sec: u64,
    /// Its one-way latency, seconds.
    pub latency_seconds: f64,
    /// Largest piece one read returns.
    pub max_read: usize,
    /// Bytes written to the stick (flashed, unpacked).
    pub bytes: u64,
    /// `42` data blocks sent.
    pub blocks: u64,
    /// Virtual seconds from the first AT command to "Done".
    pub total_seconds: f64,
    /// Virtual seconds from the first partition's start to the reboot command.
    pub write_seconds: f64,
    /// `bytes` / bandwidth: the write stages' lower bound on this link.
    pub payload_seconds: f64,
    /// `payload_seconds` / `write_seconds`.
    pub efficiency: f64,
    /// (`write_seconds` − `payload_seconds`) / `blocks`: what each block waits beyond its
    /// own bytes (round trip, the stick's reply time, framing, the `41`/`43` per partition).
    pub overhead_per_block_seconds: f64,
    /// 2 × latency: the part of that overhead the link's turnaround explains.
    pub round_trip_seconds: f64,
    /// Host seconds the simulation took.
    pub wall_seconds: f64,
}

/// Records when each stage started on the virtual clock, and counts blocks.
struct StageClock {
    sim: Sim,
    first_write: Option<Instant>,
    reboot: Option<Instant>,
    blocks: u64,
    written: u64,
}

impl Observer for StageClock {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::Stage(Stage::WritePartition { .. }) => {
                self.first_write.get_or_insert(self.sim.now());
            }
            Event::Stage(Stage::Reboot) => self.reboot = Some(self.sim.now()),
            Event::Progress(p) => {
                self.blocks += 1;
                self.written = p.total_written;
            }
            _ => {}
        }
    }
}

/// Builds an update that flashes `size` bytes and runs it over every link.
pub fn run(size: u64, links: &[NamedLink]) -> Result<Vec<FlashRun>, String> {
    let file = synthetic_update(size);
    let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).map_err(|e| e.to_string())?;
    if !inspection.report.passed() {
        return Err(format!("the synthetic update did not verify: {:?}", inspection.report));
    }
    links.iter().map(|named| run_one(&file, &inspection, named)).collect()
}

fn run_one(
    file: &[u8],
    inspection: &modemflash_core::image::Inspection,
    named: &NamedLink,
) -> Result<FlashRun, String> {
    let link = named.link;
    let sim = Sim::with_link(&E3372H, link);
    let port = sim.open_role(PortRole::Pcui).map_err(|e| e.to_string())?;
    let clock = StageClock { sim: sim.clone(), first_write: None, reboot: None, blocks: 0, written: 0 };
    let mut flasher = Flasher::new(SimConnector::new(sim.clone()), clock);
    let job = Job { inspection, source: file, only: None, journal: Journal::default(), usb: sim.usb_id() };

    let started = sim.now();
    let wall = std::time::Instant::now();
    let report =
        block_on(flasher.run(port, job)).map_err(|f| format!("the flash job failed on {}: {f}", named.name))?;
    let wall = wall.elapsed();
    let total = sim.now() - started;
    let clock = flasher.into_parts().1;

    if report.new_version != NEW_VERSION {
        return Err(format!("the stick reports {} after the update, not {NEW_VERSION}", report.new_version));
    }
    let flashed: u64 = sim.inspect(|d| d.flash().values().map(|p| p.len() as u64).sum());
    if flashed != clock.written {
        return Err(format!("the stick holds {flashed} bytes, the job wrote {}", clock.written));
    }
    let (Some(first_write), Some(reboot)) = (clock.first_write, clock.reboot) else {
        return Err("the job never reached the write stages".into());
    };
    let write = reboot - first_write;
    let payload = Duration::from_secs_f64(clock.written as f64 / link.bytes_per_sec as f64);
    Ok(FlashRun {
        link: named.name.clone(),
        bytes_per_sec: link.bytes_per_sec,
        latency_seconds: link.latency.as_secs_f64(),
        max_read: link.max_read,
        bytes: clock.written,
        blocks: clock.blocks,
        total_seconds: total.as_secs_f64(),
        write_seconds: write.as_secs_f64(),
        payload_seconds: payload.as_secs_f64(),
        efficiency: payload.as_secs_f64() / write.as_secs_f64(),
        overhead_per_block_seconds: write.saturating_sub(payload).as_secs_f64() / clock.blocks.max(1) as f64,
        round_trip_seconds: (link.latency * 2).as_secs_f64(),
        wall_seconds: wall.as_secs_f64(),
    })
}

/// The table, and what limits the write speed on each link.
pub fn render(runs: &[FlashRun]) -> String {
    let secs = Duration::from_secs_f64;
    let Some(first) = runs.first() else { return "No links to measure.\n".into() };
    let mut out = format!(
        "Flash job against the virtual E3372h (virtual time): {} bytes ({}) in {} blocks of {BLOCK_SIZE} bytes\n\n",
        grouped(first.bytes),
        binary_size(first.bytes),
        grouped(first.blocks)
    );
    let mut table = Table::new(&[
        "link",
        "bandwidth",
        "latency",
        "total",
        "write stages",
        "payload only",
        "efficiency",
        "overhead/block",
        "2 x latency",
        "host wall",
    ]);
    for r in runs {
        table.row(vec![
            r.link.clone(),
            rate(r.bytes_per_sec),
            duration(secs(r.latency_seconds)),
            duration(secs(r.total_seconds)),
            duration(secs(r.write_seconds)),
            duration(secs(r.payload_seconds)),
            format!("{:.1} %", r.efficiency * 100.0),
            duration(secs(r.overhead_per_block_seconds)),
            duration(secs(r.round_trip_seconds)),
            duration(secs(r.wall_seconds)),
        ]);
    }
    out.push_str(&table.to_string());
    out.push_str(
        "\ntotal: virtual time of the whole job (identify, settings backup, mode switch and the stick's boot into\n\
         update mode, writing, reboot into the new firmware, version check, settings restore).\n\
         write stages: from the first partition's start to the reboot command. payload only: the bytes written\n\
         divided by the bandwidth, the least any protocol needs on that link. efficiency = payload only / write.\n\
         overhead/block: write time beyond the payload's, per block.\n\n\
         What limits it: stop-and-wait (specs/huawei-balong.md §8). Each 4096-byte block waits for its ACK before\n\
         the next is sent, so every block pays one round trip (2 x latency, plus the stick's reply time, the ACK's\n\
         own transfer and HDLC escaping) on top of its time on the wire:\n",
    );
    for r in runs {
        let wire = secs(BLOCK_SIZE as f64 / r.bytes_per_sec as f64);
        let share = r.overhead_per_block_seconds / (r.overhead_per_block_seconds + wire.as_secs_f64()) * 100.0;
        let rest = secs((r.overhead_per_block_seconds - r.round_trip_seconds).max(0.0));
        out.push_str(&format!(
            "  {} ({}, {} latency): per block {} on the wire + {} waiting\n    \
             ({} round trip + {} for the stick's reply, the ACK and framing): {:.0} % of the write time is turnaround.\n",
            r.link,
            rate(r.bytes_per_sec),
            duration(secs(r.latency_seconds)),
            duration(wire),
            duration(secs(r.overhead_per_block_seconds)),
            duration(secs(r.round_trip_seconds)),
            duration(rest),
            share
        ));
    }
    out.push_str(
        "The protocol allows one block in flight; fewer, larger blocks (the stick accepts up to ~8 KiB after `41`,\n\
         §8) would cut the turnarounds, a faster link alone would not.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_links_pair_every_bandwidth_with_every_latency() {
        assert!(NamedLink::custom(&[], &[]).is_empty());
        let links = NamedLink::custom(&[1_000_000, 2_000_000], &[Duration::from_millis(1), Duration::ZERO]);
        assert_eq!(links.len(), 4);
        assert_eq!(links[3].link, Link::new(2_000_000, Duration::ZERO));
        let only_latency = NamedLink::custom(&[], &[Duration::from_micros(50)]);
        assert_eq!(only_latency[0].link, Link::new(1_000_000, Duration::from_micros(50)));
    }

    #[test]
    fn a_small_flash_pays_a_round_trip_per_block() {
        let link = NamedLink { name: "test".into(), link: Link::new(1_000_000, Duration::from_millis(1)) };
        let runs = run(200_000, &[link]).unwrap();
        let r = &runs[0];
        assert!(r.bytes >= 200_000 && r.blocks >= 200_000 / BLOCK_SIZE as u64, "{r:?}");
        assert!(r.write_seconds > r.payload_seconds && r.total_seconds > r.write_seconds, "{r:?}");
        assert!(r.overhead_per_block_seconds >= r.round_trip_seconds, "{r:?}");
        assert!(render(&runs).contains("stop-and-wait"));
    }
}
