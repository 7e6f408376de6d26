//! Test support: start the demo API on a random loopback port with its PKI on disk, and run
//! the real `overshare` binary against it, as a user would.

#![allow(dead_code)]

use overshare_demo::{DemoPaths, DemoPki, DemoServer};
use std::path::Path;
use std::process::Output;
use tempfile::TempDir;

pub struct Demo {
    pub server: DemoServer,
    pub dir: TempDir,
    pub paths: DemoPaths,
}

impl Demo {
    pub async fn start() -> Demo {
        let server = DemoServer::start().await.expect("demo server starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = server.pki().write_to(dir.path()).expect("PKI written");
        Demo { server, dir, paths }
    }

    /// `--spec --url --ca` and one `--identity` per demo identity.
    pub fn scan_args(&self) -> Vec<String> {
        let mut args = vec![
            "scan".to_string(),
            "--spec".into(),
            self.paths.spec.display().to_string(),
            "--url".into(),
            self.server.base_url(),
            "--ca".into(),
            self.paths.ca.display().to_string(),
            "--quiet".into(),
        ];
        for (name, cert, key) in &self.paths.identities {
            args.push("--identity".into());
            args.push(format!("{name}={},{}", cert.display(), key.display()));
        }
        args
    }

    /// Args without any identity (to add others).
    pub fn base_args(&self) -> Vec<String> {
        self.scan_args().into_iter().take(8).collect()
    }

    /// Write a certificate and key that the server never issued: same subject as `partner-a`,
    /// from a throwaway CA of its own.
    pub fn rogue_identity(&self) -> (String, String) {
        let rogue = DemoPki::generate().expect("rogue PKI");
        let dir = self.dir.path().join("rogue");
        let paths = rogue.write_to(&dir).expect("rogue PKI written");
        let (_, cert, key) = &paths.identities[0];
        (cert.display().to_string(), key.display().to_string())
    }
}

/// Run the `overshare` binary with `args` (off the async runtime: it blocks).
pub async fn overshare(args: Vec<String>) -> Output {
    overshare_env(args, Vec::new()).await
}

pub async fn overshare_env(args: Vec<String>, env: Vec<(String, String)>) -> Output {
    overshare_in(None, args, env).await
}

/// Run the binary in working directory `dir` (None: the test's own), with extra `env`.
pub async fn overshare_in(
    dir: Option<&Path>,
    args: Vec<String>,
    env: Vec<(String, String)>,
) -> Output {
    let dir = dir.map(Path::to_path_buf);
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_overshare"));
        command.args(&args).env_remove("RUST_LOG");
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().expect("overshare runs")
    })
    .await
    .expect("join")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
