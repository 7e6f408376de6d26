//! The HTML report in a real browser: Debian's headless Chromium renders the sample report to a
//! screenshot and dumps the DOM after its script ran, and the tests read what a person would see.
//!
//! Chromium is required, not optional: `scripts/install-browser.sh` installs it, and a missing
//! browser fails these tests with that hint rather than skipping them. `OVERSHARE_CHROMIUM`
//! names another binary.
//!
//! Every run gets a fresh profile directory, no network features, and a bounded time; the
//! screenshot and the page are also copied to `target/tmp/html-report/` for a human to look at.

mod common;
mod html_support;

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use overshare_report::{Report, to_html};

/// How long one Chromium run may take before it is killed and the test fails.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

fn chromium() -> OsString {
    std::env::var_os("OVERSHARE_CHROMIUM").unwrap_or_else(|| "chromium".into())
}

/// Run headless Chromium on `url` with `extra` arguments; returns its stdout. Panics (with the
/// install hint) when there is no Chromium, and kills it after [`CHROMIUM_TIMEOUT`].
fn run_chromium(profile: &Path, url: &str, extra: &[String]) -> String {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(url)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!(
            "Chromium is needed for the HTML report browser test but `{}` was not found: \
             run scripts/install-browser.sh (or set OVERSHARE_CHROMIUM)",
            chromium().to_string_lossy()
        ),
        Err(err) => panic!("could not start Chromium: {err}"),
    };
    // Drain both pipes on threads so that a chatty Chromium cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + CHROMIUM_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for Chromium") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium did not finish within {CHROMIUM_TIMEOUT:?} (killed); stderr:\n{}",
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out
        .join()
        .expect("stdout reader")
        .expect("Chromium's stdout");
    let stderr = err.join().unwrap_or_default();
    assert!(
        status.success(),
        "Chromium failed ({status}); stderr:\n{stderr}"
    );
    stdout
}

/// A rendered report on disk, with a fresh Chromium profile beside it.
struct Page {
    dir: tempfile::TempDir,
    html: PathBuf,
}

impl Page {
    fn new(report: &Report) -> Page {
        Page::from_html(&to_html(report, &html_support::sample_rules()))
    }

    fn from_html(content: &str) -> Page {
        let dir = tempfile::tempdir().expect("temp dir");
        let html = dir.path().join("report.html");
        std::fs::write(&html, content).unwrap();
        Page { dir, html }
    }

    fn url(&self, query: &str) -> String {
        format!("file://{}{query}", self.html.display())
    }

    /// A profile directory no other run has used.
    fn profile(&self, name: &str) -> PathBuf {
        let profile = self.dir.path().join(format!("profile-{name}"));
        std::fs::create_dir_all(&profile).unwrap();
        profile
    }

    fn dump_dom(&self, name: &str, query: &str, extra: &[&str]) -> String {
        let mut args = vec!["--dump-dom".to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        run_chromium(&self.profile(name), &self.url(query), &args)
    }
}

/// Elements that separate their text from the text around them (roughly, block elements).
const BLOCKS: &[&str] = &[
    "p", "div", "li", "ul", "ol", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd",
    "dl", "section", "article", "header", "footer", "nav", "main", "pre", "br", "label", "option",
    "legend", "fieldset", "button", "caption", "table", "form", "title",
];

/// The visible-ish text of an HTML document, like `innerText`: tags dropped (block elements
/// separate words, inline ones don't), entities decoded, whitespace folded.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if let Some(end) = skip_until {
            match rest.find(end) {
                Some(i) => {
                    rest = &rest[i + end.len()..];
                    skip_until = None;
                    continue;
                }
                None => break,
            }
        }
        if !in_tag && c == '<' {
            for (open, close) in [("<script", "</script>"), ("<style", "</style>")] {
                if rest.starts_with(open) {
                    skip_until = Some(close);
                }
            }
            in_tag = true;
            let name: String = rest[1..]
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if BLOCKS.contains(&name.as_str()) {
                text.push(' ');
            }
        } else if in_tag && c == '>' {
            in_tag = false;
        } else if !in_tag {
            text.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The opening tags of the elements whose opening tag contains `marker`.
fn opening_tags<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let start = html[..=i].rfind('<')?;
            let end = i + html[i..].find('>')?;
            Some(&html[start..=end])
        })
        .collect()
}

fn png_dimensions(png: &[u8]) -> (u32, u32) {
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

#[test]
fn screenshot_of_the_sample_report() {
    let page = Page::new(&common::sample_report());
    let shot = page.dir.path().join("shot.png");
    run_chromium(
        &page.profile("shot"),
        &page.url(""),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("Chromium wrote no screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!(png_dimensions(&png), (1280, 2000));
    // A blank 1280x2000 page compresses to a few KB; a rendered report is far larger.
    assert!(
        png.len() > 40_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );

    // Keep a copy where a person can look at it (target/tmp/html-report/).
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&shot, keep.join("sample.png")).unwrap();
    std::fs::copy(&page.html, keep.join("sample.html")).unwrap();
}

#[test]
fn rendered_page_shows_the_summary_and_the_findings() {
    let report = common::sample_report();
    let page = Page::new(&report);
    let dom = page.dump_dom("dom", "", &[]);

    // The script ran (so the CSP hash matches it) and revealed the filters and copy buttons.
    let html_tag = opening_tags(&dom, "<html")[0];
    assert!(
        html_tag.contains("class=\"js\""),
        "script did not run: {html_tag}"
    );
    let form = opening_tags(&dom, "id=\"filters\"")[0];
    assert!(!form.contains("hidden"), "filters still hidden: {form}");
    let copy_buttons = opening_tags(&dom, "class=\"copy\"");
    assert!(!copy_buttons.is_empty());
    assert!(
        copy_buttons.iter().all(|b| !b.contains("hidden")),
        "{copy_buttons:?}"
    );

    let text = text_of(&dom);
    let s = &report.summary;
    assert!(
        text.contains(&format!("{} grade", s.grade)),
        "grade missing: {text}"
    );
    assert!(
        text.contains(&format!("{}/100", s.score)),
        "score missing: {text}"
    );
    assert!(
        text.contains("1 Critical 1 High 2 Medium 1 Low 1 Info"),
        "{text}"
    );
    assert!(text.contains("Showing all 6 findings."), "{text}");
    // A finding: its operation, severity, rule and evidence.
    assert!(
        text.contains("GET /api/profiles/{id}/ getProfile"),
        "{text}"
    );
    assert!(
        text.contains("Critical OVS201 cross-identity-read"),
        "{text}"
    );
    assert!(text.contains("al…[redacted]"), "{text}");
    assert!(
        text.contains("curl --cert partner-b.crt --key partner-b.key"),
        "{text}"
    );
    // The header: target, identities (the failed one with its reason), interrupted or not.
    assert!(text.contains("https://api.example.test:8443"), "{text}");
    assert!(
        text.contains("legacy none failed TLS handshake failed"),
        "{text}"
    );
    assert!(!text.contains("Interrupted:"));
}

#[test]
fn filter_from_the_url_hides_the_other_findings() {
    let page = Page::new(&common::sample_report());
    let dom = page.dump_dom("filter", "?severity=critical,high&q=partner-b", &[]);
    let findings = opening_tags(&dom, "class=\"finding ");
    assert_eq!(findings.len(), 6, "{findings:?}");
    let visible: Vec<&&str> = findings.iter().filter(|t| !t.contains("hidden")).collect();
    // Critical and high findings seen by partner-b: the cross-identity read and the password.
    assert_eq!(visible.len(), 2, "{visible:?}");
    assert!(
        visible
            .iter()
            .all(|t| t.contains("sev-critical") || t.contains("sev-high"))
    );
    // Operations left without a visible finding are hidden too.
    let orders = opening_tags(&dom, "id=\"op-get-api-orders-id\"")[0];
    assert!(orders.contains("hidden"), "{orders}");
    let text = text_of(&dom);
    assert!(text.contains("Showing 2 of 6 findings."), "{text}");
}

#[test]
fn without_javascript_everything_is_visible() {
    // Headless Chromium needs scripting for --dump-dom and --screenshot, so "JavaScript off"
    // is the page without its script: what a browser with scripts disabled gets to run.
    let html = to_html(&common::sample_report(), &html_support::sample_rules());
    let start = html.find("<script>").unwrap();
    let end = html.find("</script>").unwrap() + "</script>".len();
    let page = Page::from_html(&format!("{}{}", &html[..start], &html[end..]));
    let dom = page.dump_dom("nojs", "", &[]);
    assert!(!opening_tags(&dom, "<html")[0].contains("class=\"js\""));
    let findings = opening_tags(&dom, "class=\"finding ");
    assert_eq!(findings.len(), 6);
    assert!(
        findings.iter().all(|t| !t.contains("hidden")),
        "{findings:?}"
    );
    // Controls that would do nothing without the script stay out of the way.
    assert!(opening_tags(&dom, "id=\"filters\"")[0].contains("hidden"));
    let copy_buttons = opening_tags(&dom, "class=\"copy\"");
    assert!(
        copy_buttons.iter().all(|b| b.contains("hidden")),
        "{copy_buttons:?}"
    );
    let text = text_of(&dom);
    assert!(text.contains("OVS101 undeclared-property"), "{text}");
    assert!(text.contains("curl --cert partner-a.crt"), "{text}");
}

#[test]
fn hostile_values_stay_text_in_the_browser() {
    let mut report = common::sample_report();
    let payload = "<script>document.documentElement.setAttribute('data-pwned','1')</script>\
                   <img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">";
    report.findings[0].message = payload.to_string();
    report.target = format!("https://evil.test/\"><b>{payload}");
    let page = Page::new(&report);
    let dom = page.dump_dom("hostile", "", &[]);
    assert!(!dom.contains("data-pwned=\""), "payload ran");
    assert!(!dom.contains("<img"), "payload became markup");
    assert!(text_of(&dom).contains(payload), "payload not shown as text");
}
