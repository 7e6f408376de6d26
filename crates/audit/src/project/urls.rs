//! URL configuration: `urlpatterns` (`path`, `re_path`, `include` of modules, lists and router
//! URLs) and DRF routers (`router.register("profiles", ProfileViewSet, basename=…)`), flattened
//! into routes a runtime operation (`GET /api/profiles/{id}/`) can be matched against.

use super::{Project, ViewId, last_segment};
use crate::source::FileId;
use crate::syntax::{Call, Expr, Stmt};
use overshare_finding::SourceLocation;
use std::collections::HashMap;

/// One URL pattern and what serves each method on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePattern {
    /// `/api/profiles/{pk}/`.
    pub path: String,
    pub view: ViewId,
    /// `(method, action)`: `("get", "retrieve")`.
    pub methods: Vec<(String, String)>,
}

/// What serves one operation, with the source lines responsible.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub method: String,
    /// The matched pattern (`/api/profiles/{pk}/`).
    pub path: String,
    pub action: String,
    pub view_name: String,
    /// The view class (or function) declaration.
    pub view: SourceLocation,
    pub serializer_name: Option<String>,
    /// The serializer class declaration.
    pub serializer: Option<SourceLocation>,
    /// Where `permission_classes` is set on the view, if it is.
    pub permission: Option<SourceLocation>,
    /// Where `queryset` is set on the view, if it is.
    pub queryset: Option<SourceLocation>,
    pub view_id: ViewId,
}

const MAX_INCLUDE_DEPTH: u8 = 8;

pub(super) fn collect(project: &Project) -> Vec<RoutePattern> {
    let roots: Vec<FileId> = match project
        .settings
        .root_urlconf
        .as_deref()
        .and_then(|m| project.module_file(m))
    {
        Some(root) => vec![root],
        None => (0..project.files.len())
            .filter(|&f| last_segment(&project.files[f].module) == "urls")
            .collect(),
    };
    let mut out = Vec::new();
    for root in roots {
        Collector {
            project,
            out: &mut out,
        }
        .module(root, "", 0);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.view.cmp(&b.view)));
    out.dedup();
    out
}

struct Collector<'p, 'o> {
    project: &'p Project,
    out: &'o mut Vec<RoutePattern>,
}

impl<'p> Collector<'p, '_> {
    fn module(&mut self, file: FileId, prefix: &str, depth: u8) {
        if depth > MAX_INCLUDE_DEPTH {
            return;
        }
        for stmt in &self.project.files[file].ast.body {
            let value = match stmt {
                Stmt::Assign { targets, value, .. }
                    if targets.iter().any(|t| t.as_name() == Some("urlpatterns")) =>
                {
                    value
                }
                Stmt::AugAssign { target, value, .. }
                    if target.as_name() == Some("urlpatterns") =>
                {
                    value
                }
                Stmt::Expr { value, .. }
                    if let Expr::Call(call) = &**value
                        && is_urlpatterns_extend(call) =>
                {
                    match call.args.first() {
                        Some(arg) => arg,
                        None => continue,
                    }
                }
                _ => continue,
            };
            self.entries(file, value, prefix, depth);
        }
    }

    /// A list of patterns, `router.urls`, a concatenation, `format_suffix_patterns(…)`.
    fn entries(&mut self, file: FileId, value: &Expr, prefix: &str, depth: u8) {
        match value {
            Expr::Seq { elts, .. } => {
                for e in elts {
                    self.entry(file, e, prefix, depth);
                }
            }
            Expr::Attr {
                value: router,
                attr,
                ..
            } if attr == "urls" => self.router(file, router, prefix),
            Expr::Call(call) if call.args.len() == 1 && call.keywords.is_empty() => {
                self.entries(file, &call.args[0], prefix, depth)
            }
            Expr::Other { children, .. } => {
                for c in children {
                    self.entries(file, c, prefix, depth);
                }
            }
            _ => {}
        }
    }

    /// `path("api/", include(...))`, `path("x/", View.as_view())`, `re_path(r"^x/$", view)`.
    fn entry(&mut self, file: FileId, e: &Expr, prefix: &str, depth: u8) {
        let Some(call) = e.as_call() else { return };
        let func = call.func.dotted().unwrap_or_default();
        if !matches!(last_segment(&func), "path" | "re_path" | "url") {
            return;
        }
        let (Some(route), Some(target)) =
            (call.args.first().and_then(Expr::as_str), call.args.get(1))
        else {
            return;
        };
        let joined = format!("{prefix}{}", normalise(route));
        self.target(file, target, &joined, depth);
    }

    fn target(&mut self, file: FileId, target: &Expr, prefix: &str, depth: u8) {
        let Some(call) = target.as_call() else {
            self.function_view(file, target, prefix);
            return;
        };
        match &call.func {
            Expr::Name { id, .. } if id == "include" => self.include(file, call, prefix, depth),
            Expr::Attr { attr, .. } if attr == "include" => self.include(file, call, prefix, depth),
            Expr::Attr { value, attr, .. } if attr == "as_view" => {
                self.class_view(file, value, call, prefix)
            }
            _ => {}
        }
    }

    fn include(&mut self, file: FileId, call: &Call, prefix: &str, depth: u8) {
        let Some(arg) = call.args.first() else { return };
        let arg = match arg {
            // `include((patterns, "app_name"))`
            Expr::Seq { elts, .. } if elts.len() == 2 && elts[1].as_str().is_some() => &elts[0],
            other => other,
        };
        let module = match arg {
            Expr::Str { value, .. } => Some(value.to_string()),
            Expr::Name { .. } | Expr::Attr { .. } if !is_router_urls(arg) => {
                self.project.qual(file, arg)
            }
            _ => None,
        };
        match module.and_then(|m| self.project.module_file(&m)) {
            Some(target) => self.module(target, prefix, depth + 1),
            None => self.entries(file, arg, prefix, depth + 1),
        }
    }

    fn class_view(&mut self, file: FileId, class: &Expr, call: &Call, prefix: &str) {
        let Some(view) = self
            .project
            .class_of_expr(file, class)
            .and_then(|c| self.project.views.iter().position(|v| v.class == Some(c)))
        else {
            return;
        };
        let methods = match call.args.first() {
            // `ViewSet.as_view({"get": "list"})`
            Some(Expr::Dict { items, .. }) => items
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.as_ref()?.as_str()?.to_string(), v.as_str()?.to_string()))
                })
                .collect(),
            _ => self.project.views[view]
                .actions
                .iter()
                .filter(|a| a.url_path.is_none())
                .flat_map(|a| a.methods.iter().map(|m| (m.clone(), a.name.clone())))
                .collect(),
        };
        self.push(prefix, view, methods);
    }

    fn function_view(&mut self, file: FileId, target: &Expr, prefix: &str) {
        let Some(qual) = self.project.qual(file, target) else {
            return;
        };
        let Some((module, name)) = qual.rsplit_once('.') else {
            return;
        };
        let Some(view_file) = self.project.module_file(module) else {
            return;
        };
        let Some(view) = self
            .project
            .views
            .iter()
            .position(|v| v.class.is_none() && v.loc.file == view_file && v.name == name)
        else {
            return;
        };
        let methods = self.project.views[view]
            .actions
            .iter()
            .map(|a| (a.methods[0].clone(), a.name.clone()))
            .collect();
        self.push(prefix, view, methods);
    }

    /// The routes a router generates for each registered viewset.
    fn router(&mut self, file: FileId, router: &Expr, prefix: &str) {
        let Some((router_file, name)) = self.router_var(file, router) else {
            return;
        };
        let trailing = if router_trailing_slash(self.project, router_file, &name) {
            "/"
        } else {
            ""
        };
        for call in registrations(self.project, router_file, &name) {
            let (Some(reg_prefix), Some(viewset)) =
                (call.args.first().and_then(Expr::as_str), call.args.get(1))
            else {
                continue;
            };
            let Some(view) = self
                .project
                .class_of_expr(router_file, viewset)
                .and_then(|c| self.project.views.iter().position(|v| v.class == Some(c)))
            else {
                continue;
            };
            let base = format!("{prefix}{}", normalise(reg_prefix).trim_end_matches('/'));
            self.viewset_routes(view, &base, trailing);
        }
    }

    fn viewset_routes(&mut self, view: ViewId, base: &str, trailing: &str) {
        let actions = self.project.views[view].actions.clone();
        let by = |detail: bool| -> Vec<(String, String)> {
            actions
                .iter()
                .filter(|a| a.url_path.is_none() && a.detail == detail)
                .flat_map(|a| a.methods.iter().map(|m| (m.clone(), a.name.clone())))
                .collect()
        };
        let (list, detail) = (by(false), by(true));
        if !list.is_empty() {
            self.push(&format!("{base}{trailing}"), view, list);
        }
        if !detail.is_empty() {
            self.push(&format!("{base}/{{pk}}{trailing}"), view, detail);
        }
        for a in actions.iter().filter(|a| a.url_path.is_some()) {
            let url_path = a.url_path.as_deref().unwrap_or(&a.name);
            let path = if a.detail {
                format!("{base}/{{pk}}/{url_path}{trailing}")
            } else {
                format!("{base}/{url_path}{trailing}")
            };
            let methods = a
                .methods
                .iter()
                .map(|m| (m.clone(), a.name.clone()))
                .collect();
            self.push(&path, view, methods);
        }
    }

    /// The file and variable name a router expression refers to (possibly imported).
    fn router_var(&self, file: FileId, router: &Expr) -> Option<(FileId, String)> {
        let name = router.as_name()?;
        if !registrations(self.project, file, name).is_empty() {
            return Some((file, name.to_string()));
        }
        let qual = self.project.qual(file, router)?;
        let (module, var) = qual.rsplit_once('.')?;
        Some((self.project.module_file(module)?, var.to_string()))
    }

    fn push(&mut self, path: &str, view: ViewId, methods: Vec<(String, String)>) {
        let path = format!("/{}", path.trim_start_matches('/'));
        self.out.push(RoutePattern {
            path,
            view,
            methods,
        });
    }
}

fn is_urlpatterns_extend(call: &Call) -> bool {
    matches!(call.method(), Some((Expr::Name { id, .. }, "extend")) if id == "urlpatterns")
}

fn is_router_urls(e: &Expr) -> bool {
    matches!(e, Expr::Attr { attr, .. } if attr == "urls")
}

/// `router.register(...)` calls on the module-level variable `name`.
fn registrations<'p>(project: &'p Project, file: FileId, name: &str) -> Vec<&'p Call> {
    project.files[file]
        .ast
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Expr { value, .. } => match &**value {
                Expr::Call(call) => match call.method() {
                    Some((Expr::Name { id, .. }, "register")) if id == name => Some(&**call),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `SimpleRouter(trailing_slash=False)` turns the slash off.
fn router_trailing_slash(project: &Project, file: FileId, name: &str) -> bool {
    !project.files[file].ast.body.iter().any(|stmt| match stmt {
        Stmt::Assign { targets, value, .. }
            if targets.iter().any(|t| t.as_name() == Some(name)) =>
        {
            value
                .as_call()
                .and_then(|c| c.keyword("trailing_slash"))
                .is_some_and(|v| matches!(v, Expr::Bool { value: false, .. }))
        }
        _ => false,
    })
}

/// A Django route or regex as a template: `^users/(?P<pk>[^/.]+)/$` and `users/<int:pk>/`
/// both become `users/{pk}/`.
pub fn normalise(route: &str) -> String {
    let route = route.trim_start_matches('^').trim_end_matches('$');
    let mut out = String::with_capacity(route.len());
    let mut rest = route;
    while let Some(start) = rest.find(['<', '(']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let (name, consumed) = if let Some(group) = tail.strip_prefix("(?P<") {
            let name_end = group.find('>').unwrap_or(group.len());
            (&group[..name_end], 4 + closing_paren(group))
        } else if let Some(group) = tail.strip_prefix('(') {
            ("param", 1 + closing_paren(group))
        } else {
            let end = tail.find('>').map_or(tail.len(), |e| e + 1);
            let inner = &tail[1..end.saturating_sub(1).max(1)];
            (inner.rsplit(':').next().unwrap_or(inner), end)
        };
        out.push('{');
        out.push_str(name);
        out.push('}');
        rest = tail.get(consumed..).unwrap_or("");
    }
    out.push_str(rest);
    out.replace("\\.", ".").replace('\\', "")
}

/// The index just past the `)` closing a group whose `(` was before `s`.
fn closing_paren(s: &str) -> usize {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

/// Path segments with every parameter as `None`.
fn segments(path: &str) -> Vec<Option<&str>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| (!(s.starts_with('{') || s.starts_with('<'))).then_some(s))
        .collect()
}

impl Project {
    /// What serves `method path` (a spec path template, `/api/profiles/{id}/`), or, when no
    /// pattern matches the path, what a drf-spectacular operation id (`profiles_retrieve`)
    /// names.
    pub fn route_for(&self, method: &str, path: &str, operation_id: Option<&str>) -> Option<Route> {
        let method = method.to_ascii_lowercase();
        let wanted = segments(path);
        let by_path = self.routes.iter().find_map(|r| {
            (segments(&r.path) == wanted)
                .then(|| {
                    r.methods
                        .iter()
                        .find(|(m, _)| *m == method)
                        .map(|(_, a)| (r, a))
                })
                .flatten()
        });
        let (pattern, action) = by_path.or_else(|| self.by_operation_id(operation_id?))?;
        Some(self.route(&method, pattern, action))
    }

    fn by_operation_id(&self, operation_id: &str) -> Option<(&RoutePattern, &String)> {
        let ids: HashMap<String, (&RoutePattern, &String)> = self
            .routes
            .iter()
            .flat_map(|r| r.methods.iter().map(move |(m, a)| (r, m, a)))
            .flat_map(|(r, m, a)| {
                let literal: Vec<String> = segments(&r.path)
                    .into_iter()
                    .flatten()
                    .map(|s| s.replace('-', "_"))
                    .collect();
                (0..literal.len().max(1))
                    .map(|skip| {
                        let mut parts = literal.get(skip..).unwrap_or_default().to_vec();
                        parts.push(spectacular_action(m, a));
                        (parts.join("_"), (r, a))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        ids.get(operation_id).copied()
    }

    fn route(&self, method: &str, pattern: &RoutePattern, action: &str) -> Route {
        let view = &self.views[pattern.view];
        let loc = |l: Option<crate::source::Loc>, role: &str| l.map(|l| self.location(l, role));
        Route {
            method: method.to_ascii_uppercase(),
            path: pattern.path.clone(),
            action: action.to_string(),
            view_name: view.name.clone(),
            view: self.location(view.loc, "view"),
            serializer_name: view.serializer.map(|s| self.classes[s].name().to_string()),
            serializer: view
                .serializer
                .map(|s| self.class_location(s, "serializer")),
            permission: loc(view.permissions_loc, "view"),
            queryset: loc(view.queryset.as_ref().map(|q| q.loc), "view"),
            view_id: pattern.view,
        }
    }
}

/// The action word drf-spectacular puts at the end of an operation id: the viewset action's
/// name for the standard ones, else a word for the method.
fn spectacular_action(method: &str, action: &str) -> String {
    const STANDARD: &[&str] = &[
        "list",
        "create",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
    ];
    if STANDARD.contains(&action) {
        return action.to_string();
    }
    match method {
        "post" => "create".into(),
        "put" => "update".into(),
        "patch" => "partial_update".into(),
        "delete" => "destroy".into(),
        _ => "retrieve".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn routes_and_regexes_become_templates() {
        assert_eq!(normalise("users/<int:pk>/"), "users/{pk}/");
        assert_eq!(normalise(r"^users/(?P<pk>[^/.]+)/$"), "users/{pk}/");
        assert_eq!(normalise("api/"), "api/");
        assert_eq!(normalise(r"^v1/(\d+)/x\.json$"), "v1/{param}/x.json");
    }
}
