//! The flashing job as the page shows it: the stage list, per-partition and overall
//! progress with throughput and time left, folded from the engine's events
//! ([`JobView::apply`]). Pure and native-tested.

use modemflash_core::event::Event;
use modemflash_core::flasher::{Plan, Progress, Stage};

/// How far one stage of the list is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageStatus {
    /// Not reached yet.
    Pending,
    /// Under way.
    Active,
    /// Finished.
    Done,
    /// Not needed for this run (the stick was already in update mode, or the partition
    /// was written by an interrupted run).
    Skipped,
}

/// One row of the stage list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageRow {
    /// The stage.
    pub stage: Stage,
    /// Its status.
    pub status: StageStatus,
}

/// Everything the progress screen shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobView {
    /// The planned stages with their status.
    pub stages: Vec<StageRow>,
    /// The latest byte counts.
    pub progress: Option<Progress>,
    /// When the first byte of the job was acknowledged (ms, page clock), and how many
    /// bytes had been written before it (a resumed partition's earlier part).
    started: Option<(f64, u64)>,
    /// Bytes per second over the writing so far.
    pub rate: Option<f64>,
}

impl JobView {
    /// Folds one event in; `now_ms` is the page's clock when it arrived.
    pub fn apply(&mut self, event: &Event, now_ms: f64) {
        match event {
            Event::Plan(plan) => self.plan(plan),
            Event::Stage(stage) => self.enter(stage),
            Event::Progress(p) => {
                let (t0, b0) = *self.started.get_or_insert((now_ms, p.total_written));
                let seconds = (now_ms - t0) / 1000.0;
                if seconds > 0.5 {
                    self.rate = Some((p.total_written - b0) as f64 / seconds);
                }
                self.progress = Some(*p);
            }
            Event::Log(..)
            | Event::AtLine(..)
            | Event::Unsolicited(_)
            | Event::Journal(_)
            | Event::SettingsSaved(_)
            | Event::SettingsRestored(_) => {}
        }
    }

    fn plan(&mut self, plan: &Plan) {
        self.stages = plan
            .stages()
            .into_iter()
            .map(|stage| {
                let written =
                    matches!(&stage, Stage::WritePartition { index, .. } if plan.partitions[*index].already_written);
                StageRow { stage, status: if written { StageStatus::Skipped } else { StageStatus::Pending } }
            })
            .collect();
    }

    /// Marks `stage` active and every earlier one done (or skipped, if never entered).
    fn enter(&mut self, stage: &Stage) {
        let Some(at) = self.stages.iter().position(|r| r.stage == *stage) else { return };
        for row in &mut self.stages[..at] {
            row.status = match row.status {
                StageStatus::Active | StageStatus::Done => StageStatus::Done,
                StageStatus::Pending | StageStatus::Skipped => StageStatus::Skipped,
            };
        }
        self.stages[at].status = if *stage == Stage::Done { StageStatus::Done } else { StageStatus::Active };
    }

    /// The stage under way.
    pub fn current(&self) -> Option<&Stage> {
        self.stages.iter().find(|r| r.status == StageStatus::Active).map(|r| &r.stage)
    }

    /// Overall progress in percent (bytes written of bytes to write).
    pub fn percent(&self) -> f64 {
        match self.progress {
            Some(p) if p.total > 0 => 100.0 * p.total_written as f64 / p.total as f64,
            _ => 0.0,
        }
    }

    /// Overall progress for screen readers: whole tens of percent, so a live region
    /// speaks at most ten times per update instead of at every block.
    pub fn announced_percent(&self) -> u8 {
        (self.percent() / 10.0).floor() as u8 * 10
    }

    /// Progress of the partition being written, in percent.
    pub fn partition_percent(&self) -> f64 {
        match self.progress {
            Some(p) if p.size > 0 => 100.0 * p.written as f64 / p.size as f64,
            _ => 0.0,
        }
    }

    /// Seconds left for the writing at the current rate.
    pub fn seconds_left(&self) -> Option<f64> {
        let p = self.progress?;
        let rate = self.rate.filter(|r| *r > 0.0)?;
        Some((p.total - p.total_written) as f64 / rate)
    }

    /// `1.2 MB/s · about 3 min left`, or empty before there is anything to say.
    pub fn speed_text(&self) -> String {
        let Some(rate) = self.rate else { return String::new() };
        let speed = format!("{} MB/s", one_decimal(rate / 1e6));
        match self.seconds_left() {
            Some(s) if s >= 90.0 => format!("{speed} · about {} min left", (s / 60.0).round() as u64),
            Some(s) if s >= 1.0 => format!("{speed} · about {} s left", s.round() as u64),
            _ => speed,
        }
    }
}

/// `x` (not negative: a size, a rate, a percentage) with one decimal, `12.3`. Integer
/// arithmetic: Rust's float formatting would cost the page about 11 KB of wasm (README "Budgets").
pub fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `12.3 MB`, `456 KB`, `789 bytes`.
pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000 => format!("{} MB", one_decimal(n as f64 / 1e6)),
        n if n >= 1_000 => format!("{} KB", n / 1_000),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_rounds_to_the_nearest_tenth() {
        assert_eq!(one_decimal(12.34), "12.3");
        assert_eq!(one_decimal(0.96), "1.0");
        assert_eq!(one_decimal(99.95), "100.0");
        assert_eq!(one_decimal(0.0), "0.0");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
    }
    use modemflash_core::device::catalogue::Mode;
    use modemflash_core::flasher::PlannedPartition;

    fn plan(written_before: &[bool]) -> Plan {
        let partitions = written_before
            .iter()
            .enumerate()
            .map(|(index, &already_written)| PlannedPartition {
                index,
                code: 0x10000 * (index as u32 + 1),
                name: format!("P{index}"),
                size: 1000,
                already_written,
            })
            .collect();
        Plan { partitions, bytes_to_write: 1000, expected_version: None, announce: None }
    }

    fn progress(total_written: u64) -> Event {
        Event::Progress(Progress { partition: 0, written: total_written, size: 2000, total_written, total: 2000 })
    }

    #[test]
    fn stages_advance_and_skip_what_a_run_does_not_need() {
        let mut v = JobView::default();
        v.apply(&Event::Plan(plan(&[true, false])), 0.0);
        assert_eq!(v.stages.len(), 12);
        assert_eq!(v.stages[5].status, StageStatus::Skipped, "written by the interrupted run");
        // Starts in download mode: the first stage entered is the handshake.
        v.apply(&Event::Stage(Stage::Handshake), 0.0);
        assert_eq!(v.stages[0].status, StageStatus::Skipped);
        assert_eq!(v.current(), Some(&Stage::Handshake));
        v.apply(&Event::Stage(Stage::WritePartition { index: 1, of: 2, name: "P1".into() }), 0.0);
        assert_eq!(v.stages[4].status, StageStatus::Done);
        v.apply(&Event::Stage(Stage::Reconnect { mode: Mode::Normal }), 0.0);
        assert_eq!(v.stages[6].status, StageStatus::Done);
        assert_eq!(v.stages[7].status, StageStatus::Skipped, "the reboot stage was not reported");
        v.apply(&Event::Stage(Stage::Done), 0.0);
        assert!(v.stages.iter().all(|r| r.status != StageStatus::Active && r.status != StageStatus::Pending));
    }

    #[test]
    fn throughput_and_time_left_come_from_acknowledged_bytes() {
        let mut v = JobView::default();
        v.apply(&progress(0), 1000.0);
        assert_eq!(v.speed_text(), "");
        v.apply(&progress(1000), 3000.0);
        assert_eq!(v.rate, Some(500.0));
        assert_eq!(v.seconds_left(), Some(2.0));
        assert_eq!(v.percent(), 50.0);
        assert_eq!(v.announced_percent(), 50);
        assert_eq!(v.speed_text(), "0.0 MB/s · about 2 s left");
    }

    #[test]
    fn screen_readers_hear_progress_in_tens() {
        let mut v = JobView::default();
        assert_eq!(v.announced_percent(), 0);
        v.apply(&progress(399), 0.0);
        assert_eq!(v.announced_percent(), 10, "19.95 % is announced as 10 %");
        v.apply(&progress(2000), 0.0);
        assert_eq!(v.announced_percent(), 100);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(64 * 1024 * 1024), "67.1 MB");
        assert_eq!(human_bytes(4096), "4 KB");
        assert_eq!(human_bytes(12), "12 bytes");
    }
}
