//! The fault matrix: seeded, randomized fault plans against whole update jobs, for
//! every protocol family (issue 7, "Proof").
//!
//! Each run builds a [`FaultPlan`] from a seeded generator (drops, corruption, delays,
//! NAKs, an unplug or a restart at a random byte), runs the whole job through the
//! [`Flasher`] and a [`SimConnector`], and, when the job stops asking to be resumed,
//! waits for the stick and runs it once more with the journal, as a person would. A run
//! then ends in one of three ways:
//! - a reported success with a virtual flash byte-exact with the image;
//! - a clear stop: a [`Failure`] that reports no success (the flash may be partial);
//! - a violation: a success with a flash that differs from the image, a stop that says
//!   nothing was changed after the flash was written to, or a panic.
//!
//! A family joins the matrix by adding a [`Family`] (a profile and an update builder)
//! to [`FAMILIES`].

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use core::time::Duration;

use futures::executor::block_on;
use modemflash_core::device::PortRole;
use modemflash_core::event::{Event, Observer};
use modemflash_core::flasher::{DeviceState, Failure, Flasher, Job, Journal, NextStep, Stage};
use modemflash_core::image::Inspection;
use modemflash_core::protocol::balong::BLOCK_SIZE;

use crate::connector::SimConnector;
use crate::fault::{Fault, FaultPlan};
use crate::image::expected::expected_flash;
use crate::image::inspected::inspected;
use crate::image::qualcomm::stick_package;
use crate::image::update::{default_version, stick_update, update_file};
use crate::link::Link;
use crate::port::{Sim, Traffic};
use crate::profile::{
    BootLoader, Profile, ALCATEL_X020, E3372H, E3372H_SIGNED, HUAWEI_E1550, MC7455, NOVATEL_MC950D, ZTE_MF626,
};

/// One protocol family in the matrix: the stick it runs against and the update it
/// writes.
#[derive(Clone, Copy, Debug)]
pub struct Family {
    /// Its name in the tallies.
    pub name: &'static str,
    /// The virtual stick.
    pub profile: &'static Profile,
    /// Builds a small, valid update for the stick.
    pub update: fn(&'static Profile) -> Vec<u8>,
    /// The download protocol's data block size, for planned NAKs.
    pub block_size: u64,
    /// Whether its download mode notices a corrupted transfer from the host (a frame
    /// check it verifies). A Qualcomm streaming programmer over USB does not: it
    /// strips the CRC unchecked and writes what came (specs/qualcomm-dload.md §1.4,
    /// §7.3), trusting USB's own packet CRC, under which the host controller resends a
    /// damaged packet or, failing that, loses the transfer. For such a family a
    /// corruption toward the stick is planned as what USB makes of it: a lost transfer.
    pub checks_frames: bool,
}

/// The version every matrix update installs.
pub const NEW_VERSION: &str = "22.333.01.00.00";

/// About this many bytes are flashed per job: small, so hundreds of runs stay fast,
/// yet several blocks per large partition.
const UPDATE_SIZE: usize = 24_000;

fn balong_update(profile: &'static Profile) -> Vec<u8> {
    stick_update(profile, NEW_VERSION, UPDATE_SIZE).build()
}

fn one_file_update(profile: &'static Profile) -> Vec<u8> {
    update_file(profile, default_version(profile), UPDATE_SIZE)
}

/// A Qualcomm package, zipped as people download it (docs/qualcomm-package.md).
fn qualcomm_package(profile: &'static Profile) -> Vec<u8> {
    stick_package(profile, NEW_VERSION, UPDATE_SIZE).zip()
}

/// The block a Qualcomm stick's programmer takes unframed.
const fn unframed_block(profile: &Profile) -> u64 {
    match profile.boot_loader {
        BootLoader::Qualcomm(boot) => boot.unframed_max as u64,
        _ => 0,
    }
}

/// Every family the matrix covers (the signed Balong stick adds `^SIGNVER` to the
/// handshake and a signature to the update). The Qualcomm sticks' block sizes are
/// their programmers' unframed maximum (the virtual link keeps transfers whole, so
/// the flasher writes unframed, specs/qualcomm-dload.md §4.7).
pub const FAMILIES: &[Family] = &[
    Family {
        name: "balong",
        profile: &E3372H,
        update: balong_update,
        block_size: BLOCK_SIZE as u64,
        checks_frames: true,
    },
    Family {
        name: "balong-signed",
        profile: &E3372H_SIGNED,
        update: balong_update,
        block_size: BLOCK_SIZE as u64,
        checks_frames: true,
    },
    Family {
        name: "sierra-qdl",
        profile: &MC7455,
        update: one_file_update,
        block_size: modemflash_core::protocol::qdl::CHUNK_SIZE as u64,
        checks_frames: true,
    },
    Family {
        name: "qualcomm-zte",
        profile: &ZTE_MF626,
        update: qualcomm_package,
        block_size: unframed_block(&ZTE_MF626),
        checks_frames: false,
    },
    Family {
        name: "qualcomm-alcatel",
        profile: &ALCATEL_X020,
        update: qualcomm_package,
        block_size: unframed_block(&ALCATEL_X020),
        checks_frames: false,
    },
    Family {
        name: "qualcomm-novatel",
        profile: &NOVATEL_MC950D,
        update: qualcomm_package,
        block_size: unframed_block(&NOVATEL_MC950D),
        checks_frames: false,
    },
    Family {
        name: "qualcomm-huawei",
        profile: &HUAWEI_E1550,
        update: qualcomm_package,
        block_size: unframed_block(&HUAWEI_E1550),
        checks_frames: false,
    },
];

/// NAK codes planned refusals use; 07 (the partition starts over, §8) more often.
const NAK_CODES: &[u8] = &[0x01, 0x04, 0x05, 0x07, 0x07, 0x07, 0x0A, 0x0E];

/// How long a stopped job waits before looking for the stick again: longer than any
/// mode switch or restart takes.
const SETTLE: Duration = Duration::from_secs(10);

/// How long a person waits for an unplugged stick to come back.
const COME_BACK: Duration = Duration::from_secs(180);

/// How one run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success reported, flash byte-exact, in one go.
    Exact,
    /// Success reported, flash byte-exact, after one resume.
    ExactAfterResume,
    /// A failure reported (no success), at this stage for this reason.
    Stop {
        /// The stage, partitions folded together.
        stage: String,
        /// The error's kind.
        reason: String,
    },
    /// Success reported with a wrong flash, a stop misstating the modem's state, or a
    /// panic.
    Violation(String),
}

/// A violating run, with what reproduces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The family.
    pub family: &'static str,
    /// The run's index (with the seed, reproduces it).
    pub run: u64,
    /// The plan it ran with.
    pub plan: FaultPlan,
    /// What went wrong.
    pub what: String,
}

/// Counts of outcomes over a matrix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tallies {
    /// The seed.
    pub seed: u64,
    /// Runs made.
    pub runs: u64,
    /// Exact flash in one go.
    pub exact: u64,
    /// Exact flash after one resume.
    pub exact_after_resume: u64,
    /// Clear stops by (stage, reason).
    pub stops: BTreeMap<(String, String), u64>,
    /// Faults planned, by kind.
    pub faults: BTreeMap<&'static str, u64>,
    /// Violations, each with what reproduces it.
    pub violations: Vec<Violation>,
}

impl Tallies {
    /// Clear stops in all.
    pub fn stopped(&self) -> u64 {
        self.stops.values().sum()
    }
}

impl fmt::Display for Tallies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "fault matrix: {} runs, seed {}", self.runs, self.seed)?;
        writeln!(f, "  success, byte-exact flash:              {}", self.exact)?;
        writeln!(f, "  success after one resume, byte-exact:   {}", self.exact_after_resume)?;
        writeln!(f, "  clear stops (no success reported):      {}", self.stopped())?;
        for ((stage, reason), n) in &self.stops {
            writeln!(f, "    {n:>6}  {stage}: {reason}")?;
        }
        writeln!(f, "  violations:                             {}", self.violations.len())?;
        for v in &self.violations {
            writeln!(f, "    {} run {}: {} (plan {:?})", v.family, v.run, v.what, v.plan)?;
        }
        write!(f, "  faults planned:")?;
        for (kind, n) in &self.faults {
            write!(f, " {kind} {n};")?;
        }
        writeln!(f)
    }
}

/// A family with its update inspected and what a clean job does measured.
struct Prepared {
    family: Family,
    file: Vec<u8>,
    inspection: Inspection,
    expected: Vec<(u32, Vec<u8>)>,
    /// Traffic of a job without faults: where planned faults can land.
    traffic: Traffic,
    /// Data blocks per partition, in flashing order.
    blocks: Vec<u32>,
}

impl Prepared {
    fn new(family: Family) -> Result<Prepared, String> {
        let (inspection, file) = inspected((family.update)(family.profile))
            .map_err(|e| format!("{}: the matrix update could not be read: {e}", family.name))?;
        if !inspection.report.passed() {
            return Err(format!("{}: the matrix update does not pass verification", family.name));
        }
        let expected = expected_flash(&inspection, &file).map_err(|e| format!("{}: {e}", family.name))?;
        let blocks = expected.iter().map(|(_, d)| (d.len() as u64).div_ceil(family.block_size) as u32).collect();
        let mut prepared = Prepared { family, file, inspection, expected, traffic: Traffic::default(), blocks };
        let sim = prepared.sim();
        match prepared.job(&sim) {
            Outcome::Exact => {}
            other => return Err(format!("{}: a job without faults ended {other:?}", family.name)),
        }
        prepared.traffic = sim.traffic();
        Ok(prepared)
    }

    fn sim(&self) -> Sim {
        Sim::with_link(self.family.profile, Link::usb_high_speed())
    }

    /// A random plan of one to four faults, each landing inside a clean job's traffic.
    fn plan(&self, rng: &mut fastrand::Rng) -> FaultPlan {
        let t = &self.traffic;
        let mut plan = FaultPlan::new();
        for _ in 0..rng.usize(1..=4) {
            let fault = match rng.u8(0..8) {
                0 => Fault::DropToDevice { nth: rng.u64(0..t.host_transfers) },
                1 if self.family.checks_frames => Fault::CorruptToDevice { nth: rng.u64(0..t.host_transfers) },
                1 => Fault::DropToDevice { nth: rng.u64(0..t.host_transfers) },
                2 => Fault::DropToHost { nth: rng.u64(0..t.device_bursts) },
                3 => Fault::CorruptToHost { nth: rng.u64(0..t.device_bursts) },
                4 => Fault::DelayToHost {
                    nth: rng.u64(0..t.device_bursts),
                    by: Duration::from_millis(rng.u64(10..=8_000)),
                },
                5 => {
                    let partition = rng.usize(0..self.blocks.len());
                    let block = rng.u32(1..=self.blocks[partition]);
                    let code = NAK_CODES[rng.usize(0..NAK_CODES.len())];
                    Fault::NakBlock { partition, block, code }
                }
                6 => Fault::UnplugAtByte {
                    bytes: rng.u64(0..t.download_bytes),
                    replug_after: Duration::from_secs(rng.u64(1..=90)),
                },
                _ => Fault::RebootAtByte { bytes: rng.u64(0..t.download_bytes) },
            };
            plan = plan.with(fault);
        }
        plan
    }

    /// A whole job, resumed once when it stops asking for that.
    fn job(&self, sim: &Sim) -> Outcome {
        let before = sim.inspect(|d| d.flash().clone());
        let journal = match self.attempt(sim, Journal::default(), &before) {
            Ok(()) => return self.judge(sim, Outcome::Exact),
            Err(Stopped::Failed(failure, journal)) if failure.next_step() == NextStep::Resume => journal,
            Err(stopped) => return stopped.outcome(),
        };
        // As a person would: wait, make sure the stick is back, resume.
        sim.wait(SETTLE);
        let start = sim.now();
        while sim.usb_id().is_none() && sim.now() - start < COME_BACK {
            sim.wait(Duration::from_secs(1));
        }
        match self.attempt(sim, journal, &before) {
            Ok(()) => self.judge(sim, Outcome::ExactAfterResume),
            Err(stopped) => stopped.outcome(),
        }
    }

    /// One run of the job from wherever the stick is.
    /// `before` is the flash when the job began: a stop that says nothing was changed
    /// must leave it so.
    fn attempt(&self, sim: &Sim, journal: Journal, before: &BTreeMap<u32, Vec<u8>>) -> Result<(), Stopped> {
        let usb = sim.usb_id();
        let role = if usb == Some(self.family.profile.download_id) { PortRole::Download } else { PortRole::Pcui };
        let Ok(port) = sim.open_role(role) else { return Err(Stopped::NoPort) };
        let mut last = LastJournal(journal.clone());
        let mut flasher = Flasher::new(SimConnector::new(sim.clone()), &mut last);
        let job = Job { inspection: &self.inspection, source: self.file.as_slice(), only: None, journal, usb };
        match block_on(flasher.run(port, job)) {
            Ok(_) => Ok(()),
            // A stop must say truly what state the modem is in.
            Err(f) if f.state == DeviceState::Unchanged && sim.inspect(|d| d.flash() != before) => {
                Err(Stopped::Misreported(format!("\"{}\" with the flash written to ({f})", f.state_text())))
            }
            Err(failure) => Err(Stopped::Failed(Box::new(failure), last.0)),
        }
    }

    /// A reported success is only right with the image's bytes in the flash.
    fn judge(&self, sim: &Sim, success: Outcome) -> Outcome {
        let wrong = sim.inspect(|d| {
            let flash = d.flash();
            if flash.len() != self.expected.len() {
                return Some(format!(
                    "success reported with {} partitions in flash, not {}",
                    flash.len(),
                    self.expected.len()
                ));
            }
            self.expected.iter().find_map(|(code, data)| {
                (flash.get(code) != Some(data)).then(|| format!("success reported but partition {code:08x} differs"))
            })
        });
        wrong.map_or(success, Outcome::Violation)
    }
}

/// Why one run of the job did not report success.
enum Stopped {
    /// A failure reported, with the last journal.
    Failed(Box<Failure>, Journal),
    /// The stick was not on the bus to start on.
    NoPort,
    /// A failure that misstates what happened to the modem: a violation.
    Misreported(String),
}

impl Stopped {
    fn outcome(self) -> Outcome {
        match self {
            Stopped::Failed(failure, _) => {
                let stage = match failure.stage {
                    Stage::WritePartition { .. } => "Writing a partition".to_string(),
                    ref other => other.title(),
                };
                Outcome::Stop { stage, reason: kind(&format!("{:?}", failure.error)) }
            }
            Stopped::NoPort => Outcome::Stop { stage: "Resuming".into(), reason: "the stick never came back".into() },
            Stopped::Misreported(what) => Outcome::Violation(what),
        }
    }
}

/// `Download(NoReply { cmd: … })` → `Download/NoReply`: the error's variant names.
fn kind(debug: &str) -> String {
    let mut names = Vec::new();
    let mut rest = debug;
    while let Some(end) = rest.find(|c: char| !c.is_alphanumeric()) {
        names.push(&rest[..end]);
        if !rest[end..].starts_with('(') {
            break;
        }
        rest = &rest[end + 1..];
    }
    if rest.chars().all(char::is_alphanumeric) {
        names.push(rest);
    }
    names.retain(|n| !n.is_empty());
    names.join("/")
}

/// Keeps the last journal the job reported.
struct LastJournal(Journal);

impl Observer for LastJournal {
    fn on_event(&mut self, event: &Event) {
        if let Event::Journal(j) = event {
            self.0 = j.clone();
        }
    }
}

fn fault_kind(f: &Fault) -> &'static str {
    match f {
        Fault::DropToDevice { .. } => "drop to device",
        Fault::CorruptToDevice { .. } => "corrupt to device",
        Fault::DropToHost { .. } => "drop to host",
        Fault::CorruptToHost { .. } => "corrupt to host",
        Fault::DelayToHost { .. } => "delay to host",
        Fault::NakBlock { .. } => "NAK",
        Fault::UnplugAtByte { .. } => "unplug",
        Fault::RebootAtByte { .. } => "restart",
    }
}

/// Runs `runs` seeded runs over `families` (in turn); the same seed gives the same
/// runs. An error means a family's own update or clean job is broken.
pub fn run(runs: u64, seed: u64, families: &[Family]) -> Result<Tallies, String> {
    let prepared = families.iter().map(|f| Prepared::new(*f)).collect::<Result<Vec<_>, _>>()?;
    let mut tallies = Tallies { seed, ..Tallies::default() };
    if prepared.is_empty() {
        return Ok(tallies);
    }
    for i in 0..runs {
        let p = &prepared[(i % prepared.len() as u64) as usize];
        let mut rng = fastrand::Rng::with_seed(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let plan = p.plan(&mut rng);
        for f in plan.faults() {
            *tallies.faults.entry(fault_kind(f)).or_default() += 1;
        }
        let sim = p.sim();
        sim.set_faults(plan.clone());
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| p.job(&sim)))
            .unwrap_or_else(|e| Outcome::Violation(format!("panic: {}", panic_message(&*e))));
        tallies.runs += 1;
        match outcome {
            Outcome::Exact => tallies.exact += 1,
            Outcome::ExactAfterResume => tallies.exact_after_resume += 1,
            Outcome::Stop { stage, reason } => *tallies.stops.entry((stage, reason)).or_default() += 1,
            Outcome::Violation(what) => {
                tallies.violations.push(Violation { family: p.family.name, run: i, plan, what })
            }
        }
    }
    Ok(tallies)
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn error_kinds_are_variant_names() {
        assert_eq!(kind("Download(NoReply { cmd: \"x\", attempts: 3 })"), "Download/NoReply");
        assert_eq!(kind("Reconnect(NotBack { waited: 1s })"), "Reconnect/NotBack");
        assert_eq!(kind("Download(Port(Disconnected))"), "Download/Port/Disconnected");
        assert_eq!(kind("VersionMismatch { expected: \"a\" }"), "VersionMismatch");
    }
}
