//! The HTML report as a document: self-contained, escaped, navigable, complete. What it looks
//! like and what a browser makes of it is in `html_browser.rs`.

mod common;
mod html_support;

use std::collections::HashSet;

use overshare_report::{HtmlRule, Report, from_json, to_html, to_json};

fn sample_html() -> String {
    to_html(&common::sample_report(), &html_support::sample_rules())
}

/// Every value of `attr="..."` in the document.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let start = i + needle.len();
            let end = start + html[start..].find('"').expect("closed attribute");
            &html[start..end]
        })
        .collect()
}

/// The content of the first `<tag>…</tag>` element.
fn element_text<'a>(html: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = html.find(&open).expect("the element") + open.len();
    let end = start + html[start..].find(&format!("</{tag}>")).expect("closed");
    &html[start..end]
}

/// The text of the inline `<script>` (there is exactly one).
fn script_of(html: &str) -> &str {
    element_text(html, "script")
}

fn style_of(html: &str) -> &str {
    element_text(html, "style")
}

/// Every tag of the document outside the inline script and style (`<a href="#x">`, `</p>`).
/// Escaped text holds no `<`, so each `<` starts markup this crate wrote.
fn tags(html: &str) -> Vec<&str> {
    let mut rest = html;
    let mut tags = Vec::new();
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>').expect("tag closed");
        let tag = &rest[start..=end];
        tags.push(tag);
        rest = &rest[end + 1..];
        for raw in ["script", "style"] {
            if tag.starts_with(&format!("<{raw}")) {
                rest = &rest[rest.find(&format!("</{raw}>")).expect("closed")..];
            }
        }
    }
    tags
}

#[test]
fn page_is_self_contained() {
    let html = sample_html();
    let lower = html.to_ascii_lowercase();
    // Nothing is loaded by URL: no src at all, no stylesheet links, no imports or CSS urls.
    assert!(attr_values(&html, "src").is_empty(), "src attribute found");
    assert!(!lower.contains("<link"), "a <link> element");
    assert!(!lower.contains("<script src"));
    assert!(!lower.contains("@import"));
    assert!(!style_of(&lower).contains("url("), "a CSS url()");
    assert!(!lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<img"));
    // Every link stays on the page.
    for href in attr_values(&html, "href") {
        assert!(href.starts_with('#'), "link leaves the page: {href}");
    }
    assert!(!lower.contains("href=\"http") && !lower.contains("src=\"http"));
    // One inline script, one inline style, and a CSP that allows nothing else.
    assert_eq!(lower.matches("<script").count(), 1);
    assert_eq!(lower.matches("<style").count(), 1);
    let csp = attr_values(&html, "content")
        .into_iter()
        .find(|c| c.starts_with("default-src"))
        .expect("a Content-Security-Policy meta tag");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("http"),
        "{csp}"
    );
}

#[test]
fn the_csp_hash_is_the_hash_of_the_script() {
    // The browser test proves it by running the script; this checks it without one.
    use base64::Engine as _;
    use sha2::Digest as _;
    let html = sample_html();
    let digest = sha2::Sha256::digest(script_of(&html).as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    assert!(html.contains(&format!("script-src 'sha256-{hash}'")));
}

#[test]
fn hostile_values_are_escaped_everywhere() {
    let xss = "<script>alert(1)</script>";
    let attr = "\"><img src=x onerror=alert(2)>";
    let mut report = common::sample_report();
    report.target = format!("https://x.test/{attr}");
    report.spec = xss.into();
    report.findings[0].message = format!("leaks {xss}");
    report.findings[0].rule = format!("OVS{attr}");
    report.findings[0].name = xss.into();
    report.findings[0].evidence.value = Some(xss.into());
    report.findings[0].evidence.reproduce = Some(format!("curl '{xss}'"));
    report.findings[0].identities = vec![attr.into()];
    report.coverage[0].path = format!("/api/{xss}/");
    report.coverage[3].reason = Some(format!("`{xss}` {attr}"));
    report.identities[2].error = Some(xss.into());
    report.errors.push(attr.into());
    report.started_at = attr.into();
    if let Some(op) = report.findings[1].operation.as_mut() {
        op.path = format!("/p/{attr}");
        op.operation_id = Some(xss.into());
    }
    let rules = vec![HtmlRule {
        id: report.findings[0].rule.clone(),
        name: xss.into(),
        summary: attr.into(),
        doc: format!("## {xss}\n{attr}\n```{attr}\n{xss}\n```\n`{xss}`"),
    }];
    let html = to_html(&report, &rules);

    // The message renders as text...
    assert!(
        html.contains("leaks &lt;script&gt;alert(1)&lt;/script&gt;"),
        "message not escaped"
    );
    // ...and no payload survives as markup anywhere.
    assert_eq!(html.matches("<script").count(), 1, "an injected script");
    assert!(!html.contains("<img"), "an injected element");
    for tag in tags(&html) {
        // Attribute values may hold the (escaped) payload as data; the tag around them may not.
        let markup: String = tag.split('"').step_by(2).collect();
        assert!(!markup.contains("onerror"), "an injected attribute: {tag}");
        assert!(!markup.contains("alert("), "a payload inside a tag: {tag}");
    }
    // Ids and anchors built from hostile values stay in a harmless alphabet.
    for id in attr_values(&html, "id") {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "odd id: {id}"
        );
    }
}

#[test]
fn findings_can_be_filtered_by_severity_and_category() {
    let html = sample_html();
    // The form is there for the script to reveal; without it, it stays hidden.
    assert!(html.contains("<form class=\"filters\" id=\"filters\" hidden"));
    let boxes: Vec<&str> = html
        .match_indices("<input type=\"checkbox\" name=\"severity\" value=\"")
        .map(|(i, m)| &html[i + m.len()..][..html[i + m.len()..].find('"').unwrap()])
        .collect();
    assert_eq!(boxes, ["critical", "high", "medium", "low", "info"]);
    assert!(html.contains("<label for=\"filter-category\">Category</label>"));
    assert!(html.contains("<label for=\"filter-text\">Search</label>"));
    for category in ["exposure", "authz", "spec", "source"] {
        assert!(
            html.contains(&format!("<option value=\"{category}\">")),
            "no option for {category}"
        );
    }
    assert!(
        !html.contains("<option value=\"mtls\">"),
        "absent category offered"
    );
    // Every finding carries what the filters match on, and is visible by default.
    let findings: Vec<_> = html.match_indices("<article class=\"finding ").collect();
    assert_eq!(findings.len(), common::sample_report().findings.len());
    assert_eq!(attr_values(&html, "data-severity").len(), findings.len());
    assert_eq!(attr_values(&html, "data-category").len(), findings.len());
    for (i, _) in findings {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(!tag.contains("hidden"), "finding hidden without JS: {tag}");
    }
}

#[test]
fn each_rule_used_has_an_anchor_and_every_link_resolves() {
    let report = common::sample_report();
    let html = sample_html();
    let ids: Vec<&str> = attr_values(&html, "id");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for finding in &report.findings {
        let anchor = format!("rule-{}", finding.rule);
        assert!(unique.contains(anchor.as_str()), "no anchor {anchor}");
        assert!(
            html.contains(&format!("href=\"#{anchor}\"")),
            "no link to {anchor}"
        );
    }
    for href in attr_values(&html, "href") {
        assert!(unique.contains(&href[1..]), "dangling link {href}");
    }
    for reference in ["aria-labelledby", "aria-describedby", "for", "data-copy"] {
        for target in attr_values(&html, reference) {
            assert!(
                unique.contains(target),
                "{reference}={target} points nowhere"
            );
        }
    }
    // A rule that no finding uses is left out; a used rule without a doc says so.
    assert!(!html.contains("OVS999"));
    let ovs150 = &html[html.find("id=\"rule-OVS150\"").unwrap()..];
    let ovs150 = &ovs150[..ovs150.find("</article>").unwrap()];
    assert!(ovs150.contains("No documentation was supplied"), "{ovs150}");
}

#[test]
fn rule_docs_are_rendered_from_markdown() {
    let html = sample_html();
    let doc = &html[html.find("id=\"rule-OVS101\"").unwrap()..];
    let doc = &doc[..doc.find("</article>").unwrap()];
    assert!(doc.contains("<h4>What it finds</h4>"), "{doc}");
    assert!(doc.contains("<pre><code class=\"language-python\">class ProfileSerializer"));
    assert!(doc.contains("fields = &quot;__all__&quot;"));
    assert!(doc.contains("<code>additionalProperties</code>"));
    // Where the rule fired, linked back to the operations.
    assert!(doc.contains("2 findings:"), "{doc}");
    assert!(doc.contains("<a href=\"#op-get-api-profiles\">GET /api/profiles/</a>"));
}

#[test]
fn one_section_per_operation_with_its_findings() {
    let html = sample_html();
    let sections: Vec<&str> = html
        .match_indices("<section class=\"operation\" id=\"")
        .map(|(i, m)| &html[i + m.len()..][..html[i + m.len()..].find('"').unwrap()])
        .collect();
    // Worst operation first; static findings in their own section.
    assert_eq!(
        sections,
        [
            "op-get-api-profiles-id",
            "op-get-api-profiles",
            "op-none",
            "op-get-api-orders-id"
        ]
    );
    let detail = &html[html.find("id=\"op-get-api-profiles-id\"").unwrap()..];
    let detail = &detail[..detail.find("</section>").unwrap()];
    assert!(detail.contains("<code class=\"path\">/api/profiles/{id}/</code>"));
    assert!(detail.contains("<span class=\"opid\">getProfile</span>"));
    assert_eq!(detail.matches("<article class=\"finding ").count(), 2);
    // Badge, rule id + name linked to its doc, message, pointer, identity, evidence, command.
    assert!(detail.contains("<span class=\"badge sev-critical\">Critical</span>"));
    assert!(detail.contains(
        "<a href=\"#rule-OVS201\" class=\"rule\"><span class=\"rule-id\">OVS201</span> \
         cross-identity-read</a>"
    ));
    assert!(detail.contains("the object carries no owner check"));
    assert!(detail.contains("<code>/email</code>"));
    assert!(detail.contains("<span class=\"identity\">partner-b</span>"));
    assert!(detail.contains("<code class=\"evidence\">al…[redacted]</code>"));
    assert!(detail.contains(
        "<pre id=\"f2-cmd\"><code>curl --cert partner-b.crt --key partner-b.key --cacert ca.pem \
         &#39;https://api.example.test:8443/api/profiles/17/&#39;</code></pre>"
    ));
    assert!(detail.contains("data-copy=\"f2-cmd\""));
    // Backticks in messages become code; the pattern is shown with the concrete pointer.
    assert!(html.contains("The response contains <code>user.password</code>"));
    assert!(html.contains("<code>/*/user/password</code> <span class=\"muted\">e.g.</span> <code>/0/user/password</code>"));
}

#[test]
fn a_shared_reproduce_command_is_shown_once_per_operation() {
    let mut report = common::sample_report();
    let cmd = "curl --cert a.crt 'https://x.test/api/orders/1/'";
    for f in &mut report.findings {
        if f.operation
            .as_ref()
            .is_some_and(|o| o.path == "/api/orders/{id}/")
        {
            f.evidence.reproduce = Some(cmd.into());
        }
    }
    let html = to_html(&report, &[]);
    let orders = &html[html.find("id=\"op-get-api-orders-id\"").unwrap()..];
    let orders = &orders[..orders.find("</section>").unwrap()];
    assert_eq!(orders.matches("curl --cert a.crt").count(), 1, "{orders}");
    let first_finding = orders.find("<article").unwrap();
    assert!(orders.find("curl --cert a.crt").unwrap() < first_finding);
}

#[test]
fn header_summary_coverage_and_errors() {
    let report = common::sample_report();
    let html = sample_html();
    let s = &report.summary;
    assert!(html.contains(&format!(
        "<span class=\"grade-letter\" aria-hidden=\"true\">{}</span>",
        s.grade
    )));
    assert!(html.contains(&format!("class=\"grade grade-{}\"", s.grade.to_lowercase())));
    assert!(html.contains(&format!("<span class=\"score-value\">{}</span>", s.score)));
    assert!(html.contains(
        "<h1><span class=\"visually-hidden\">Report for </span>https://api.example.test:8443</h1>"
    ));
    assert!(html.contains("<dd>openapi.yaml</dd>"));
    assert!(
        html.contains("<time datetime=\"2026-11-29T10:00:00Z\">2026-11-29 10:00:00 UTC</time>")
    );
    // The failed identity and why.
    assert!(html.contains("<span class=\"status status-failed\">failed</span>"));
    assert!(html.contains("TLS handshake failed: the server rejected the certificate (expired)"));
    // Coverage: tested and skipped, with reasons (backticks rendered).
    assert_eq!(html.matches("<tr class=\"tested\">").count(), 3);
    assert_eq!(html.matches("<tr class=\"skipped\">").count(), 3);
    assert!(html.contains("no example value for path parameter <code>format</code>"));
    assert!(html.contains("<li>GET /api/orders/{id}/ as partner-b: timed out after 10s</li>"));
    // Headings go h1 → h2 → h3 → h4 without skipping a level.
    let mut last = 1;
    for (i, _) in html.match_indices("<h") {
        let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= last + 1, "h{level} after h{last}");
        last = level;
    }
    assert!(!html.contains("class=\"banner\""), "not interrupted");
}

#[test]
fn interrupted_runs_carry_a_banner() {
    let mut report = common::clean_report();
    report.interrupted = true;
    let html = to_html(&report, &[]);
    assert!(html.contains("<div class=\"banner\" role=\"alert\">"));
    assert!(html.contains("the run was cut short"));
    assert!(html.contains("No findings in the part of the API that was scanned."));
}

#[test]
fn a_clean_report_says_so_and_offers_nothing_to_filter() {
    let html = to_html(&common::clean_report(), &html_support::sample_rules());
    assert!(html.contains("<p class=\"all-clear\">No findings.</p>"));
    assert!(!html.contains("id=\"filters\""));
    assert!(!html.contains("id=\"rules\""), "no rule fired, no appendix");
    assert!(!html.contains("id=\"errors\""));
    assert!(html.contains("class=\"grade grade-a\""));
}

#[test]
fn rendering_is_deterministic_and_independent_of_finding_order() {
    let report = common::sample_report();
    let rules = html_support::sample_rules();
    let html = to_html(&report, &rules);
    assert_eq!(html, to_html(&report, &rules));
    // A report read back from JSON with its findings shuffled renders the same.
    let mut shuffled: Report = from_json(&to_json(&report)).unwrap();
    shuffled.findings.reverse();
    assert_eq!(to_html(&shuffled, &rules), html);
}

#[test]
fn checks_are_listed_with_their_status_and_escaped_detail() {
    let html = sample_html();
    let section = &html[html.find("id=\"checks\"").expect("a checks section")..];
    let section = &section[..section.find("</section>").unwrap()];
    for (title, status) in [
        (
            "Requests without a client certificate",
            "status-ok\">passed",
        ),
        (
            "Objects of one identity requested by another",
            "status-failed\">failed",
        ),
        (
            "Writes of properties the request schema does not allow",
            "status-skipped\">skipped",
        ),
    ] {
        let row = &section[section.find(title).unwrap_or_else(|| panic!("{title}"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(status), "{row}");
    }
    assert!(
        section.contains("--active &lt;&amp; &quot;quoted&quot;&gt;"),
        "{section}"
    );
    let clean = to_html(&common::clean_report(), &html_support::sample_rules());
    assert!(!clean.contains("id=\"checks\""), "no checks, no section");
}
