//! The audit parses only the statements a rule can read (`select`); `full_parse` parses
//! everything. Both must find the same things: on every rule fixture, on the reference target,
//! and on a project built so that what matters sits next to a lot that does not (a view's
//! mixin, an abstract model, a middleware, a `.values()` in a long module, views whose
//! actions are the methods they define) across files.

use overshare_audit::{Audit, AuditOptions, audit};
use std::fs;
use std::path::{Path, PathBuf};

fn run(paths: &[PathBuf], full_parse: bool) -> Audit {
    let options = AuditOptions {
        full_parse,
        ..AuditOptions::default()
    };
    audit(paths, &options).expect("audits")
}

/// What a finding says and where, for comparing two audits.
fn findings(audit: &Audit) -> Vec<String> {
    audit
        .findings
        .iter()
        .map(|f| {
            let at: Vec<String> = f
                .source
                .iter()
                .map(|s| {
                    format!(
                        "{}:{}:{:?}-{:?}:{:?}",
                        s.file, s.line, s.column, s.end_line, s.end_column
                    )
                })
                .collect();
            format!("{} {} | {} | {}", f.rule, f.title, f.message, at.join(" "))
        })
        .collect()
}

/// The views the index found, with their actions (`@action` routes included).
fn views(audit: &Audit) -> Vec<String> {
    let mut out: Vec<String> = audit
        .project
        .views
        .iter()
        .map(|v| {
            let actions: Vec<String> = v
                .actions
                .iter()
                .map(|a| format!("{}{:?}{:?}", a.name, a.methods, a.url_path))
                .collect();
            format!("{} {}", v.name, actions.join(","))
        })
        .collect();
    out.sort();
    out
}

fn assert_same(paths: &[PathBuf]) -> (Audit, Audit) {
    let selective = run(paths, false);
    let full = run(paths, true);
    assert_eq!(findings(&selective), findings(&full), "{paths:?}");
    assert_eq!(views(&selective), views(&full), "{paths:?}");
    assert_eq!(selective.parse_errors, full.parse_errors, "{paths:?}");
    assert_eq!(full.bytes_parsed, full.bytes_read);
    (selective, full)
}

#[test]
fn every_rule_fixture_finds_the_same_with_a_full_parse() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut rules = 0;
    for entry in fs::read_dir(&fixtures).unwrap() {
        let dir = entry.unwrap().path();
        if !dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("OVS")
        {
            continue;
        }
        rules += 1;
        for side in ["pos", "neg"] {
            assert_same(&[fixtures.join("common"), dir.join(side)]);
        }
    }
    assert_eq!(rules, 16);
}

#[test]
fn the_reference_target_finds_the_same_with_a_full_parse() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/target");
    let (selective, _) = assert_same(&[target]);
    assert!(
        selective.findings.len() >= 10,
        "{}",
        selective.findings.len()
    );
}

/// A long stretch of code no rule reads.
fn filler(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "\ndef helper_{i}(items, key=None):\n    \"\"\"Sort {{items}}.\"\"\"\n    out = [x for x in items if x]\n    if key:\n        out.sort(key=key)\n    return {{'n': len(out), 'items': out, 's': f\"{{len(out)}} items\"}}\n"
            )
        })
        .collect()
}

#[test]
fn a_project_with_its_causes_spread_over_files_finds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("shop");
    fs::create_dir_all(&app).unwrap();
    let write = |name: &str, text: String| fs::write(app.join(name), text).unwrap();
    write("__init__.py", String::new());
    write(
        "base.py",
        format!(
            "from django.db import models\n\n\nclass Stamped(models.Model):\n    created = models.DateTimeField(\n        auto_now_add=True,\n    )\n    api_token = models.CharField(\n        max_length=64,\n    )\n\n    class Meta:\n        abstract = True\n{}",
            filler(40)
        ),
    );
    write(
        "models.py",
        "from django.conf import settings\nfrom django.db import models\nfrom .base import Stamped\n\n\nclass Order(Stamped):\n    owner = models.ForeignKey(\n        settings.AUTH_USER_MODEL,\n        on_delete=models.CASCADE,\n        related_name=\"orders\",\n    )\n    total = models.IntegerField()\n".to_string(),
    );
    write(
        "mixins.py",
        format!(
            "class OwnedOnly:\n    def get_queryset(self):\n        return self.queryset.filter(owner=self.request.user)\n{}",
            filler(40)
        ),
    );
    write(
        "serializers.py",
        "from rest_framework import serializers\nfrom .models import Order\n\n\nclass OrderSerializer(serializers.ModelSerializer):\n    class Meta:\n        model = Order\n        fields = \"__all__\"\n".to_string(),
    );
    write(
        "views.py",
        format!(
            "from django.http import JsonResponse\nfrom rest_framework import viewsets\nfrom rest_framework.decorators import action\nfrom rest_framework.response import Response\nfrom .mixins import OwnedOnly\nfrom .models import Order\nfrom .serializers import OrderSerializer\n\n\nclass OrderViewSet(OwnedOnly, viewsets.ModelViewSet):\n    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n\n    @action(\n        detail=True,\n        methods=[\"post\"],\n    )\n    def cancel(self, request, pk=None):\n        order = self.get_object()\n        order.total = 0\n        return Response(status=204)\n\n\nclass OpenOrders(viewsets.ReadOnlyModelViewSet):\n    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n{}\n\ndef export(request):\n    rows = Order.objects.filter(total__gt=0)\n    return JsonResponse(list(rows.values( )), safe=False)\n{}",
            filler(60),
            filler(20)
        ),
    );
    write(
        "middleware.py",
        format!(
            "from django.contrib.auth import get_user_model\n{}\n\nclass CertificateMiddleware:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n    def __call__(self, request):\n        cn = request.META.get(\"HTTP_X_SSL_CLIENT_S_DN_CN\")\n        request.verified = request.META.get(\"HTTP_X_SSL_CLIENT_VERIFY\")\n        request.user = get_user_model()(username=cn)\n        return self.get_response(request)\n",
            filler(30)
        ),
    );
    write(
        "uploads.py",
        format!(
            "from rest_framework import viewsets\nfrom rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\nclass Upload(APIView):\n    \"\"\"Takes a file.\"\"\"\n\n    def post(self, request):\n        return Response(status=201)\n\n    def _store(self, data):\n        return data\n\n\nclass Drafts(viewsets.ViewSet):\n    def create(self, request):\n        return Response(status=201)\n\n    def destroy(self, request, pk=None):\n        return Response(status=204)\n\n    def helper(self):\n        return 1\n{}",
            filler(20)
        ),
    );
    let (selective, full) = assert_same(&[app]);
    assert!(
        views(&selective)
            .iter()
            .any(|v| v.contains("cancel[\"post\"]")),
        "{:?}",
        views(&selective)
    );
    // Methods read only by their existence (an `APIView`'s handlers, a viewset's standard
    // actions) are stubs, and still make actions; the others were cut.
    let found = views(&selective);
    for view in ["Upload post[\"post\"]", "Drafts create[\"post\"]"] {
        assert!(
            found.iter().any(|v| v.starts_with(view)),
            "{view} in {found:?}"
        );
    }
    assert!(
        found.iter().any(|v| v.contains("destroy[\"delete\"]")),
        "{found:?}"
    );
    let rules: std::collections::BTreeSet<&str> =
        selective.findings.iter().map(|f| f.rule.as_str()).collect();
    for rule in ["OVS601", "OVS607", "OVS608", "OVS611"] {
        assert!(rules.contains(rule), "{rule} in {rules:?}");
    }
    // The mixin scopes `OrderViewSet`: only `OpenOrders` is unscoped.
    let unscoped: Vec<&str> = selective
        .findings
        .iter()
        .filter(|f| f.rule == "OVS608")
        .map(|f| f.title.as_str())
        .collect();
    assert!(
        unscoped.iter().all(|t| !t.contains("OrderViewSet")),
        "{unscoped:?}"
    );
    // The filler was not parsed.
    assert!(
        selective.bytes_parsed * 2 < full.bytes_parsed,
        "{} of {}",
        selective.bytes_parsed,
        full.bytes_parsed
    );
}
