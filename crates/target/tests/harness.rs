//! The harness itself: it starts everything, stops everything (also on panic and on a failed
//! start), and fails loudly, with the target's log, when something is missing or broken.

use overshare_target::{DjangoTarget, IDENTITIES, Listener, Options, TargetError};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// Pids of the live (non-zombie) processes in a process group.
fn group_members(group: u32) -> Vec<u32> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() != Some(&"Z") && fields.get(2) == Some(&group.to_string().as_str()) {
            members.push(pid);
        }
    }
    members
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
    })
}

/// nginx's own 400 for plain HTTP on a TLS port.
fn plain_http_status(url: &str) -> String {
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn starts_everything_and_drop_stops_every_process() {
    let mut target = DjangoTarget::start().unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(target.strict_url(), target.lax_url());
    for listener in [Listener::Strict, Listener::Lax] {
        assert_eq!(
            plain_http_status(&target.url(listener)),
            "HTTP/1.1 400 Bad Request"
        );
    }
    for name in IDENTITIES {
        let (cert, key) = target.identity(name);
        assert!(cert.is_file() && key.is_file(), "{name}");
        assert!(target.identity_arg(name).starts_with(&format!("{name}=")));
    }
    assert!(target.ca_pem().is_file());
    assert!(target.design_first_spec().is_file());
    assert!(target.code_first_spec().is_file());

    let log = target.log();
    for expected in [
        "seeded 3 tenants",
        "Booting worker",
        "unable to guess serializer",
        "start worker process",
    ] {
        assert!(log.contains(expected), "log lacks {expected:?}:\n{log}");
    }
    let count = "from django.contrib.auth.models import User; print(User.objects.count())";
    let users = target
        .manage(&["shell", "--no-imports", "-c", count])
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&users.stdout).trim(),
        "11",
        "{users:?}"
    );

    // gunicorn and nginx masters, each with at least one worker in its group.
    let groups = target.pids();
    assert_eq!(groups.len(), 2, "{groups:?}");
    for &group in &groups {
        assert!(
            group_members(group).len() >= 2,
            "master and worker in group {group}"
        );
    }
    let dir = target.dir().to_path_buf();
    drop(target);
    for group in groups {
        assert_eq!(
            group_members(group),
            Vec::<u32>::new(),
            "group {group} is gone"
        );
    }
    assert!(!dir.exists(), "the temp dir is removed");
}

#[test]
fn a_panicking_test_still_stops_the_target() {
    let groups = std::panic::catch_unwind(|| {
        let mut target = DjangoTarget::start().unwrap_or_else(|e| panic!("{e}"));
        let groups = target.pids();
        std::panic::panic_any(groups);
    })
    .expect_err("the closure panics");
    let groups = groups.downcast::<Vec<u32>>().expect("the pids");
    assert_eq!(groups.len(), 2);
    for group in *groups {
        assert_eq!(
            group_members(group),
            Vec::<u32>::new(),
            "group {group} is gone"
        );
    }
}

#[test]
fn a_missing_venv_says_to_run_the_test_script() {
    let options = Options {
        venv: "/nonexistent/venv".into(),
        ..Options::default()
    };
    let err = DjangoTarget::start_with(options).expect_err("no venv");
    assert!(matches!(err, TargetError::NotInstalled { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("/nonexistent/venv/bin/python"), "{text}");
    assert!(text.contains("./scripts/test.sh"), "{text}");

    let options = Options {
        nginx: None,
        ..Options::default()
    };
    let text = DjangoTarget::start_with(options)
        .expect_err("no nginx")
        .to_string();
    assert!(
        text.contains("nginx was not found") && text.contains("./scripts/test.sh"),
        "{text}"
    );
}

#[test]
fn a_venv_from_other_requirements_says_to_run_the_test_script() {
    let scratch = tempfile::tempdir().unwrap();
    let defaults = Options::default();
    // A copy of the project whose requirements.txt differs from what the venv was built from.
    let app_dir = scratch.path().join("app");
    std::fs::create_dir(&app_dir).unwrap();
    for file in ["nginx.conf.in", "requirements.txt"] {
        std::fs::copy(defaults.app_dir.join(file), app_dir.join(file)).unwrap();
    }
    let mut pins = std::fs::OpenOptions::new()
        .append(true)
        .open(app_dir.join("requirements.txt"))
        .unwrap();
    writeln!(pins, "# changed").unwrap();
    let options = Options {
        app_dir,
        ..defaults
    };
    let text = DjangoTarget::start_with(options)
        .expect_err("stale venv")
        .to_string();
    assert!(text.contains("was not built from the current"), "{text}");
    assert!(text.contains("./scripts/test.sh"), "{text}");
}

fn fake_nginx(dir: &Path, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("nginx");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_process_that_exits_early_fails_the_start_with_the_targets_log() {
    let scratch = tempfile::tempdir().unwrap();
    let nginx = fake_nginx(
        scratch.path(),
        "echo 'nginx: [emerg] fake nginx cannot start' >&2; exit 1",
    );
    let options = Options {
        nginx: Some(nginx),
        ..Options::default()
    };
    let text = DjangoTarget::start_with(options)
        .expect_err("nginx fails")
        .to_string();
    assert!(text.contains("nginx exited early"), "{text}");
    assert!(
        text.contains("fake nginx cannot start"),
        "the log is in the error: {text}"
    );
    assert!(text.contains("==> gunicorn.log"), "{text}");
    assert!(text.contains("./scripts/test.sh"), "{text}");
}

#[test]
fn a_target_that_never_answers_times_out_and_leaves_nothing_running() {
    let scratch = tempfile::tempdir().unwrap();
    let marker = scratch.path().join("pid");
    let nginx = fake_nginx(
        scratch.path(),
        &format!("echo $$ > '{}'; exec sleep 600", marker.display()),
    );
    let options = Options {
        nginx: Some(nginx),
        timeout: Duration::from_secs(3),
        ..Options::default()
    };
    let text = DjangoTarget::start_with(options)
        .expect_err("times out")
        .to_string();
    assert!(text.contains("not ready in time"), "{text}");
    assert!(text.contains("nginx did not answer"), "{text}");
    let pid: u32 = std::fs::read_to_string(&marker)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(!alive(pid), "the hanging process {pid} was stopped");
    assert_eq!(group_members(pid), Vec::<u32>::new());
}
