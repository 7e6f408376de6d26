#![doc = include_str!("../../docs/OVS607.md")]

use super::{Ctx, Report};
use crate::project::{ModelId, last_segment};
use crate::source::{FileId, Loc};
use crate::syntax::{
    Call, Expr, FunctionDef, Span, Stmt, all_functions, scope_statements, walk_scope_exprs,
};
use overshare_finding::{Category, Finding, RuleMeta, Severity};
use rayon::prelude::*;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    id: "OVS607",
    name: "values-without-fields",
    category: Category::Source,
    default_severity: Severity::High,
    cwe: &["CWE-213"],
    owasp: &["API3:2023"],
    summary: "Whole model rows serialized without a field list (`.values()`, `model_to_dict`, `serialize`)",
    doc: include_str!("../../docs/OVS607.md"),
};

/// Queryset methods: a receiver that went through one is a queryset.
const QUERYSET_METHODS: &[&str] = &[
    "all",
    "filter",
    "exclude",
    "order_by",
    "select_related",
    "prefetch_related",
    "annotate",
    "distinct",
    "get_queryset",
    "only",
    "defer",
    "using",
    "none",
];

/// One whole-row dump.
struct Dump {
    span: Span,
    what: &'static str,
    model: Option<ModelId>,
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    // Every file on every core: the one rule that looks into every function body.
    let found: Vec<Finding> = ctx
        .project
        .files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(file, source)| {
            let mut local = Vec::new();
            // Cheap pre-filters, file then function: no such call in the text, nothing to walk.
            if mentions_a_dump(source.text.as_str()) {
                for f in all_functions(&source.ast.body) {
                    if mentions_a_dump(source.slice(f.span)) {
                        check_function(ctx, file, f, &mut local);
                    }
                }
            }
            local
        })
        .collect();
    out.extend(found);
}

/// Whether the text names one of the calls this rule reads (on every file, then on most
/// functions: these words are everywhere in DRF code).
fn mentions_a_dump(text: &str) -> bool {
    static WORDS: std::sync::LazyLock<crate::words::Words> = std::sync::LazyLock::new(|| {
        crate::words::Words::new(&["values", "model_to_dict", "serialize"])
    });
    WORDS.is_match(text)
}

fn check_function(ctx: &Ctx<'_>, file: FileId, f: &FunctionDef, out: &mut Vec<Finding>) {
    let locals = queryset_locals(ctx, file, f);
    let mut dumps = Vec::new();
    walk_scope_exprs(&f.body, &mut |e| {
        if let Some(call) = e.as_call()
            && let Some(dump) = dump(ctx, file, call, &locals)
        {
            dumps.push(dump);
        }
        true
    });
    if dumps.is_empty() {
        return;
    }
    let returned = returned_spans(f, &dumps);
    for d in dumps {
        let reaches = returned.contains(&d.span);
        report(ctx, file, f, d, reaches, out);
    }
}

/// Local names bound to a queryset (`users = User.objects.filter(...)`), with the model.
fn queryset_locals(
    ctx: &Ctx<'_>,
    file: FileId,
    f: &FunctionDef,
) -> HashMap<String, Option<ModelId>> {
    let mut locals = HashMap::new();
    for stmt in scope_statements(&f.body) {
        if let Stmt::Assign { targets, value, .. } = stmt
            && let Some(model) = queryset_model(ctx, file, value, &locals)
        {
            for t in targets.iter().filter_map(Expr::as_name) {
                locals.insert(t.to_string(), model);
            }
        }
    }
    locals
}

/// `Some(model)` when the expression is a queryset (model unknown: `Some(None)`).
fn queryset_model(
    ctx: &Ctx<'_>,
    file: FileId,
    e: &Expr,
    locals: &HashMap<String, Option<ModelId>>,
) -> Option<Option<ModelId>> {
    match e {
        Expr::Name { id, .. } => locals.get(id.as_str()).copied(),
        Expr::Attr { value, attr, .. } if attr == "objects" || attr == "_default_manager" => {
            Some(ctx.project.model_of_expr(file, value))
        }
        Expr::Attr { value, attr, .. } if attr == "queryset" => {
            Some(queryset_model(ctx, file, value, locals).flatten())
        }
        Expr::Call(call) => {
            let (receiver, method) = call.method()?;
            let inner = queryset_model(ctx, file, receiver, locals);
            match inner {
                Some(model) if QUERYSET_METHODS.contains(&method) => Some(model),
                None if method == "get_queryset" => Some(None),
                _ => None,
            }
        }
        _ => None,
    }
}

fn dump(
    ctx: &Ctx<'_>,
    file: FileId,
    call: &Call,
    locals: &HashMap<String, Option<ModelId>>,
) -> Option<Dump> {
    if let Some((receiver, method)) = call.method() {
        match method {
            // `dict.values()` exists, so `.values()` needs a queryset receiver; `values_list`
            // is Django's alone. `.values(total=Sum(…))` names its columns as keywords.
            "values" if call.args.is_empty() && call.keywords.is_empty() => {
                let model = queryset_model(ctx, file, receiver, locals)?;
                return Some(Dump {
                    span: call.span,
                    what: "`.values()`",
                    model,
                });
            }
            "values_list" if call.args.is_empty() => {
                let model = queryset_model(ctx, file, receiver, locals).flatten();
                return Some(Dump {
                    span: call.span,
                    what: "`.values_list()`",
                    model,
                });
            }
            _ => {}
        }
    }
    let qual = ctx.project.qual_or_written(file, &call.func)?;
    let what = match qual.as_str() {
        q if last_segment(q) == "model_to_dict" && call.keyword("fields").is_none() => {
            "`model_to_dict()`"
        }
        "django.core.serializers.serialize" if call.keyword("fields").is_none() => {
            "`django.core.serializers.serialize()`"
        }
        _ => return None,
    };
    let model = call
        .args
        .iter()
        .find_map(|a| queryset_model(ctx, file, a, locals).flatten());
    Some(Dump {
        span: call.span,
        what,
        model,
    })
}

/// The dumps that reach a response: inside `Response(...)`/`JsonResponse(...)`/`return`, or
/// through a local name that does.
fn returned_spans(f: &FunctionDef, dumps: &[Dump]) -> Vec<Span> {
    let mut carriers: Vec<(String, Span)> = Vec::new();
    for stmt in scope_statements(&f.body) {
        if let Stmt::Assign { targets, value, .. } = stmt {
            for d in dumps.iter().filter(|d| contains(value, d.span)) {
                for t in targets.iter().filter_map(Expr::as_name) {
                    carriers.push((t.to_string(), d.span));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut mark = |e: &Expr| {
        for d in dumps.iter().filter(|d| contains(e, d.span)) {
            out.push(d.span);
        }
        for (name, span) in &carriers {
            if e.any(&mut |x| x.as_name() == Some(name)) {
                out.push(*span);
            }
        }
    };
    for stmt in scope_statements(&f.body) {
        match stmt {
            Stmt::Return { value: Some(v), .. } => mark(v),
            other => {
                for e in other.exprs() {
                    e.walk(&mut |x| {
                        if let Some(call) = x.as_call()
                            && let Some(name) = call.func.dotted()
                            && matches!(
                                last_segment(&name),
                                "Response"
                                    | "JsonResponse"
                                    | "HttpResponse"
                                    | "StreamingHttpResponse"
                            )
                        {
                            mark(x);
                            return false;
                        }
                        true
                    });
                }
            }
        }
    }
    out
}

fn contains(e: &Expr, span: Span) -> bool {
    let s = e.span();
    s.start <= span.start && span.end <= s.end
}

fn report(
    ctx: &Ctx<'_>,
    file: FileId,
    f: &FunctionDef,
    d: Dump,
    reaches: bool,
    out: &mut Vec<Finding>,
) {
    let project = ctx.project;
    let (model_name, sensitive) = match d.model {
        Some(m) => {
            let names: Vec<String> = project.models[m]
                .fields
                .iter()
                .filter(|field| {
                    ctx.classifier
                        .classify_name(&[field.name.as_str()])
                        .is_some_and(|r| r.class != overshare_classify::Class::InternalReference)
                })
                .map(|field| format!("`{}`", field.name))
                .collect();
            (format!("`{}`", project.models[m].name), names)
        }
        None => ("the model".to_string(), Vec::new()),
    };
    let including = if sensitive.is_empty() {
        String::new()
    } else {
        format!(", {} included", sensitive.join(", "))
    };
    let into = if reaches {
        " and it goes straight into the response"
    } else {
        ""
    };
    let severity = if reaches && (d.model.is_none() || !sensitive.is_empty()) {
        Severity::High
    } else {
        Severity::Medium
    };
    let snippet = project.files[file].slice(d.span).to_string();
    out.push(ctx.finding(
        &META,
        Report {
            subject: f.name.to_string(),
            key: snippet,
            title: format!("{} of {model_name} without a field list", d.what),
            message: format!(
                "{} in `{}` returns every column of {model_name}{including}{into}.",
                d.what, f.name
            ),
            remediation: "Name the columns (`.values(\"id\", \"username\")`, \
                          `model_to_dict(obj, fields=[...])`, `serialize(\"json\", qs, fields=[...])`), \
                          or better, render through a serializer with explicit `fields`."
                .into(),
            severity: Some(severity),
            confidence: None,
            locations: vec![project.location(Loc { file, span: d.span }, "view")],
        },
    ));
}
