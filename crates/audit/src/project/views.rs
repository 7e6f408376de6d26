//! DRF views and viewsets (and `@api_view` functions): their actions, serializer, queryset,
//! permission classes, and whether they narrow the queryset to the caller.

use super::{ClassId, ModelId, Project, last_segment};
use crate::source::{FileId, Loc};
use crate::syntax::{Expr, FunctionDef, Stmt, all_functions, scope_statements, walk_scope_exprs};
use rayon::prelude::*;

/// Index of a view in [`Project::views`].
pub type ViewId = usize;

/// What a view can do, as a router or URL maps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// `list`, `retrieve`, … for viewsets and generic views; the method (`get`) for `APIView`
    /// handlers; the method name for `@action`s.
    pub name: String,
    /// Works on one object (a lookup in the URL).
    pub detail: bool,
    /// Lower-case HTTP methods.
    pub methods: Vec<String>,
    /// The extra URL segment of an `@action`.
    pub url_path: Option<String>,
}

/// A permission class as written on a view or in the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermRef {
    Project(ClassId),
    External(String),
}

#[derive(Debug, Clone)]
pub struct Queryset {
    pub model: Option<ModelId>,
    pub loc: Loc,
    /// No `filter`/`exclude`/`get` in the chain (`Model.objects.all()`).
    pub unfiltered: bool,
}

#[derive(Debug, Clone)]
pub struct View {
    pub name: String,
    pub class: Option<ClassId>,
    /// The class or function name.
    pub loc: Loc,
    pub is_viewset: bool,
    pub actions: Vec<Action>,
    pub serializer: Option<ClassId>,
    pub serializer_loc: Option<Loc>,
    pub queryset: Option<Queryset>,
    pub permissions: Vec<PermRef>,
    /// Where `permission_classes` is written (none: the settings' defaults apply).
    pub permissions_loc: Option<Loc>,
    /// A `get_queryset`/`get_object` override (or `filter_backends`) that uses the request.
    pub scoped_all: bool,
    /// `list` / `retrieve` overrides that use the request.
    pub scoped_list: bool,
    pub scoped_detail: bool,
}

impl View {
    pub fn has_detail_action(&self) -> bool {
        self.actions.iter().any(|a| a.detail)
    }

    pub fn is_writable(&self) -> bool {
        self.actions.iter().any(|a| {
            a.methods
                .iter()
                .any(|m| matches!(m.as_str(), "post" | "put" | "patch"))
        })
    }

    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }
}

/// The handlers of a plain `APIView`: each one defined is an action.
const HANDLERS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Methods the index reads only by their existence (a viewset that defines `create`, an
/// `APIView` that defines `post`): their bodies are never read, so the audit keeps them as
/// stubs (see `select`).
pub(crate) fn is_read_by_existence(method: &str) -> bool {
    HANDLERS.contains(&method) || STANDARD.iter().any(|(name, ..)| *name == method)
}

const STANDARD: &[(&str, bool, &str)] = &[
    ("list", false, "get"),
    ("create", false, "post"),
    ("retrieve", true, "get"),
    ("update", true, "put"),
    ("partial_update", true, "patch"),
    ("destroy", true, "delete"),
];

/// The standard actions a DRF base class brings.
fn actions_of_base(name: &str) -> &'static [&'static str] {
    match name {
        "ModelViewSet" => &[
            "list",
            "create",
            "retrieve",
            "update",
            "partial_update",
            "destroy",
        ],
        "ReadOnlyModelViewSet" => &["list", "retrieve"],
        "ListModelMixin" | "ListAPIView" => &["list"],
        "CreateModelMixin" | "CreateAPIView" => &["create"],
        "RetrieveModelMixin" | "RetrieveAPIView" => &["retrieve"],
        "UpdateModelMixin" | "UpdateAPIView" => &["update", "partial_update"],
        "DestroyModelMixin" | "DestroyAPIView" => &["destroy"],
        "ListCreateAPIView" => &["list", "create"],
        "RetrieveUpdateAPIView" => &["retrieve", "update", "partial_update"],
        "RetrieveDestroyAPIView" => &["retrieve", "destroy"],
        "RetrieveUpdateDestroyAPIView" => &["retrieve", "update", "partial_update", "destroy"],
        _ => &[],
    }
}

pub(super) fn index(project: &mut Project) {
    // Every class and every file on every core (rayon keeps the order).
    let project_ref = &*project;
    let mut views: Vec<View> = (0..project.classes.len())
        .into_par_iter()
        .filter(|&c| is_view_class(project_ref, c))
        .map(|c| class_view(project_ref, c))
        .collect();
    let functions: Vec<View> = project
        .files
        .par_iter()
        .enumerate()
        .flat_map_iter(|(file, source)| {
            all_functions(&source.ast.body)
                .into_iter()
                .filter_map(move |f| function_view(project_ref, file, f))
        })
        .collect();
    views.extend(functions);
    project.views = views;
}

fn is_view_class(project: &Project, class: ClassId) -> bool {
    project.classes[class].outer.is_none()
        && project.inherits(class, |q| {
            let last = last_segment(q);
            (q.starts_with("rest_framework.") || !q.contains('.') || q.split('.').count() == 2)
                && (last.ends_with("APIView") || last.ends_with("ViewSet"))
                || (q.starts_with("django.views.") && last.ends_with("View"))
        })
}

fn class_view(project: &Project, class: ClassId) -> View {
    let info = &project.classes[class];
    let is_viewset = project.inherits(class, |q| last_segment(q).contains("ViewSet"));
    let (permissions, permissions_loc) = match project.class_attribute(class, "permission_classes")
    {
        Some((c, value, span)) => (
            permission_refs(project, project.classes[c].file, value),
            Some(Loc {
                file: project.classes[c].file,
                span,
            }),
        ),
        None => (default_permissions(project), None),
    };
    let (serializer, serializer_loc) = serializer_of(project, class);
    let scoped = |name: &str| {
        project
            .method(class, name)
            .is_some_and(|(_, m)| mentions_request(m))
    };
    View {
        name: info.name().to_string(),
        class: Some(class),
        loc: info.loc(),
        is_viewset,
        actions: class_actions(project, class, is_viewset),
        serializer,
        serializer_loc,
        queryset: project
            .class_attribute(class, "queryset")
            .map(|(c, value, span)| queryset(project, project.classes[c].file, value, span)),
        permissions,
        permissions_loc,
        scoped_all: scoped("get_queryset")
            || scoped("get_object")
            || project.class_attribute(class, "filter_backends").is_some(),
        scoped_list: scoped("list"),
        scoped_detail: scoped("retrieve"),
    }
}

fn class_actions(project: &Project, class: ClassId, is_viewset: bool) -> Vec<Action> {
    let mut names: Vec<&str> = project.classes[class]
        .externals
        .iter()
        .flat_map(|q| actions_of_base(last_segment(q)).iter().copied())
        .collect();
    let mut actions: Vec<Action> = Vec::new();
    for (name, detail, method) in STANDARD {
        let defined = project.method(class, name).is_some() && is_viewset;
        if names.contains(name) || defined {
            actions.push(standard(name, *detail, method));
        }
    }
    names.clear();
    if !is_viewset && actions.is_empty() {
        // A plain `APIView`: its handlers are its actions.
        for method in HANDLERS {
            if project.method(class, method).is_some() {
                actions.push(Action {
                    name: method.into(),
                    detail: false,
                    methods: vec![method.into()],
                    url_path: None,
                });
            }
        }
    }
    actions.extend(extra_actions(project, class));
    actions
}

fn standard(name: &str, detail: bool, method: &str) -> Action {
    Action {
        name: name.into(),
        detail,
        methods: vec![method.into()],
        url_path: None,
    }
}

/// `@action(detail=…, methods=[…], url_path=…)` methods of the class and its ancestors.
fn extra_actions(project: &Project, class: ClassId) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for &c in &project.classes[class].mro {
        for m in project.classes[c].def.methods() {
            let Some(call) = m.decorators.iter().find_map(|d| {
                let call = d.as_call()?;
                (last_segment(&call.func.dotted()?) == "action").then_some(call)
            }) else {
                continue;
            };
            if out.iter().any(|a| a.name == m.name) {
                continue;
            }
            let methods = call
                .keyword("methods")
                .and_then(Expr::elements)
                .map(|e| {
                    e.iter()
                        .filter_map(|m| Some(m.as_str()?.to_ascii_lowercase()))
                        .collect()
                })
                .unwrap_or_else(|| vec!["get".to_string()]);
            out.push(Action {
                name: m.name.to_string(),
                detail: call.flag("detail"),
                methods,
                url_path: Some(
                    call.keyword("url_path")
                        .and_then(Expr::as_str)
                        .unwrap_or(&m.name)
                        .to_string(),
                ),
            });
        }
    }
    out
}

fn function_view(project: &Project, file: FileId, f: &FunctionDef) -> Option<View> {
    let api_view = f.decorators.iter().find_map(|d| {
        let call = d.as_call()?;
        (last_segment(&call.func.dotted()?) == "api_view").then_some(call)
    })?;
    let methods: Vec<String> = api_view
        .args
        .first()
        .and_then(Expr::elements)
        .map(|e| {
            e.iter()
                .filter_map(|m| Some(m.as_str()?.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_else(|| vec!["get".to_string()]);
    let permission_decorator = f.decorators.iter().find_map(|d| {
        let call = d.as_call()?;
        (last_segment(&call.func.dotted()?) == "permission_classes").then_some(call)
    });
    let (permissions, permissions_loc) = match permission_decorator {
        Some(call) => (
            call.args
                .first()
                .map(|a| permission_refs(project, file, a))
                .unwrap_or_default(),
            Some(Loc {
                file,
                span: call.span,
            }),
        ),
        None => (default_permissions(project), None),
    };
    Some(View {
        name: f.name.to_string(),
        class: None,
        loc: Loc {
            file,
            span: f.name_span,
        },
        is_viewset: false,
        actions: methods
            .iter()
            .map(|m| Action {
                name: m.clone(),
                detail: false,
                methods: vec![m.clone()],
                url_path: None,
            })
            .collect(),
        serializer: None,
        serializer_loc: None,
        queryset: None,
        permissions,
        permissions_loc,
        scoped_all: mentions_request(f),
        scoped_list: false,
        scoped_detail: false,
    })
}

/// `serializer_class = X`, else the first serializer a `get_serializer_class` returns.
fn serializer_of(project: &Project, class: ClassId) -> (Option<ClassId>, Option<Loc>) {
    if let Some((c, value, span)) = project.class_attribute(class, "serializer_class") {
        let file = project.classes[c].file;
        return (
            project.serializer_of_expr(file, value),
            Some(Loc { file, span }),
        );
    }
    let Some((c, method)) = project.method(class, "get_serializer_class") else {
        return (None, None);
    };
    let file = project.classes[c].file;
    for stmt in scope_statements(&method.body) {
        if let Stmt::Return {
            value: Some(value),
            span,
        } = stmt
            && let Some(s) = project.serializer_of_expr(file, value)
        {
            return (Some(s), Some(Loc { file, span: *span }));
        }
    }
    (None, None)
}

fn queryset(project: &Project, file: FileId, value: &Expr, span: crate::syntax::Span) -> Queryset {
    let mut methods = Vec::new();
    let mut current = value;
    let mut model = None;
    loop {
        match current {
            Expr::Call(call) => match call.method() {
                Some((receiver, method)) => {
                    methods.push(method.to_string());
                    current = receiver;
                }
                None => break,
            },
            Expr::Attr { value, attr, .. } if attr == "objects" || attr == "_default_manager" => {
                model = project.model_of_expr(file, value);
                break;
            }
            Expr::Attr { value, .. } => current = value,
            _ => break,
        }
    }
    const FILTERS: &[&str] = &[
        "filter",
        "exclude",
        "get",
        "none",
        "raw",
        "filter_by",
        "for_user",
    ];
    Queryset {
        model,
        loc: Loc { file, span },
        unfiltered: !methods.iter().any(|m| FILTERS.contains(&m.as_str())),
    }
}

/// The permission classes named in an expression (`[A, B]`, `(A & B,)`, `[A | B]`).
pub fn permission_refs(project: &Project, file: FileId, value: &Expr) -> Vec<PermRef> {
    let mut out = Vec::new();
    value.walk(&mut |e| match e {
        Expr::Name { .. } | Expr::Attr { .. } => {
            if let Some(q) = project.qual_or_written(file, e) {
                out.push(perm_ref(project, &q));
            }
            false
        }
        _ => true,
    });
    out
}

fn perm_ref(project: &Project, qual: &str) -> PermRef {
    match project.class_for(qual) {
        Some(c) => PermRef::Project(c),
        None => PermRef::External(qual.to_string()),
    }
}

fn default_permissions(project: &Project) -> Vec<PermRef> {
    let configured = &project.settings.default_permissions;
    if configured.is_empty() {
        // DRF's own default.
        return vec![PermRef::External(
            "rest_framework.permissions.AllowAny".into(),
        )];
    }
    configured.iter().map(|q| perm_ref(project, q)).collect()
}

/// Whether a function's body uses the request (`request.user`, `self.request.tenant`).
pub fn mentions_request(f: &FunctionDef) -> bool {
    let mut found = false;
    walk_scope_exprs(&f.body, &mut |e| {
        if matches!(e, Expr::Name { id, .. } if id == "request")
            || matches!(e, Expr::Attr { attr, .. } if attr == "request")
        {
            found = true;
        }
        !found
    });
    found
}

/// DRF permission classes known not to look at objects.
const NO_OBJECT_CHECK: &[&str] = &[
    "AllowAny",
    "IsAuthenticated",
    "IsAdminUser",
    "IsAuthenticatedOrReadOnly",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "BasePermission",
];

impl Project {
    /// Whether a permission class checks objects (`has_object_permission`). Unknown external
    /// classes are given the benefit of the doubt.
    pub fn checks_objects(&self, perm: &PermRef) -> bool {
        match perm {
            PermRef::Project(c) => {
                self.method(*c, "has_object_permission").is_some()
                    || self.inherits(*c, |q| last_segment(q) == "DjangoObjectPermissions")
            }
            PermRef::External(q) => {
                // Not DRF's: unknown, so trusted; DRF's: known by name.
                let drf = q.starts_with("rest_framework.") || !q.contains('.');
                !drf || !NO_OBJECT_CHECK.contains(&last_segment(q))
            }
        }
    }

    /// The views whose serializer is `class`.
    pub fn views_using(&self, class: ClassId) -> impl Iterator<Item = &View> {
        self.views
            .iter()
            .filter(move |v| v.serializer == Some(class))
    }
}

/// Whether the permission is DRF's `AllowAny`.
pub fn is_allow_any(perm: &PermRef) -> bool {
    matches!(perm, PermRef::External(q) if last_segment(q) == "AllowAny")
}
