//! `modemflash-bench`: the numbers behind modemflash's speed targets.
//!
//! - `verify`: verification throughput (MB/s) of a large Balong image natively, streamed
//!   from a file and from memory, where the time goes, and the peak resident memory;
//!   `--write` keeps the image for the browser benchmark (tests/bench/verify-in-browser.mjs).
//! - `flash`: a whole update job against the virtual E3372h over modelled USB links, in
//!   virtual time, against the time the payload alone needs on each link.
//! - `faults`: the fault matrix (modemflash_sim::matrix): seeded random fault plans
//!   against whole jobs of every family; prints the tallies, fails on a violation.
//! - `qualcomm`: one image written to the virtual ZTE MF626's streaming programmer in each
//!   write mode (stop-and-wait framed, windowed, unframed), against the payload-only time.
//!
//! Speed targets are checked by reading these numbers, never by timed assertions in tests.

mod flash;
mod image;
mod qualcomm;
mod rss;
mod table;
mod units;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use flash::NamedLink;

#[derive(Parser)]
#[command(name = "modemflash-bench", version, about = "Benchmarks modemflash: image verification and flashing")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verification throughput of a large Balong image (native), and peak memory.
    Verify(VerifyArgs),
    /// A whole flash job against the virtual E3372h over modelled USB links, in virtual time.
    Flash(FlashArgs),
    /// Qualcomm streaming download to the virtual ZTE MF626: stop-and-wait framed,
    /// windowed and unframed writes of one image, each against the payload-only time.
    Qualcomm(FlashArgs),
    /// Seeded random fault plans against whole update jobs of every family: tallies of
    /// exact flashes, resumes, clear stops and violations (exit status 1 on a violation).
    Faults(FaultsArgs),
}

#[derive(Args)]
struct FaultsArgs {
    /// How many runs.
    #[arg(long, default_value_t = 1000)]
    runs: u64,
    /// The seed: the same seed gives the same runs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args)]
struct VerifyArgs {
    /// Size of the synthetic image (e.g. 256MiB, 1GB).
    #[arg(long, default_value = "256MiB", value_parser = units::parse_size)]
    size: u64,
    /// Verify this firmware file instead of a synthetic image.
    #[arg(long, conflicts_with_all = ["size", "write"])]
    file: Option<PathBuf>,
    /// Keep the synthetic image at this path (the browser benchmark reads it).
    #[arg(long)]
    write: Option<PathBuf>,
    /// Runs per measurement (the table shows the median and the best).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct FlashArgs {
    /// Bytes the update flashes (e.g. 64MiB).
    #[arg(long, default_value = "64MiB", value_parser = units::parse_size)]
    size: u64,
    /// Extra link bandwidths to model, bytes per second each way (e.g. 1MB/s, 12Mbit/s).
    #[arg(long = "bandwidth", value_name = "RATE", num_args = 1.., value_parser = units::parse_rate)]
    bandwidths: Vec<u64>,
    /// Extra link turnaround latencies, one way (e.g. 1ms, 125us). Every --bandwidth is
    /// paired with every --latency; a missing one stands for 1MB/s or 1ms.
    #[arg(long = "latency", value_name = "DURATION", num_args = 1.., value_parser = units::parse_duration)]
    latencies: Vec<Duration>,
    /// Measure only the --bandwidth/--latency links, not the USB full- and high-speed models.
    #[arg(long)]
    custom_only: bool,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("modemflash-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    if cfg!(debug_assertions) && !matches!(cli.command, Command::Faults(_)) {
        eprintln!("modemflash-bench: this is a debug build; its timings mean little (cargo build --release -p modemflash-bench)");
    }
    match cli.command {
        Command::Verify(args) => {
            check_size(args.size)?;
            let options =
                verify::Options { size: args.size, file: args.file, write: args.write, repeat: args.repeat as usize };
            let report = verify::run(&options)?;
            print(args.json, &report, || report.render())
        }
        Command::Flash(args) => {
            let links = links(&args)?;
            let runs = flash::run(args.size, &links)?;
            print(args.json, &runs, || flash::render(&runs))
        }
        Command::Qualcomm(args) => {
            let links = links(&args)?;
            let runs = qualcomm::run(args.size, &links)?;
            print(args.json, &runs, || qualcomm::render(&runs))
        }
        Command::Faults(args) => {
            let tallies = modemflash_sim::matrix::run(args.runs, args.seed, modemflash_sim::matrix::FAMILIES)?;
            print!("{tallies}");
            if tallies.violations.is_empty() {
                Ok(())
            } else {
                Err(format!("{} run(s) reported success with a wrong flash or panicked", tallies.violations.len()))
            }
        }
    }
}

/// The links `args` asks for, after checking its size.
fn links(args: &FlashArgs) -> Result<Vec<NamedLink>, String> {
    check_size(args.size)?;
    let mut links = if args.custom_only { Vec::new() } else { NamedLink::standard() };
    links.extend(NamedLink::custom(&args.bandwidths, &args.latencies));
    if links.is_empty() {
        return Err("--custom-only needs at least one --bandwidth or --latency".into());
    }
    Ok(links)
}

fn check_size(size: u64) -> Result<(), String> {
    if size == 0 || size > image::MAX_SIZE {
        return Err(format!("--size must be between 1 byte and {}", units::binary_size(image::MAX_SIZE)));
    }
    Ok(())
}

fn print<T: serde::Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) -> Result<(), String> {
    if json {
        println!("{}", serde_json::to_string_pretty(value).map_err(|e| e.to_string())?);
    } else {
        print!("{}", text());
    }
    Ok(())
}
