//! The library surface: error recovery, errors that name the path, the rule catalogue.

use overshare_audit::{AuditOptions, RULES, audit};
use std::fs;

#[test]
fn a_file_with_a_syntax_error_is_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    fs::create_dir(&app).unwrap();
    fs::write(app.join("__init__.py"), "").unwrap();
    fs::write(
        app.join("models.py"),
        "from django.db import models\n\nclass Card(models.Model):\n    number = models.CharField(max_length=19)\n    api_key = models.CharField(max_length=40)\n",
    )
    .unwrap();
    fs::write(
        app.join("serializers.py"),
        "from rest_framework import serializers\nfrom .models import Card\n\ndef broken(:\n    pass\n\n\nclass CardSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = Card\n        fields = \"__all__\"\n",
    )
    .unwrap();
    let result = audit(&[dir.path().to_path_buf()], &AuditOptions::default()).unwrap();
    assert_eq!(result.files_scanned, 3);
    let problem = result
        .parse_errors
        .first()
        .expect("the syntax error is reported");
    assert!(problem.file.ends_with("app/serializers.py"), "{problem:?}");
    assert_eq!(problem.line, 4);
    assert!(!problem.message.is_empty());
    let finding = result
        .findings
        .iter()
        .find(|f| f.rule == "OVS601")
        .expect("the serializer after the error is audited");
    assert_eq!(finding.source[0].line, 11);
    assert!(finding.message.contains("`api_key`"), "{}", finding.message);
}

/// A file that is not valid UTF-8 (a Latin-1 comment) is read with the bad bytes replaced, and
/// audited like any other.
#[test]
fn a_file_that_is_not_utf8_is_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut source =
        b"# Caf\xe9 app\nfrom rest_framework import serializers\nfrom models import Card\n"
            .to_vec();
    source.extend_from_slice(
        b"class CardSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = Card\n        fields = '__all__'\n",
    );
    fs::write(dir.path().join("serializers.py"), source).unwrap();
    fs::write(
        dir.path().join("models.py"),
        "from django.db import models\n\nclass Card(models.Model):\n    api_key = models.CharField(max_length=40)\n",
    )
    .unwrap();
    let result = audit(&[dir.path().to_path_buf()], &AuditOptions::default()).unwrap();
    assert_eq!(result.files_scanned, 2);
    assert!(result.parse_errors.is_empty(), "{:?}", result.parse_errors);
    let finding = result
        .findings
        .iter()
        .find(|f| f.rule == "OVS601")
        .expect("the serializer is audited");
    assert_eq!(finding.source[0].line, 7);
}

#[test]
fn a_missing_path_is_an_error_that_names_it() {
    let err = audit(&["/no/such/overshare/dir".into()], &AuditOptions::default()).unwrap_err();
    assert!(err.to_string().contains("/no/such/overshare/dir"), "{err}");
}

#[test]
fn migrations_and_virtualenvs_are_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["app/migrations", "venv/lib", "tools/env2"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    fs::write(dir.path().join("tools/env2/pyvenv.cfg"), "home = /usr\n").unwrap();
    for file in [
        "app/views.py",
        "app/migrations/0001_initial.py",
        "venv/lib/x.py",
        "tools/env2/y.py",
    ] {
        fs::write(dir.path().join(file), "x = 1\n").unwrap();
    }
    let root = vec![dir.path().to_path_buf()];
    let default = audit(&root, &AuditOptions::default()).unwrap();
    assert_eq!(default.files_scanned, 1);
    let all = AuditOptions {
        include_migrations: true,
        include_virtualenvs: true,
        ..AuditOptions::default()
    };
    assert_eq!(audit(&root, &all).unwrap().files_scanned, 4);
    // A virtualenv given as the root is audited: it was asked for.
    let venv = vec![dir.path().join("tools/env2")];
    assert_eq!(
        audit(&venv, &AuditOptions::default())
            .unwrap()
            .files_scanned,
        1
    );
}

/// Gettext catalog directories hold translations, never code: the walk does not open them,
/// and a locale's Python files beside them (Django's `formats.py`) are still audited.
#[test]
fn gettext_catalog_directories_are_not_walked() {
    let dir = tempfile::tempdir().unwrap();
    let locale = dir.path().join("app/locale/fr");
    fs::create_dir_all(locale.join("LC_MESSAGES")).unwrap();
    fs::write(locale.join("formats.py"), "DATE_FORMAT = 'j F Y'\n").unwrap();
    fs::write(locale.join("LC_MESSAGES/django.po"), "msgid \"\"\n").unwrap();
    fs::write(locale.join("LC_MESSAGES/stray.py"), "x = 1\n").unwrap();
    let result = audit(&[dir.path().to_path_buf()], &AuditOptions::default()).unwrap();
    assert_eq!(result.files_scanned, 1);
    assert!(
        result.project.files[0]
            .path
            .ends_with("locale/fr/formats.py"),
        "{}",
        result.project.files[0].path
    );
}

#[test]
fn rules_are_in_id_order_with_documented_sections() {
    assert_eq!(RULES.len(), 16);
    for (i, rule) in RULES.iter().enumerate() {
        assert_eq!(rule.id, format!("OVS6{:02}", i + 1));
        let first = rule.doc.lines().next().unwrap();
        assert!(
            first.ends_with(&format!("(`{}`, {}).", rule.name, rule.id)),
            "{first}"
        );
        let mut at = 0;
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Use instead",
        ] {
            let found = rule.doc[at..]
                .find(section)
                .unwrap_or_else(|| panic!("{}: {section}", rule.id));
            at += found;
        }
        assert_eq!(rule.category, overshare_finding::Category::Source);
    }
}
