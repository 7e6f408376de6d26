//! Classes: every class of the project (nested ones too, so `class Meta(Base.Meta)` resolves),
//! its bases resolved to project classes or external qualified names, and its ancestry.

use super::{Project, last_segment};
use crate::source::{FileId, Loc};
use crate::syntax::{ClassDef, FunctionDef, Stmt, scope_statements};
use rayon::prelude::*;
use std::sync::Arc;

/// Index of a class in [`Project::classes`].
pub type ClassId = usize;

/// A base class, as far as it could be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Project(ClassId),
    /// A class from outside the project, by qualified name (`django.db.models.Model`), or the
    /// name as written when it could not be resolved.
    External(Arc<str>),
}

#[derive(Debug, Clone)]
pub struct ClassInfo {
    pub file: FileId,
    pub def: Arc<ClassDef>,
    /// `module.Outer.Name` (shared with the project's name index).
    pub qualname: Arc<str>,
    /// The class this one is nested in (`Meta` in a serializer).
    pub outer: Option<ClassId>,
    pub bases: Vec<Base>,
    /// This class, then its project ancestors, nearest first (depth-first, left to right).
    pub mro: Vec<ClassId>,
    /// The external classes anywhere in the ancestry.
    pub externals: Vec<Arc<str>>,
}

impl ClassInfo {
    pub fn name(&self) -> &str {
        &self.def.name
    }

    pub fn loc(&self) -> Loc {
        Loc {
            file: self.file,
            span: self.def.name_span,
        }
    }
}

pub(super) fn index(project: &mut Project) {
    // Each file's classes on every core, numbered within the file (an outer class before the
    // classes nested in it), then numbered across the project in the walk's order.
    let per_file: Vec<Vec<ClassInfo>> = project
        .files
        .par_iter()
        .enumerate()
        .map(|(file, source)| {
            let mut found = Vec::new();
            collect(file, &source.module, &source.ast.body, None, &mut found);
            found
        })
        .collect();
    let mut classes = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
    for found in per_file {
        let first = classes.len();
        classes.extend(found.into_iter().map(|mut info| {
            info.outer = info.outer.map(|local| first + local);
            info
        }));
    }
    project.class_by_qual.reserve(classes.len());
    for (id, info) in classes.iter().enumerate() {
        project.class_by_qual.insert(info.qualname.clone(), id);
    }
    project.classes = classes;
    // Every file's classes on every core (resolution only reads the index built above), each
    // base name once per file: a file's classes mostly share their bases (a test module's
    // `TestCase`, a models module's `models.Model`).
    let mut files: Vec<std::ops::Range<ClassId>> = Vec::new();
    for (id, info) in project.classes.iter().enumerate() {
        match files.last_mut() {
            Some(range) if project.classes[range.start].file == info.file => range.end = id + 1,
            _ => files.push(id..id + 1),
        }
    }
    let bases: Vec<Vec<Base>> = files
        .into_par_iter()
        .flat_map_iter(|classes| {
            let mut known = rustc_hash::FxHashMap::default();
            classes
                .map(|id| resolve_bases(project, id, &mut known))
                .collect::<Vec<_>>()
        })
        .collect();
    for (info, bases) in project.classes.iter_mut().zip(bases) {
        info.bases = bases;
    }
    let ancestries: Vec<_> = (0..project.classes.len())
        .into_par_iter()
        .map(|id| ancestry(project, id))
        .collect();
    for (info, (mro, externals)) in project.classes.iter_mut().zip(ancestries) {
        info.mro = mro;
        info.externals = externals;
    }
}

/// The classes of a body, and those nested in them, with `outer` numbered within `out`.
fn collect(
    file: FileId,
    prefix: &str,
    body: &[Stmt],
    outer: Option<ClassId>,
    out: &mut Vec<ClassInfo>,
) {
    for stmt in scope_statements(body) {
        let Stmt::Class(def) = stmt else { continue };
        // Not `format!`: its machinery was most of the time spent here, on every class.
        let mut qualname = String::with_capacity(prefix.len() + 1 + def.name.len());
        qualname.push_str(prefix);
        qualname.push('.');
        qualname.push_str(&def.name);
        let qualname: Arc<str> = qualname.into();
        let id = out.len();
        out.push(ClassInfo {
            file,
            def: def.clone(),
            qualname: qualname.clone(),
            outer,
            bases: Vec::new(),
            mro: Vec::new(),
            externals: Vec::new(),
        });
        collect(file, &qualname, &def.body, Some(id), out);
    }
}

/// The bases of class `id`; `known` holds what the base names of its file resolved to.
fn resolve_bases(
    project: &Project,
    id: ClassId,
    known: &mut rustc_hash::FxHashMap<String, Result<ClassId, Arc<str>>>,
) -> Vec<Base> {
    let info = &project.classes[id];
    info.def
        .bases
        .iter()
        .filter_map(|base| {
            // `class Meta(Base.Meta)` inside a serializer: `Base` is a module-level name.
            let qual = project.qual_or_written(info.file, base)?;
            let resolved = match known.get(&qual) {
                Some(resolved) => resolved.clone(),
                None => {
                    let resolved = project.class_for(&qual).ok_or_else(|| Arc::from(&*qual));
                    known.insert(qual.clone(), resolved.clone());
                    resolved
                }
            };
            Some(match resolved {
                Ok(class) if class != id => Base::Project(class),
                Ok(_) => Base::External(qual.into()),
                Err(external) => Base::External(external),
            })
        })
        .collect()
}

fn ancestry(project: &Project, id: ClassId) -> (Vec<ClassId>, Vec<Arc<str>>) {
    let mut mro = Vec::new();
    let mut externals = Vec::new();
    let mut stack = vec![id];
    while let Some(current) = stack.pop() {
        if mro.contains(&current) || mro.len() > 64 {
            continue;
        }
        mro.push(current);
        for base in project.classes[current].bases.iter().rev() {
            match base {
                Base::Project(b) => stack.push(*b),
                Base::External(q) if !externals.contains(q) => externals.push(q.clone()),
                Base::External(_) => {}
            }
        }
    }
    (mro, externals)
}

impl Project {
    /// Whether any external ancestor's qualified name satisfies `pred`.
    pub fn inherits(&self, class: ClassId, pred: impl Fn(&str) -> bool) -> bool {
        self.classes[class].externals.iter().any(|q| pred(q))
    }

    /// The class inherits one of `names` from DRF's module `module` (or a name written so).
    pub fn inherits_drf(&self, class: ClassId, module: &str, names: &[&str]) -> bool {
        self.inherits(class, |q| is_drf(q, module, names))
    }

    /// A method defined by the class or a project ancestor, with the class that defines it.
    pub fn method(&self, class: ClassId, name: &str) -> Option<(ClassId, &FunctionDef)> {
        self.classes[class]
            .mro
            .iter()
            .find_map(|&c| self.classes[c].def.method(name).map(|m| (c, m)))
    }

    /// A class attribute (`serializer_class = …`) of the class or a project ancestor.
    pub fn class_attribute(
        &self,
        class: ClassId,
        name: &str,
    ) -> Option<(ClassId, &crate::syntax::Expr, crate::syntax::Span)> {
        self.classes[class].mro.iter().find_map(|&c| {
            self.classes[c]
                .def
                .attribute(name)
                .map(|(value, span)| (c, value, span))
        })
    }

    /// The nested class `name` (`Meta`) of the class or, as Python finds it, of an ancestor.
    pub fn nested_class(&self, class: ClassId, name: &str) -> Option<ClassId> {
        self.classes[class].mro.iter().find_map(|&c| {
            self.classes[c].def.nested_class(name)?;
            self.class_by_qual
                .get(format!("{}.{name}", self.classes[c].qualname).as_str())
                .copied()
        })
    }
}

/// `rest_framework.<module>.<Name>` for one of `names`, or the name written without a
/// resolvable import (`serializers.ModelSerializer` in a file whose imports did not parse).
pub fn is_drf(qual: &str, module: &str, names: &[&str]) -> bool {
    let last = last_segment(qual);
    if !names.contains(&last) {
        return false;
    }
    let head = &qual[..qual.len() - last.len()];
    head.is_empty()
        || head == format!("{module}.")
        || (head.starts_with("rest_framework.") && head.contains(module))
}
