//! DRF serializers: `Meta` as Python resolves it (the nearest class with a `Meta`, whose
//! attributes come through `class Meta(Base.Meta)`), and declared fields, inherited ones
//! included (a nested serializer, `many=`, `read_only=`, `source=`).

use super::{ClassId, ModelId, Project, last_segment};
use crate::source::{FileId, Loc};
use crate::syntax::{Expr, Span};
use std::collections::HashMap;

/// `Meta.fields`.
#[derive(Debug, Clone)]
pub enum FieldsSpec {
    /// `fields = '__all__'`, where it is written.
    All(Loc),
    /// An explicit list: each name with where it is written.
    List(Vec<(String, Loc)>),
}

/// Per-field options from `extra_kwargs`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldFlags {
    pub read_only: bool,
    pub write_only: bool,
}

/// A field declared on the serializer class (`activities = ActivitySerializer(many=True)`).
#[derive(Debug, Clone)]
pub struct Declared {
    pub name: String,
    /// The declaration statement.
    pub loc: Loc,
    /// The serializer class, when the field is a nested serializer.
    pub nested: Option<ClassId>,
    /// The field class's name (`CharField`, `SerializerMethodField`, `UserSerializer`).
    pub field_type: String,
    pub many: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Serializer {
    pub class: ClassId,
    /// A `ModelSerializer` (or `HyperlinkedModelSerializer`).
    pub is_model_serializer: bool,
    pub model: Option<ModelId>,
    pub fields: Option<FieldsSpec>,
    /// `Meta.exclude`: the names and where the attribute is written.
    pub exclude: Option<(Vec<String>, Loc)>,
    pub depth: Option<(i64, Loc)>,
    pub read_only_fields: Vec<String>,
    pub extra_kwargs: HashMap<String, FieldFlags>,
    pub declared: Vec<Declared>,
}

impl Serializer {
    pub fn declared(&self, name: &str) -> Option<&Declared> {
        self.declared.iter().find(|d| d.name == name)
    }

    pub fn flags(&self, name: &str) -> FieldFlags {
        self.extra_kwargs.get(name).copied().unwrap_or_default()
    }

    pub fn depth(&self) -> i64 {
        self.depth.map_or(0, |(d, _)| d)
    }
}

const SERIALIZERS: &[&str] = &[
    "Serializer",
    "ModelSerializer",
    "HyperlinkedModelSerializer",
    "ListSerializer",
    "BaseSerializer",
];

pub(super) fn index(project: &mut Project) {
    let ids: Vec<ClassId> = (0..project.classes.len())
        .filter(|&c| project.is_serializer_class(c))
        .collect();
    let built: Vec<Serializer> = ids.iter().map(|&c| build(project, c)).collect();
    project.serializers = ids.into_iter().zip(built).collect();
}

impl Project {
    pub fn is_serializer_class(&self, class: ClassId) -> bool {
        self.classes[class].outer.is_none() && self.inherits_drf(class, "serializers", SERIALIZERS)
    }

    /// The serializer class an expression names (`UserSerializer`, `s.UserSerializer`).
    pub fn serializer_of_expr(&self, file: FileId, expr: &Expr) -> Option<ClassId> {
        self.class_of_expr(file, expr)
            .filter(|c| self.serializers.contains_key(c))
    }
}

fn build(project: &Project, class: ClassId) -> Serializer {
    let meta = MetaReader {
        project,
        meta: project.nested_class(class, "Meta"),
    };
    let model = meta
        .get("model")
        .and_then(|(file, value, _)| project.model_of_expr(file, value));
    Serializer {
        class,
        is_model_serializer: project.inherits_drf(
            class,
            "serializers",
            &["ModelSerializer", "HyperlinkedModelSerializer"],
        ),
        model,
        fields: meta.fields(),
        exclude: meta.get("exclude").map(|(file, value, span)| {
            (
                meta.strings(file, value, 0)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect(),
                Loc { file, span },
            )
        }),
        depth: meta
            .get("depth")
            .and_then(|(file, value, span)| match value {
                Expr::Int { value: Some(d), .. } => Some((*d, Loc { file, span })),
                _ => None,
            }),
        read_only_fields: meta
            .get("read_only_fields")
            .map(|(file, value, _)| {
                meta.strings(file, value, 0)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect()
            })
            .unwrap_or_default(),
        extra_kwargs: meta.extra_kwargs(),
        declared: declared_fields(project, class),
    }
}

/// Reads `Meta` attributes the way Python finds them: in the `Meta` class, then its bases.
struct MetaReader<'p> {
    project: &'p Project,
    meta: Option<ClassId>,
}

impl<'p> MetaReader<'p> {
    fn get(&self, name: &str) -> Option<(FileId, &'p Expr, Span)> {
        let (class, value, span) = self.project.class_attribute(self.meta?, name)?;
        Some((self.project.classes[class].file, value, span))
    }

    fn fields(&self) -> Option<FieldsSpec> {
        let (file, value, span) = self.get("fields")?;
        if value.as_str() == Some("__all__") {
            return Some(FieldsSpec::All(Loc { file, span }));
        }
        let names = self.strings(file, value, 0);
        Some(FieldsSpec::List(
            names
                .into_iter()
                .map(|(name, span)| (name, Loc { file, span }))
                .collect(),
        ))
    }

    /// The strings of a list/tuple, following `fields` references to other `Meta` attributes
    /// (`read_only_fields = fields`, `Base.Meta.fields + [...]`).
    fn strings(&self, file: FileId, value: &'p Expr, depth: u8) -> Vec<(String, Span)> {
        if depth > 4 {
            return Vec::new();
        }
        match value {
            Expr::Seq { elts, .. } => elts
                .iter()
                .filter_map(|e| Some((e.as_str()?.to_string(), e.span())))
                .collect(),
            Expr::Str { value, span } if &**value != "__all__" => vec![(value.to_string(), *span)],
            Expr::Name { id, .. } => self
                .get(id)
                .map(|(f, v, _)| self.strings(f, v, depth + 1))
                .unwrap_or_default(),
            Expr::Attr {
                value: owner, attr, ..
            } => {
                let meta = self.project.class_of_expr(file, owner);
                let other = MetaReader {
                    project: self.project,
                    meta,
                };
                other
                    .get(attr)
                    .map(|(f, v, _)| other.strings(f, v, depth + 1))
                    .unwrap_or_default()
            }
            Expr::Other { children, .. } => children
                .iter()
                .flat_map(|c| self.strings(file, c, depth + 1))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn extra_kwargs(&self) -> HashMap<String, FieldFlags> {
        let Some((_, Expr::Dict { items, .. }, _)) = self.get("extra_kwargs") else {
            return HashMap::new();
        };
        items
            .iter()
            .filter_map(|(key, value)| {
                let name = key.as_ref()?.as_str()?.to_string();
                let Expr::Dict { items, .. } = value else {
                    return None;
                };
                let flag = |wanted: &str| {
                    items.iter().any(|(k, v)| {
                        k.as_ref().and_then(Expr::as_str) == Some(wanted)
                            && matches!(v, Expr::Bool { value: true, .. })
                    })
                };
                Some((
                    name,
                    FieldFlags {
                        read_only: flag("read_only"),
                        write_only: flag("write_only"),
                    },
                ))
            })
            .collect()
    }
}

/// Declared fields of the class and its project ancestors (nearest wins), in source order.
fn declared_fields(project: &Project, class: ClassId) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    for &c in project.classes[class].mro.iter() {
        let info = &project.classes[c];
        for (name, value, span) in info.def.assignments() {
            if out.iter().any(|d| d.name == name) {
                continue;
            }
            if let Some(declared) = declared_field(project, info.file, name, value, span) {
                out.push(declared);
            }
        }
    }
    out
}

fn declared_field(
    project: &Project,
    file: FileId,
    name: &str,
    value: &Expr,
    span: Span,
) -> Option<Declared> {
    let call = value.as_call()?;
    let written = call.func.dotted()?;
    let field_type = last_segment(&written).to_string();
    let nested = project.serializer_of_expr(file, &call.func).or_else(|| {
        project
            .class_of_expr(file, &call.func)
            .filter(|&c| project.is_serializer_class(c))
    });
    let is_field =
        field_type.ends_with("Field") || field_type.ends_with("Serializer") || nested.is_some();
    if !is_field || name == "Meta" {
        return None;
    }
    Some(Declared {
        name: name.to_string(),
        loc: Loc { file, span },
        nested,
        many: call.flag("many"),
        read_only: call.flag("read_only")
            || matches!(
                field_type.as_str(),
                "SerializerMethodField" | "ReadOnlyField" | "HiddenField"
            ),
        write_only: call.flag("write_only"),
        source: call
            .keyword("source")
            .and_then(Expr::as_str)
            .map(str::to_string),
        field_type,
    })
}
