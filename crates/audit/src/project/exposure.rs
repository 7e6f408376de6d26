//! What a serializer renders and accepts: the tree of its fields as DRF builds it, each with the
//! reason it is there (listed, `'__all__'`, not excluded, declared, nested by `depth`). The
//! exposure rules, the mass-assignment rule and `correlate` all read this one tree.

use super::{ClassId, FieldKind, ModelField, ModelId, Project, Serializer};
use crate::source::Loc;
use overshare_classify::{Class, Classifier};

/// Why a field is in a serializer's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Named in `Meta.fields` (the string's location).
    Listed(Loc),
    /// Every model field, by `fields = '__all__'`.
    All(Loc),
    /// Every model field not in `Meta.exclude`.
    NotExcluded(Loc),
    /// Declared on the serializer (the declaration statement).
    Declared(Loc),
    /// A related model nested whole by `Meta.depth`.
    Depth(Loc),
}

impl How {
    pub fn loc(self) -> Loc {
        match self {
            How::Listed(l)
            | How::All(l)
            | How::NotExcluded(l)
            | How::Declared(l)
            | How::Depth(l) => l,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Exposed {
    pub name: String,
    pub readable: bool,
    pub writable: bool,
    pub how: How,
    /// The serializer whose definition puts this field in the output.
    pub serializer: ClassId,
    /// The model field behind it, when there is one.
    pub field: Option<ModelField>,
    /// The nested serializer class, for a declared nested field.
    pub nested: Option<ClassId>,
    pub children: Vec<Exposed>,
}

/// A sensitive field reachable in a serializer's output.
#[derive(Debug, Clone)]
pub struct SensitivePath {
    /// Keys from the serializer's root (`["user", "password"]`).
    pub path: Vec<String>,
    pub rule_name: String,
    pub class: Class,
    pub severity: overshare_finding::Severity,
    /// How the first field of the path got into the output.
    pub how: How,
}

impl SensitivePath {
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

impl Project {
    /// The fields a serializer renders or accepts, nested ones as children.
    pub fn exposure(&self, class: ClassId) -> Vec<Exposed> {
        self.exposure_inner(class, &mut vec![class])
    }

    fn exposure_inner(&self, class: ClassId, stack: &mut Vec<ClassId>) -> Vec<Exposed> {
        let Some(s) = self.serializers.get(&class) else {
            return Vec::new();
        };
        self.names(s)
            .into_iter()
            .map(|(name, how)| self.exposed(s, name, how, stack))
            .collect()
    }

    /// The field names of a serializer with how each got there, in output order.
    fn names(&self, s: &Serializer) -> Vec<(String, How)> {
        let model = s.model.map(|m| &self.models[m]);
        let mut names: Vec<(String, How)> = match (&s.fields, &s.exclude, model) {
            (Some(super::FieldsSpec::List(list)), _, _) => list
                .iter()
                .map(|(n, loc)| (n.clone(), How::Listed(*loc)))
                .collect(),
            (Some(super::FieldsSpec::All(loc)), _, Some(m)) => m
                .fields
                .iter()
                .map(|f| (f.name.clone(), How::All(*loc)))
                .collect(),
            (None, Some((excluded, loc)), Some(m)) => m
                .fields
                .iter()
                .filter(|f| !excluded.contains(&f.name))
                .map(|f| (f.name.clone(), How::NotExcluded(*loc)))
                .collect(),
            _ => Vec::new(),
        };
        let listed = matches!(s.fields, Some(super::FieldsSpec::List(_)));
        for d in &s.declared {
            match names.iter_mut().find(|(n, _)| *n == d.name) {
                Some(entry) => entry.1 = How::Declared(d.loc),
                // An explicit list leaves out declared fields it does not name (DRF asserts).
                None if !listed => names.push((d.name.clone(), How::Declared(d.loc))),
                None => {}
            }
        }
        names
    }

    fn exposed(&self, s: &Serializer, name: String, how: How, stack: &mut Vec<ClassId>) -> Exposed {
        let flags = s.flags(&name);
        let read_only_listed = s.read_only_fields.contains(&name) || flags.read_only;
        let model = s.model.map(|m| &self.models[m]);
        if let Some(d) = s.declared(&name) {
            let field =
                model.and_then(|m| m.any_field(d.source.as_deref().unwrap_or(&name)).cloned());
            let children = match d.nested {
                Some(nested) if !stack.contains(&nested) => {
                    stack.push(nested);
                    let children = self.exposure_inner(nested, stack);
                    stack.pop();
                    children
                }
                _ => Vec::new(),
            };
            return Exposed {
                readable: !d.write_only && !flags.write_only,
                writable: !d.read_only && !read_only_listed,
                how,
                serializer: s.class,
                field,
                nested: d.nested,
                children,
                name,
            };
        }
        let field = model.and_then(|m| m.any_field(&name).cloned());
        let depth = s.depth.filter(|(d, _)| *d > 0);
        let (children, nested_by_depth) = match (&field, depth) {
            (Some(f), Some((d, loc))) if f.kind.is_relation() => match f.target {
                Some(target) => (self.model_exposure(target, d - 1, loc, s.class), true),
                None => (Vec::new(), true),
            },
            _ => (Vec::new(), false),
        };
        let writable = match &field {
            Some(f) => {
                !(f.read_only
                    || read_only_listed
                    || nested_by_depth
                    || matches!(f.kind, FieldKind::Reverse { .. }))
            }
            None => false,
        };
        Exposed {
            readable: !flags.write_only,
            writable,
            how,
            serializer: s.class,
            field,
            nested: None,
            children,
            name,
        }
    }

    /// A related model nested whole by `depth` (read-only, every forward field).
    fn model_exposure(
        &self,
        model: ModelId,
        remaining: i64,
        depth: Loc,
        serializer: ClassId,
    ) -> Vec<Exposed> {
        self.models[model]
            .fields
            .iter()
            .map(|f| {
                let children = match f.target {
                    Some(t) if remaining > 0 && f.kind.is_relation() => {
                        self.model_exposure(t, remaining - 1, depth, serializer)
                    }
                    _ => Vec::new(),
                };
                Exposed {
                    name: f.name.clone(),
                    readable: true,
                    writable: false,
                    how: How::Depth(depth),
                    serializer,
                    field: Some(f.clone()),
                    nested: None,
                    children,
                }
            })
            .collect()
    }
}

/// Every readable field of the tree the classifier calls sensitive (any class but references
/// to other objects, which are BOLA material rather than exposure), depth first.
pub fn sensitive_paths(tree: &[Exposed], classifier: &Classifier) -> Vec<SensitivePath> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    for node in tree {
        visit(node, node.how, classifier, &mut path, &mut out);
    }
    out
}

fn visit<'t>(
    node: &'t Exposed,
    root_how: How,
    classifier: &Classifier,
    path: &mut Vec<&'t str>,
    out: &mut Vec<SensitivePath>,
) {
    if !node.readable {
        return;
    }
    path.push(&node.name);
    if let Some(rule) = classifier.classify_name(path)
        && rule.class != Class::InternalReference
    {
        out.push(SensitivePath {
            path: path.iter().map(|s| s.to_string()).collect(),
            rule_name: rule.name.clone(),
            class: rule.class,
            severity: rule.severity,
            how: root_how,
        });
    }
    for child in &node.children {
        visit(child, root_how, classifier, path, out);
    }
    path.pop();
}

/// Find a node by its key path (array levels already left out).
pub fn find<'t>(tree: &'t [Exposed], path: &[&str]) -> Vec<&'t Exposed> {
    let mut chain = Vec::new();
    let mut level = tree;
    for key in path {
        let Some(node) = level.iter().find(|n| n.name == *key) else {
            break;
        };
        chain.push(node);
        level = &node.children;
    }
    chain
}
