//! `modemflash manifest keygen|sign|verify`: what a vendor needs to publish a signed
//! firmware manifest (docs/manifest.md, "Signing"). The page only verifies.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use modemflash_core::manifest::signature::{self, PublicKey, SecretKey};
use modemflash_core::manifest::Manifest;

use crate::output;

/// Relative file addresses are checked against this stand-in for the manifest's URL.
const CHECK_BASE: &str = "https://manifest.invalid/manifest.json";

/// Make a signing key, sign a manifest, or verify one.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  modemflash manifest keygen --secret vendor.key
  modemflash manifest sign --secret vendor.key manifest.json
  modemflash manifest verify --public-key 1xZ…= manifest.json

See docs/manifest.md for the format.")]
pub struct ManifestArgs {
    #[command(subcommand)]
    command: ManifestCommand,
}

#[derive(Debug, Subcommand)]
enum ManifestCommand {
    /// Write a new Ed25519 secret key to a file and print its public key (base64) on stdout.
    Keygen {
        /// Where to write the secret key (refused if the file exists).
        #[arg(long, value_name = "FILE")]
        secret: PathBuf,
    },
    /// Check a manifest and write its signature beside it (MANIFEST.sig).
    Sign {
        /// The secret key file written by `keygen`.
        #[arg(long, value_name = "FILE")]
        secret: PathBuf,
        /// The manifest, exactly as it will be published.
        manifest: PathBuf,
    },
    /// Check a manifest and its signature (MANIFEST.sig) against a public key.
    Verify {
        /// The vendor's public key (base64), as the embedding page pins it.
        #[arg(long, value_name = "BASE64")]
        public_key: String,
        /// The manifest.
        manifest: PathBuf,
    },
}

/// Runs `manifest`.
pub fn run(args: &ManifestArgs) -> ExitCode {
    match &args.command {
        ManifestCommand::Keygen { secret } => keygen(secret),
        ManifestCommand::Sign { secret, manifest } => sign(secret, manifest),
        ManifestCommand::Verify { public_key, manifest } => verify(public_key, manifest),
    }
}

fn keygen(path: &Path) -> ExitCode {
    if path.exists() {
        return output::usage_error(
            format!("{} exists already", path.display()),
            Some("Choose another file name: keygen never overwrites a key."),
        );
    }
    let mut seed = [0u8; 32];
    if let Err(e) = fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut seed)) {
        return output::failure(format!("could not read random bytes: {e}"), None);
    }
    let key = SecretKey::from_seed(seed);
    if let Err(e) = write_private(path, &format!("{}\n", key.to_base64())) {
        return output::usage_error(format!("could not write {}: {e}", path.display()), None);
    }
    eprintln!("Wrote the secret key to {}; keep it secret. The public key, for public-key=\"…\":", path.display());
    println!("{}", key.public_key().to_base64());
    ExitCode::SUCCESS
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?.write_all(text.as_bytes())
}

fn sign(secret: &Path, path: &Path) -> ExitCode {
    let key = match fs::read_to_string(secret)
        .map_err(|e| e.to_string())
        .and_then(|text| SecretKey::from_base64(&text).map_err(|e| e.to_string()))
    {
        Ok(key) => key,
        Err(e) => return output::usage_error(format!("{}: {e}", secret.display()), None),
    };
    let bytes = match read_manifest(path) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let sig_path = signature_path(path);
    if let Err(e) = fs::write(&sig_path, format!("{}\n", key.sign(&bytes))) {
        return output::usage_error(format!("could not write {}: {e}", sig_path.display()), None);
    }
    println!("Signed {} into {}.", path.display(), sig_path.display());
    ExitCode::SUCCESS
}

fn verify(public_key: &str, path: &Path) -> ExitCode {
    let key = match PublicKey::from_base64(public_key) {
        Ok(key) => key,
        Err(e) => return output::usage_error(e, Some("Copy the whole key keygen printed (44 characters).")),
    };
    let bytes = match read_manifest(path) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let sig_path = signature_path(path);
    let signature_file = fs::read_to_string(&sig_path).ok();
    match signature::check(Some(&key), &bytes, signature_file.as_deref(), &sig_path.display().to_string()) {
        Ok(_) => {
            println!("The signature of {} matches the public key.", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            output::failure(e, Some("Sign the manifest again with the matching secret key, then publish both files."))
        }
    }
}

/// Reads and checks the manifest; a manifest that would be refused is not signed or passed.
fn read_manifest(path: &Path) -> Result<Vec<u8>, ExitCode> {
    let bytes = fs::read(path).map_err(|e| output::usage_error(format!("{}: {e}", path.display()), None))?;
    match Manifest::parse(&bytes, CHECK_BASE) {
        Ok(manifest) => {
            println!("{}: {} model(s), {} build(s).", manifest.product, manifest.models.len(), manifest.builds.len());
            Ok(bytes)
        }
        Err(e) => Err(output::failure(e, Some("Fix the field named above; docs/manifest.md describes each."))),
    }
}

/// `manifest.json` → `manifest.json.sig`.
fn signature_path(manifest: &Path) -> PathBuf {
    let mut name = manifest.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}
