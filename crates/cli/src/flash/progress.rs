//! The job's progress on stderr: on a terminal a stage line with a spinner and, while
//! partitions are written, a bytes bar with throughput and time left (indicatif); in a
//! log or a pipe one plain line per stage and per tenth of the bytes written.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use modemflash_core::event::{Event, Level, Observer};
use modemflash_core::flasher::{Progress, Stage};

use crate::output::{grouped, traffic_line};

/// How often the spinner turns, even while the job waits for the modem.
const TICK: Duration = Duration::from_millis(100);

/// Draws a job's events; it only renders, never decides.
pub struct ProgressDisplay {
    drawing: Drawing,
    /// Print the AT traffic too (`-v`).
    verbose: bool,
    /// The stage the job is in.
    stage: Option<Stage>,
}

enum Drawing {
    Bars { multi: MultiProgress, stage: ProgressBar, bytes: Option<ProgressBar> },
    Plain { tenths: u64, writing_since: Option<Instant> },
}

impl ProgressDisplay {
    /// Bars when stderr is a terminal, plain lines otherwise.
    pub fn new(verbose: bool) -> Self {
        let drawing = if io::stderr().is_terminal() {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let stage = multi.add(ProgressBar::new_spinner().with_style(spinner_style()));
            stage.enable_steady_tick(TICK);
            Drawing::Bars { multi, stage, bytes: None }
        } else {
            Drawing::Plain { tenths: 0, writing_since: None }
        };
        ProgressDisplay { drawing, verbose, stage: None }
    }

    /// Prints a line without disturbing the bars.
    pub fn println(&self, line: &str) {
        match &self.drawing {
            Drawing::Bars { multi, .. } => {
                if multi.println(line).is_err() {
                    eprintln!("{line}");
                }
            }
            Drawing::Plain { .. } => eprintln!("{line}"),
        }
    }

    /// Removes the bars and marks the last stage as done or as where the job stopped.
    pub fn finish(&mut self, succeeded: bool) {
        if let Drawing::Bars { stage, bytes, .. } = &mut self.drawing {
            if let Some(bytes) = bytes.take() {
                bytes.finish_and_clear();
            }
            stage.finish_and_clear();
            if let Some(last) = self.stage.take() {
                let mark = if succeeded { '✓' } else { '✗' };
                eprintln!("{mark} {}", last.title());
            }
        }
    }

    fn enter(&mut self, next: &Stage) {
        let writing = matches!(next, Stage::WritePartition { .. });
        match &mut self.drawing {
            Drawing::Bars { multi, stage, bytes } => {
                if let Some(done) = &self.stage {
                    let _ = multi.println(format!("✓ {}", done.title()));
                }
                if !writing {
                    if let Some(bytes) = bytes.take() {
                        bytes.finish_and_clear();
                    }
                }
                stage.set_message(next.title());
            }
            Drawing::Plain { writing_since, .. } => {
                if writing && writing_since.is_none() {
                    *writing_since = Some(Instant::now());
                }
                eprintln!("» {}", next.title());
            }
        }
        self.stage = Some(next.clone());
    }

    fn progress(&mut self, p: &Progress) {
        match &mut self.drawing {
            Drawing::Bars { multi, bytes, .. } => {
                let bar = bytes.get_or_insert_with(|| multi.add(ProgressBar::new(p.total).with_style(bytes_style())));
                bar.set_length(p.total);
                bar.set_position(p.total_written);
            }
            Drawing::Plain { tenths, writing_since } => {
                let now = p.total_written.saturating_mul(10).checked_div(p.total).unwrap_or(10);
                if now <= *tenths {
                    return;
                }
                *tenths = now;
                let elapsed = writing_since.map_or(Duration::ZERO, |t| t.elapsed()).as_secs_f64();
                let rate = if elapsed > 0.0 { p.total_written as f64 / elapsed } else { 0.0 };
                eprintln!(
                    "  {}% written ({} of {} bytes, {:.0} KiB/s)",
                    now * 10,
                    grouped(p.total_written),
                    grouped(p.total),
                    rate / 1024.0
                );
            }
        }
    }
}

impl Observer for ProgressDisplay {
    fn on_event(&mut self, event: &Event) {
        match event {
            Event::Stage(stage) => self.enter(stage),
            Event::Progress(p) => self.progress(p),
            Event::Log(Level::Info, message) => self.println(&format!("  {message}")),
            Event::Log(Level::Warn, message) => self.println(&format!("  warning: {message}")),
            // The command prints the failure itself, with its next step.
            // The settings are logged item by item, and the command saves and prints them.
            Event::Log(Level::Error, _)
            | Event::Plan(_)
            | Event::Journal(_)
            | Event::SettingsSaved(_)
            | Event::SettingsRestored(_) => {}
            Event::Log(Level::Trace, _) | Event::AtLine(..) | Event::Unsolicited(_) => {
                if let Some(line) = traffic_line(event).filter(|_| self.verbose) {
                    self.println(&format!("  {line}"));
                }
            }
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner:.green} {msg} {elapsed:.dim}").expect("the template is valid")
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template("  [{bar:32.cyan/blue}] {bytes}/{total_bytes}  {binary_bytes_per_sec}  ETA {eta}")
        .expect("the template is valid")
        .progress_chars("=> ")
}
