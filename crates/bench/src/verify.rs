//! `modemflash-bench verify`: how fast `balong::inspect` verifies a large image natively,
//! streamed from a file and from memory, where its time goes, and the memory it needs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::executor::block_on;
use modemflash_core::framing::hdlc::X25;
use modemflash_core::image::balong::inspect;
use modemflash_core::image::InspectOptions;
use modemflash_core::image::{ByteSource, Inspection, Sha256Digest};
use serde::Serialize;

use crate::image::synthetic_update;
use crate::rss::PeakRss;
use crate::table::Table;
use crate::units::{binary_size, duration, grouped, mb_per_s};
use modemflash_core::image::file::FileSource;

/// Bytes per CRC table entry in the synthetic images (and in every Balong file seen).
const CRC_BLOCK: usize = 4096;

/// What to verify and how often.
pub struct Options {
    /// Size of the synthetic image.
    pub size: u64,
    /// Verify this file instead of a synthetic image.
    pub file: Option<PathBuf>,
    /// Keep the synthetic image at this path (the browser benchmark reads it).
    pub write: Option<PathBuf>,
    /// Runs per measurement; the table shows the median and the best.
    pub repeat: usize,
}

/// Everything `verify` measured.
#[derive(Debug, Serialize)]
pub struct VerifyReport {
    /// The file verified.
    pub file: String,
    /// Its size.
    pub bytes: u64,
    /// Partitions found.
    pub partitions: usize,
    /// Whether every check passed.
    pub passed: bool,
    /// Seconds spent building the synthetic image, when one was built.
    pub build_seconds: Option<f64>,
    /// Runs per measurement.
    pub repeat: usize,
    /// One row per measurement.
    pub measurements: Vec<Measurement>,
}

/// One timed operation over the whole file.
#[derive(Debug, Serialize)]
pub struct Measurement {
    /// Stable id for machines.
    pub id: &'static str,
    /// What was timed, for people.
    pub what: &'static str,
    /// Bytes processed per run.
    pub bytes: u64,
    /// Median seconds per run.
    pub seconds: f64,
    /// Fastest run.
    pub best_seconds: f64,
    /// `bytes` / median, in MB/s (10^6 bytes).
    pub mb_per_s: f64,
    /// Peak resident memory of the process during the runs.
    pub peak_rss_bytes: Option<u64>,
}

/// Runs the verification benchmark.
pub fn run(options: &Options) -> Result<VerifyReport, String> {
    let mut build_seconds = None;
    let mut temporary = None;
    let path = match (&options.file, &options.write) {
        (Some(file), _) => file.clone(),
        (None, write) => {
            let started = Instant::now();
            let image = synthetic_update(options.size);
            build_seconds = Some(started.elapsed().as_secs_f64());
            let path = write.clone().unwrap_or_else(|| {
                let path = std::env::temp_dir().join(format!("modemflash-bench-{}.bin", std::process::id()));
                temporary = Some(path.clone());
                path
            });
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &image).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            path
        }
    };
    let result = measure(&path, options.repeat.max(1), build_seconds);
    if let Some(path) = temporary {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn measure(path: &Path, repeat: usize, build_seconds: Option<f64>) -> Result<VerifyReport, String> {
    let open = || FileSource::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()));
    let bytes = open()?.len();
    let mut rss = PeakRss::default();
    let mut measurements = Vec::new();

    // From the file first, while nothing big is held in memory.
    let mut inspection = None;
    measurements.push(timed("inspect-file", "inspect, streamed from the file", bytes, repeat, &mut rss, || {
        let mut src = open()?;
        inspection = Some(block_on(inspect(&mut src, &InspectOptions::default())).map_err(|e| e.to_string())?);
        Ok(())
    })?);
    let inspection: Inspection = inspection.expect("at least one run");

    let file = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    measurements.push(timed("inspect-memory", "inspect, from memory", bytes, repeat, &mut rss, || {
        block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).map_err(|e| e.to_string())?;
        Ok(())
    })?);
    let sha = "of which the SHA-256 pass (Sha256Digest::of)";
    measurements.push(timed("sha256-memory", sha, bytes, repeat, &mut rss, || {
        block_on(Sha256Digest::of(&mut file.as_slice())).map_err(|e| e.to_string())?;
        Ok(())
    })?);
    let table1 = "of which block CRCs: CRC-16/X-25 per 4 KiB, crc Table<1> (core's)";
    measurements.push(timed("crc-table1-memory", table1, bytes, repeat, &mut rss, || {
        std::hint::black_box(file.chunks(CRC_BLOCK).fold(0u16, |acc, block| acc ^ X25.checksum(block)));
        Ok(())
    })?);
    let sliced = crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_SDLC);
    let table16 = "block CRCs with crc Table<16> (slice-by-16), for comparison";
    measurements.push(timed("crc-table16-memory", table16, bytes, repeat, &mut rss, || {
        std::hint::black_box(file.chunks(CRC_BLOCK).fold(0u16, |acc, block| acc ^ sliced.checksum(block)));
        Ok(())
    })?);

    Ok(VerifyReport {
        file: path.display().to_string(),
        bytes,
        partitions: inspection.image.partitions.len(),
        passed: inspection.report.passed(),
        build_seconds,
        repeat,
        measurements,
    })
}

/// Runs `f` `repeat` times and summarises the runs.
fn timed(
    id: &'static str,
    what: &'static str,
    bytes: u64,
    repeat: usize,
    rss: &mut PeakRss,
    mut f: impl FnMut() -> Result<(), String>,
) -> Result<Measurement, String> {
    rss.reset();
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let started = Instant::now();
        f()?;
        times.push(started.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    Ok(Measurement {
        id,
        what,
        bytes,
        seconds: median.as_secs_f64(),
        best_seconds: times[0].as_secs_f64(),
        mb_per_s: mb_per_s(bytes, median),
        peak_rss_bytes: rss.peak(),
    })
}

impl VerifyReport {
    /// The table and what its numbers mean.
    pub fn render(&self) -> String {
        let mut out = format!(
            "Verification of {} ({} bytes, {} partitions, report: {})\n",
            self.file,
            grouped(self.bytes),
            self.partitions,
            if self.passed { "passed" } else { "FAILED" }
        );
        if let Some(secs) = self.build_seconds {
            out.push_str(&format!(
                "Synthetic E3372h update (a packed stick update plus stored bulk partitions), built in {}.\n",
                duration(Duration::from_secs_f64(secs))
            ));
        }
        out.push('\n');
        let mut table = Table::new(&["what", "bytes", "median", "best", "MB/s", "peak RSS"]);
        for m in &self.measurements {
            table.row(vec![
                if m.id.starts_with("inspect") { m.what.to_string() } else { format!("  {}", m.what) },
                grouped(m.bytes),
                duration(Duration::from_secs_f64(m.seconds)),
                duration(Duration::from_secs_f64(m.best_seconds)),
                format!("{:.1}", m.mb_per_s),
                m.peak_rss_bytes.map_or("?".into(), binary_size),
            ]);
        }
        out.push_str(&table.to_string());
        out.push_str(&format!(
            "\nMB/s: 10^6 bytes per second of median time over {} runs. `inspect` reads the file twice: one\n\
             SHA-256 pass, then the chain walk with every block's CRC-16 (packed partitions are also unpacked).\n\
             The file rows read 1 MiB chunks through the page cache (a freshly written file: no disk time).\n\
             Peak RSS: the process's resident high-water mark during each row (reset per row where the kernel\n\
             allows); the memory rows include the file held in memory.\n",
            self.repeat
        ));
        out
    }
}
