//! Child processes in process groups of their own, stopped for sure: SIGTERM to the whole
//! group, then SIGKILL after a bound. gunicorn and nginx fork workers; signalling the group
//! reaches them even when their master is gone.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::TargetError;

/// How long a process group gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(5);

/// One started process (the leader of its own process group) and the file it logs to.
#[derive(Debug)]
pub(crate) struct Process {
    pub name: &'static str,
    pub log: PathBuf,
    child: Child,
    status: Option<ExitStatus>,
}

impl Process {
    /// Spawns `command` with stdin closed and stdout + stderr appended to `log`.
    pub fn spawn(
        name: &'static str,
        command: &mut Command,
        log: &Path,
    ) -> Result<Process, TargetError> {
        let context = || format!("opening {}", log.display());
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| TargetError::io(context(), e))?;
        let err = out.try_clone().map_err(|e| TargetError::io(context(), e))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| {
                TargetError::io(format!("starting {name} ({:?})", command.get_program()), e)
            })?;
        Ok(Process {
            name,
            log: log.to_path_buf(),
            child,
            status: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status once the process has ended (it is reaped then).
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Stops the whole process group: SIGTERM, then SIGKILL if it is still there after
    /// [`GRACE`]. Idempotent.
    pub fn stop(&mut self) {
        if self.exited().is_some() {
            // Ended (and reaped) earlier: its pid may belong to someone else by now.
            return;
        }
        let group = self.child.id() as libc::pid_t;
        signal_group(group, libc::SIGTERM);
        let deadline = Instant::now() + GRACE;
        while self.exited().is_none() && Instant::now() < deadline {
            sleep(Duration::from_millis(20));
        }
        if self.exited().is_none() {
            signal_group(group, libc::SIGKILL);
            self.status = self.child.wait().ok();
        }
        // Workers that outlived their master (the group lives while any member does).
        if group_alive(group) {
            signal_group(group, libc::SIGKILL);
        }
    }
}

fn signal_group(group: libc::pid_t, signal: libc::c_int) {
    // SAFETY: kill(2) with a negative pid signals that process group; no memory is involved.
    unsafe {
        libc::kill(-group, signal);
    }
}

fn group_alive(group: libc::pid_t) -> bool {
    // SAFETY: as above; signal 0 only checks that the group exists.
    unsafe { libc::kill(-group, 0) == 0 }
}

/// The effective user is root (nginx then needs `user root;` for its workers to reach the
/// run's private temp dir).
pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

/// Processes stopped in reverse start order when dropped, also when a test panics.
#[derive(Debug, Default)]
pub(crate) struct Processes(pub Vec<Process>);

impl Processes {
    pub fn stop_all(&mut self) {
        for process in self.0.iter_mut().rev() {
            process.stop();
        }
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        self.stop_all();
    }
}
