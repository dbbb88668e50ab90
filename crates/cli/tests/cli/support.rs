//! Running the built binary with a deadline on every wait, so a failing test never hangs.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Generous: the debug binary on a busy two-core machine.
pub const STARTUP: Duration = Duration::from_secs(10);

/// What a finished command left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `modemflash args…` to completion, killing it after `timeout`.
pub fn run(args: &[&str], timeout: Duration) -> Finished {
    run_with_env(args, &[], timeout)
}

/// [`run`] with extra environment variables (`XDG_STATE_HOME` for the journal).
pub fn run_with_env(args: &[&str], env: &[(&str, &Path)], timeout: Duration) -> Finished {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modemflash"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = read_all(child.stdout.take().expect("piped"));
    let stderr = read_all(child.stderr.take().expect("piped"));
    let status = wait_until(&mut child, timeout).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("`modemflash {}` did not finish within {timeout:?}", args.join(" "))
    });
    let collect = |rx: Receiver<String>| rx.recv_timeout(STARTUP).expect("the pipe closes once the process exits");
    Finished { status, stdout: collect(stdout), stderr: collect(stderr) }
}

/// A long-running `modemflash` (a sim), read line by line; killed when dropped.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Receiver<String>,
}

impl Running {
    /// Starts `modemflash args…` with its stdio piped.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_modemflash"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take();
        let stderr = read_all(child.stderr.take().expect("piped"));
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, stdin, lines, stderr }
    }

    /// The next stdout line, or `None` if none came within `timeout`.
    pub fn line_within(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// The next stdout line; after `timeout`, stops the process and panics with its stderr.
    pub fn line(&mut self, timeout: Duration) -> String {
        if let Some(line) = self.line_within(timeout) {
            return line;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let stderr = self.stderr.recv_timeout(timeout).unwrap_or_default();
        panic!("no output line within {timeout:?}; stderr:\n{stderr}")
    }

    /// Writes one line to stdin.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        writeln!(stdin, "{line}").and_then(|()| stdin.flush()).expect("the process reads stdin");
    }

    /// Closes stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends `signal`.
    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).expect("the process exists");
    }

    /// Stops the process with SIGTERM and returns everything it wrote on stderr.
    pub fn stop(&mut self, timeout: Duration) -> String {
        self.signal(Signal::SIGTERM);
        self.exit_status(timeout);
        self.stderr.recv_timeout(timeout).expect("stderr closes once the process exits")
    }

    /// Waits for the process to exit; panics after `timeout`.
    pub fn exit_status(&mut self, timeout: Duration) -> ExitStatus {
        wait_until(&mut self.child, timeout).unwrap_or_else(|| panic!("the process did not exit within {timeout:?}"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh path in the temp directory for this test (nothing is created there).
pub fn temp_path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("modemflash-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// A fresh directory in the temp directory, removed with everything in it on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `modemflash-test-<pid>-<name>/`, emptied first if an earlier run left it.
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("modemflash-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        TempDir { path }
    }

    /// `name` inside the directory (nothing is created).
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Writes `bytes` to `name` inside the directory and returns its path as text.
    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.join(name);
        std::fs::write(&path, bytes).expect("the temp dir is writable");
        path.to_str().expect("temp paths are UTF-8").to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A path as an argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

fn read_all(mut pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        let _ = tx.send(text);
    });
    rx
}

fn wait_until(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
