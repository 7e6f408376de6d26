//! The project index: every parsed file, with names resolved through imports and aliases, and
//! classes resolved through inheritance within the project. Built once; the rules only read it.
//!
//! Names resolve to *qualified names*: `s.ModelSerializer` after
//! `from rest_framework import serializers as s` is `rest_framework.serializers.ModelSerializer`;
//! `views.ProfileViewSet` after `from accounts import views` is
//! `accounts.views.ProfileViewSet`, which [`Project::class_for`] finds in the project (following
//! re-exports: `from .views import *`-free `__init__` imports). Names from outside the project
//! stay qualified names (`django.db.models.Model`) and classify classes by what they inherit.

mod classes;
pub mod exposure;
pub mod identity;
pub mod models;
pub mod serializers;
pub mod settings;
pub mod urls;
pub mod views;

pub use classes::{Base, ClassId, ClassInfo};
pub use identity::{HeaderRead, Identity};
pub use models::{FieldKind, Model, ModelField, ModelId};
pub use serializers::{Declared, FieldsSpec, Serializer};
pub use settings::Settings;
pub use urls::{Route, RoutePattern};
pub use views::{Action, View, ViewId};

use crate::source::{FileId, Loc, SourceFile};
use crate::syntax::{Expr, Ident, Stmt, scope_statements};
use rayon::prelude::*;
// FxHash: the index hashes hundreds of thousands of short module and class names, and none of
// them comes from an adversary that could aim collisions at it (worst case: a slower audit).
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// The qualified name `get_user_model()` and `settings.AUTH_USER_MODEL` resolve to.
pub const USER_MODEL: &str = "<AUTH_USER_MODEL>";
/// Django's own user model.
pub const AUTH_USER: &str = "django.contrib.auth.models.User";

/// Everything the audit knows about the code it read.
#[derive(Debug, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
    modules: HashMap<String, FileId>,
    /// Every dotted suffix of every module name (`models`, `accounts.models`) → files.
    by_suffix: HashMap<String, Vec<FileId>>,
    /// Module-level names of each file → qualified names.
    scopes: Vec<Scope>,
    pub classes: Vec<ClassInfo>,
    class_by_qual: HashMap<std::sync::Arc<str>, ClassId>,
    pub settings: Settings,
    pub models: Vec<Model>,
    model_of_class: HashMap<ClassId, ModelId>,
    /// The model `settings.AUTH_USER_MODEL` names (Django's `User` unless overridden).
    pub user_model: ModelId,
    pub serializers: BTreeMap<ClassId, Serializer>,
    pub views: Vec<View>,
    pub routes: Vec<RoutePattern>,
    pub identity: Identity,
}

impl Project {
    /// Index parsed files (in a stable order: the walk's).
    pub fn build(files: Vec<SourceFile>) -> Project {
        let mut project = Project {
            files,
            ..Project::default()
        };
        // The module maps (one thread) and the files' scopes (the others) need only the files.
        let ((modules, by_suffix), scopes) = rayon::join(
            || index_modules(&project.files),
            || project.files.par_iter().map(module_scope).collect(),
        );
        (project.modules, project.by_suffix, project.scopes) = (modules, by_suffix, scopes);
        classes::index(&mut project);
        project.settings = settings::collect(&project);
        models::index(&mut project);
        serializers::index(&mut project);
        views::index(&mut project);
        project.routes = urls::collect(&project);
        project.identity = identity::analyze(&project);
        project
    }

    /// The file of a module name, exactly or (when the audited root sits inside the import
    /// root, or above it) by its dotted suffix.
    pub fn module_file(&self, name: &str) -> Option<FileId> {
        if let Some(&id) = self.modules.get(name) {
            return Some(id);
        }
        if let Some(ids) = self.by_suffix.get(name) {
            return ids.first().copied();
        }
        // `project.accounts.models` when the files are named `accounts.models`.
        let mut rest = name;
        while let Some((_, tail)) = rest.split_once('.') {
            if let Some(&id) = self.modules.get(tail) {
                return Some(id);
            }
            rest = tail;
        }
        None
    }

    /// The qualified name an expression refers to, through the file's imports and aliases.
    pub fn qual(&self, file: FileId, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name { id, .. } => Some(self.scopes.get(file)?.get(id.as_str())?.to_string()),
            Expr::Attr { value, attr, .. } => Some(format!("{}.{attr}", self.qual(file, value)?)),
            Expr::Call(call) => {
                let func = self.qual(file, &call.func)?;
                (func == "django.contrib.auth.get_user_model").then(|| USER_MODEL.to_string())
            }
            _ => None,
        }
    }

    /// Like [`qual`](Self::qual), falling back to the written dotted name for names the file
    /// does not import (a file that failed to parse its imports, a star import).
    pub fn qual_or_written(&self, file: FileId, expr: &Expr) -> Option<String> {
        self.qual(file, expr).or_else(|| expr.dotted())
    }

    /// The project class a qualified name refers to, following re-exports between modules.
    pub fn class_for(&self, qual: &str) -> Option<ClassId> {
        self.class_for_depth(qual, 0)
    }

    fn class_for_depth(&self, qual: &str, depth: u8) -> Option<ClassId> {
        if let Some(&id) = self.class_by_qual.get(qual) {
            return Some(id);
        }
        if depth > 8 {
            return None;
        }
        // The longest module prefix first: `a.b.C` tries module `a.b`, then `a`.
        let mut end = qual.len();
        while let Some(dot) = qual[..end].rfind('.') {
            end = dot;
            let Some(file) = self.module_file(&qual[..dot]) else {
                continue;
            };
            let rest = &qual[dot + 1..];
            let local = format!("{}.{rest}", self.files[file].module);
            if let Some(&id) = self.class_by_qual.get(local.as_str()) {
                return Some(id);
            }
            let (first, tail) = rest.split_once('.').unwrap_or((rest, ""));
            if let Some(target) = self.scopes[file].get(first) {
                let next = if tail.is_empty() {
                    target.to_string()
                } else {
                    format!("{target}.{tail}")
                };
                if next != qual {
                    return self.class_for_depth(&next, depth + 1);
                }
            }
            return None;
        }
        None
    }

    /// The class an expression names, if it is a project class.
    pub fn class_of_expr(&self, file: FileId, expr: &Expr) -> Option<ClassId> {
        self.class_for(&self.qual(file, expr)?)
    }

    /// The model a class is, if it is one.
    pub fn model_of_class(&self, class: ClassId) -> Option<ModelId> {
        self.model_of_class.get(&class).copied()
    }

    /// A finding location for a place in the project.
    pub fn location(&self, loc: Loc, role: &str) -> overshare_finding::SourceLocation {
        self.files[loc.file].location(loc.span, role)
    }

    /// The class declaration line of a class (its name), as a location.
    pub fn class_location(&self, class: ClassId, role: &str) -> overshare_finding::SourceLocation {
        let info = &self.classes[class];
        self.location(
            Loc {
                file: info.file,
                span: info.def.name_span,
            },
            role,
        )
    }
}

/// Module names → files, and every dotted suffix of every module name (`models`,
/// `accounts.models`) → files.
#[allow(clippy::type_complexity)]
fn index_modules(files: &[SourceFile]) -> (HashMap<String, FileId>, HashMap<String, Vec<FileId>>) {
    let mut modules = HashMap::default();
    let mut by_suffix: HashMap<String, Vec<FileId>> = HashMap::default();
    modules.reserve(files.len());
    by_suffix.reserve(files.len() * 3);
    for (id, file) in files.iter().enumerate() {
        modules.entry(file.module.clone()).or_insert(id);
        // Every dotted suffix (`a.b.c`, `b.c`, `c`) is a substring of the name.
        let starts = std::iter::once(0).chain(file.module.match_indices('.').map(|(i, _)| i + 1));
        for start in starts {
            let suffix = &file.module[start..];
            match by_suffix.get_mut(suffix) {
                Some(ids) => ids.push(id),
                None => {
                    by_suffix.insert(suffix.to_string(), vec![id]);
                }
            }
        }
    }
    (modules, by_suffix)
}

/// Module-level names of a file → qualified names. Inline strings: nearly every name, and
/// most qualified names, fit in 24 bytes, and a large project has hundreds of thousands.
type Scope = HashMap<Ident, Ident>;

/// Module-level names of a file: imports, classes, functions and plain aliases.
fn module_scope(file: &SourceFile) -> Scope {
    let mut scope = Scope::default();
    scope.reserve(file.ast.body.len());
    for stmt in scope_statements(&file.ast.body) {
        match stmt {
            Stmt::Import { names, .. } => {
                for n in names {
                    match &n.asname {
                        Some(alias) => scope.insert(alias.clone(), n.name.clone()),
                        None => {
                            let head = Ident::from(n.name.split('.').next().unwrap_or(&n.name));
                            scope.insert(head.clone(), head)
                        }
                    };
                }
            }
            Stmt::ImportFrom {
                module,
                level,
                names,
                ..
            } => {
                let base = absolute_module(file, module.as_deref(), *level);
                for n in names.iter().filter(|n| n.name != "*") {
                    let bound = n.asname.as_ref().unwrap_or(&n.name).clone();
                    scope.insert(bound, dotted(&base, &n.name));
                }
            }
            Stmt::Class(c) => {
                scope.insert(c.name.clone(), dotted(&file.module, &c.name));
            }
            Stmt::Function(f) => {
                scope.insert(f.name.clone(), dotted(&file.module, &f.name));
            }
            _ => {}
        }
    }
    alias_assignments(file, &mut scope);
    scope
}

/// `base.name` (`name` when `base` is empty), built without the formatting machinery: a large
/// project's scopes hold hundreds of thousands.
fn dotted(base: &str, name: &str) -> Ident {
    if base.is_empty() {
        return Ident::from(name);
    }
    let mut qual = Ident::with_capacity(base.len() + 1 + name.len());
    qual.push_str(base);
    qual.push('.');
    qual.push_str(name);
    qual
}

/// `User = get_user_model()`, `Base = serializers.ModelSerializer`: module-level aliases.
fn alias_assignments(file: &SourceFile, scope: &mut Scope) {
    for stmt in &file.ast.body {
        let Stmt::Assign { targets, value, .. } = stmt else {
            continue;
        };
        let qual = match &**value {
            // Only a call of `get_user_model`, by that name or a local alias of it, can be one
            // (most module-level calls are not: `logging.getLogger(…)`, `template.Library()`).
            Expr::Call(call) if may_be_get_user_model(&call.func, scope) => call
                .func
                .dotted()
                .and_then(|d| resolve_in(scope, &d))
                .filter(|q| q == "django.contrib.auth.get_user_model")
                .map(|_| USER_MODEL.to_string()),
            Expr::Name { .. } | Expr::Attr { .. } => {
                value.dotted().and_then(|d| resolve_in(scope, &d))
            }
            _ => None,
        };
        if let Some(qual) = qual {
            let qual = Ident::from(qual);
            for target in targets.iter().filter_map(Expr::as_name) {
                scope.insert(target.into(), qual.clone());
            }
        }
    }
}

fn may_be_get_user_model(func: &Expr, scope: &Scope) -> bool {
    match func {
        Expr::Name { id, .. } => {
            id == "get_user_model"
                || scope
                    .get(id.as_str())
                    .is_some_and(|q| q.ends_with("get_user_model"))
        }
        Expr::Attr { attr, .. } => attr == "get_user_model",
        _ => false,
    }
}

fn resolve_in(scope: &Scope, dotted: &str) -> Option<String> {
    let (head, tail) = dotted.split_once('.').map_or((dotted, ""), |(a, b)| (a, b));
    let base = scope.get(head)?;
    Some(if tail.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{tail}")
    })
}

/// The absolute module of `from <dots><module> import …` in `file`.
fn absolute_module<'a>(
    file: &'a SourceFile,
    module: Option<&'a str>,
    level: u32,
) -> std::borrow::Cow<'a, str> {
    if level == 0 {
        return module.unwrap_or("").into();
    }
    // The package, less one trailing part per extra dot.
    let mut base = file.package().trim_matches('.');
    for _ in 1..level {
        base = base.rsplit_once('.').map_or("", |(head, _)| head);
    }
    match module {
        Some(m) if base.is_empty() => m.into(),
        Some(m) => format!("{base}.{m}").into(),
        None => base.into(),
    }
}

/// The last dotted segment of a qualified name.
pub fn last_segment(qual: &str) -> &str {
    qual.rsplit('.').next().unwrap_or(qual)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_of(module: &str, is_package: bool, src: &str) -> Scope {
        let (ast, errors) = crate::python::parse(src);
        assert!(errors.is_empty(), "{errors:?}");
        let file = SourceFile::new(
            format!("{module}.py"),
            module.to_string(),
            is_package,
            src.to_string(),
            ast,
        );
        module_scope(&file)
    }

    /// Imports (absolute and relative, from a module and from a package), local definitions
    /// and the aliases the index resolves through, including `get_user_model` called under
    /// another name.
    #[test]
    fn module_scopes_resolve_imports_definitions_and_aliases() {
        let src = "import os.path\nimport rest_framework.serializers as s\n\
                   from . import views\nfrom ..core import models as m\n\
                   from django.contrib.auth import get_user_model\n\
                   gum = get_user_model\nUser = get_user_model()\nOther = gum()\n\
                   logger = logging.getLogger(__name__)\nBase = s.ModelSerializer\n\
                   class K: pass\ndef f(): pass\n";
        let scope = scope_of("shop.api.serializers", false, src);
        let get = |name: &str| scope.get(name).map(|q| q.as_str());
        assert_eq!(get("os"), Some("os"));
        assert_eq!(get("s"), Some("rest_framework.serializers"));
        assert_eq!(get("views"), Some("shop.api.views"));
        assert_eq!(get("m"), Some("shop.core.models"));
        assert_eq!(get("User"), Some(USER_MODEL));
        assert_eq!(get("Other"), Some(USER_MODEL));
        assert_eq!(get("logger"), None);
        assert_eq!(
            get("Base"),
            Some("rest_framework.serializers.ModelSerializer")
        );
        assert_eq!(get("K"), Some("shop.api.serializers.K"));
        assert_eq!(get("f"), Some("shop.api.serializers.f"));
        // In a package's `__init__`, one dot is the package itself.
        let scope = scope_of("shop.api", true, "from . import views\n");
        assert_eq!(
            scope.get("views").map(|q| q.as_str()),
            Some("shop.api.views")
        );
    }
}
