//! Django models: the project's (from any module, fields inherited from abstract bases) and
//! Django's own `auth.User`, with relations resolved (`"accounts.Tenant"`, `"self"`,
//! `settings.AUTH_USER_MODEL`) and the reverse relations they create (`related_name`).

use super::{AUTH_USER, ClassId, Project, USER_MODEL, last_segment};
use crate::source::Loc;
use crate::syntax::{Call, Expr};

/// Relation names that say who owns an object (`tenant = ForeignKey(Tenant)`): a queryset over
/// all rows of a model with one needs a per-caller filter, and a client must not write one.
pub const OWNER_RELATIONS: &[&str] = &[
    "owner",
    "user",
    "tenant",
    "organization",
    "organisation",
    "org",
    "account",
    "company",
    "customer",
    "team",
    "workspace",
    "created_by",
    "author",
    "client",
    "partner",
    "member",
    "profile",
];
/// Index of a model in [`Project::models`]; 0 is Django's `auth.User`.
pub type ModelId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Plain,
    ForeignKey,
    OneToOne,
    ManyToMany,
    /// The reverse side of another model's relation (`related_name`).
    Reverse {
        many: bool,
    },
}

impl FieldKind {
    pub fn is_relation(self) -> bool {
        self != FieldKind::Plain
    }
}

#[derive(Debug, Clone)]
pub struct ModelField {
    pub name: String,
    pub kind: FieldKind,
    /// The field class's name (`CharField`, `ForeignKey`).
    pub field_type: String,
    pub target: Option<ModelId>,
    /// Where the field is declared (none for Django's built-in fields).
    pub loc: Option<Loc>,
    /// `editable=False`, or the auto primary key: DRF renders it read-only.
    pub read_only: bool,
    /// `related_name=` of a relation.
    pub related_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    /// The app label (`accounts` for `accounts/models.py`).
    pub app: String,
    pub class: Option<ClassId>,
    /// Concrete and forward relation fields, in declaration order (what `'__all__'` gives).
    pub fields: Vec<ModelField>,
    /// Reverse relations other models declare onto this one.
    pub reverse: Vec<ModelField>,
    pub is_abstract: bool,
}

impl Model {
    pub fn field(&self, name: &str) -> Option<&ModelField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// A forward or reverse field by name (what a serializer's `fields` may list).
    pub fn any_field(&self, name: &str) -> Option<&ModelField> {
        self.field(name)
            .or_else(|| self.reverse.iter().find(|f| f.name == name))
    }
}

/// Django's `AbstractUser` fields, in its declaration order (what `'__all__'` exposes).
const USER_FIELDS: &[(&str, &str)] = &[
    ("password", "CharField"),
    ("last_login", "DateTimeField"),
    ("is_superuser", "BooleanField"),
    ("username", "CharField"),
    ("first_name", "CharField"),
    ("last_name", "CharField"),
    ("email", "EmailField"),
    ("is_staff", "BooleanField"),
    ("is_active", "BooleanField"),
    ("date_joined", "DateTimeField"),
];
const USER_RELATIONS: &[&str] = &["groups", "user_permissions"];

fn builtin_user() -> Model {
    let plain = USER_FIELDS
        .iter()
        .map(|(name, ty)| builtin_field(name, ty, FieldKind::Plain));
    let relations = USER_RELATIONS
        .iter()
        .map(|name| builtin_field(name, "ManyToManyField", FieldKind::ManyToMany));
    Model {
        name: "User".into(),
        app: "auth".into(),
        class: None,
        fields: std::iter::once(auto_id())
            .chain(plain)
            .chain(relations)
            .collect(),
        reverse: Vec::new(),
        is_abstract: false,
    }
}

fn builtin_field(name: &str, ty: &str, kind: FieldKind) -> ModelField {
    ModelField {
        name: name.into(),
        kind,
        field_type: ty.into(),
        target: None,
        loc: None,
        read_only: false,
        related_name: None,
    }
}

fn auto_id() -> ModelField {
    ModelField {
        read_only: true,
        ..builtin_field("id", "AutoField", FieldKind::Plain)
    }
}

pub(super) fn index(project: &mut Project) {
    project.models = vec![builtin_user()];
    let model_classes: Vec<ClassId> = (0..project.classes.len())
        .filter(|&c| is_model_class(project, c))
        .collect();
    for &class in &model_classes {
        let info = &project.classes[class];
        let id = project.models.len();
        project.models.push(Model {
            name: info.name().to_string(),
            app: app_label(&project.files[info.file].module),
            class: Some(class),
            fields: Vec::new(),
            reverse: Vec::new(),
            is_abstract: is_abstract(project, class),
        });
        project.model_of_class.insert(class, id);
    }
    project.user_model = project
        .settings
        .auth_user_model
        .clone()
        .and_then(|label| project.model_by_label(&label, None))
        .unwrap_or(0);
    let fields: Vec<Vec<ModelField>> = model_classes
        .iter()
        .map(|&class| model_fields(project, class))
        .collect();
    for (id, fields) in (1..).zip(fields) {
        project.models[id].fields = fields;
    }
    add_reverse_relations(project);
}

fn is_model_class(project: &Project, class: ClassId) -> bool {
    project.classes[class].outer.is_none()
        && project.inherits(class, |q| {
            q == "django.db.models.Model"
                || q == "models.Model"
                || q.starts_with("django.db.models.base.")
                || q.starts_with("django.contrib.auth.models.Abstract")
                || q.starts_with("django.contrib.auth.base_user.Abstract")
                || q == "django.contrib.auth.models.PermissionsMixin"
        })
}

fn is_abstract(project: &Project, class: ClassId) -> bool {
    project.classes[class]
        .def
        .nested_class("Meta")
        .and_then(|meta| meta.attribute("abstract"))
        .is_some_and(|(value, _)| matches!(value, Expr::Bool { value: true, .. }))
}

/// `accounts` for `accounts.models` or `shop.accounts.models.users`.
fn app_label(module: &str) -> String {
    let parts: Vec<&str> = module.split('.').collect();
    match parts.iter().rposition(|p| *p == "models") {
        Some(i) if i > 0 => parts[i - 1].to_string(),
        _ if parts.len() > 1 => parts[parts.len() - 2].to_string(),
        _ => parts[0].to_string(),
    }
}

/// Fields of a model class: Django's user fields when it extends `AbstractUser`, then those
/// of project ancestors (farthest first), then its own; an auto `id` unless a field is the
/// primary key.
fn model_fields(project: &Project, class: ClassId) -> Vec<ModelField> {
    let mut fields: Vec<ModelField> = Vec::new();
    if project.inherits(class, |q| last_segment(q) == "AbstractUser") {
        fields.extend(builtin_user().fields.into_iter().skip(1));
    }
    let mro = &project.classes[class].mro;
    for &c in mro.iter().rev() {
        for field in own_fields(project, c, class) {
            fields.retain(|f| f.name != field.name);
            fields.push(field);
        }
    }
    let has_pk = project.classes[class].mro.iter().any(|&c| {
        project.classes[c]
            .def
            .assignments()
            .any(|(_, v, _)| v.as_call().is_some_and(|call| call.flag("primary_key")))
    });
    if !has_pk {
        fields.insert(0, auto_id());
    }
    fields
}

fn own_fields(project: &Project, class: ClassId, model_class: ClassId) -> Vec<ModelField> {
    let info = &project.classes[class];
    info.def
        .assignments()
        .filter_map(|(name, value, span)| {
            let call = value.as_call()?;
            let ty = field_type(call)?;
            let kind = match ty {
                "ForeignKey" | "ParentalKey" | "TreeForeignKey" => FieldKind::ForeignKey,
                "OneToOneField" => FieldKind::OneToOne,
                "ManyToManyField" | "ParentalManyToManyField" => FieldKind::ManyToMany,
                _ => FieldKind::Plain,
            };
            let target = kind
                .is_relation()
                .then(|| relation_target(project, info.file, call, model_class))
                .flatten();
            Some(ModelField {
                name: name.to_string(),
                kind,
                field_type: ty.to_string(),
                target,
                loc: Some(Loc {
                    file: info.file,
                    span,
                }),
                read_only: matches!(
                    call.keyword("editable"),
                    Some(Expr::Bool { value: false, .. })
                ),
                related_name: call
                    .keyword("related_name")
                    .and_then(Expr::as_str)
                    .map(str::to_string),
            })
        })
        .collect()
}

/// The field class name of a model field declaration (`models.CharField(...)`), if it is one.
fn field_type(call: &Call) -> Option<&str> {
    let name = match &call.func {
        Expr::Name { id, .. } => id.as_str(),
        Expr::Attr { attr, .. } => attr.as_str(),
        _ => return None,
    };
    let is_field = name.ends_with("Field") || name.ends_with("ForeignKey") || name == "ParentalKey";
    // Generic relations are not columns: `'__all__'` does not render them.
    (is_field && !matches!(name, "GenericForeignKey" | "GenericRelation")).then_some(name)
}

fn relation_target(
    project: &Project,
    file: crate::source::FileId,
    call: &Call,
    model_class: ClassId,
) -> Option<super::ModelId> {
    let target = call.keyword("to").or(call.args.first())?;
    if let Some(label) = target.as_str() {
        if label == "self" {
            return project.model_of_class(model_class);
        }
        let app = &project.models[project.model_of_class(model_class)?].app;
        return project.model_by_label(label, Some(app));
    }
    let qual = project.qual_or_written(file, target)?;
    project.model_by_qual(&qual)
}

fn add_reverse_relations(project: &mut Project) {
    let mut reverse = Vec::new();
    for (id, model) in project.models.iter().enumerate() {
        for field in &model.fields {
            let (Some(target), true) = (field.target, field.kind.is_relation()) else {
                continue;
            };
            let related_name = field.related_name.clone();
            let lower = model.name.to_ascii_lowercase();
            let (name, many) = match (related_name, field.kind) {
                (Some(n), _) if n.ends_with('+') => continue,
                (Some(n), kind) => (n, kind != FieldKind::OneToOne),
                (None, FieldKind::OneToOne) => (lower, false),
                (None, _) => (format!("{lower}_set"), true),
            };
            reverse.push((
                target,
                ModelField {
                    name,
                    kind: FieldKind::Reverse { many },
                    field_type: "Reverse".into(),
                    target: Some(id),
                    loc: field.loc,
                    read_only: true,
                    related_name: None,
                },
            ));
        }
    }
    for (target, field) in reverse {
        project.models[target].reverse.push(field);
    }
}

impl Project {
    /// The model an `"app.Model"` or `"Model"` label names (`app` is the referring model's
    /// app, tried first for a bare name).
    pub fn model_by_label(&self, label: &str, app: Option<&str>) -> Option<ModelId> {
        if label == "auth.User" {
            return Some(0);
        }
        let (label_app, name) = match label.rsplit_once('.') {
            Some((a, n)) => (Some(a), n),
            None => (app, label),
        };
        let named = |m: &&Model| m.class.is_some() && m.name == name;
        let in_app = self
            .models
            .iter()
            .position(|m| named(&m) && Some(m.app.as_str()) == label_app);
        in_app.or_else(|| self.models.iter().position(|m| named(&m)))
    }

    /// The model a qualified name refers to (a project model class, Django's `User`, or the
    /// configured user model).
    pub fn model_by_qual(&self, qual: &str) -> Option<ModelId> {
        match qual {
            USER_MODEL | "django.conf.settings.AUTH_USER_MODEL" => Some(self.user_model),
            AUTH_USER => Some(0),
            _ => self.model_of_class(self.class_for(qual)?),
        }
    }

    /// The model an expression (`UserProfile`, `get_user_model()`) refers to.
    pub fn model_of_expr(&self, file: crate::source::FileId, expr: &Expr) -> Option<ModelId> {
        self.model_by_qual(&self.qual_or_written(file, expr)?)
    }

    /// Whether a model belongs to someone (a relation to the user model, or a field named
    /// like an owner): then a queryset over all of its rows needs a per-caller filter.
    pub fn has_owner(&self, model: ModelId) -> bool {
        self.models[model].fields.iter().any(|f| {
            matches!(f.kind, FieldKind::ForeignKey | FieldKind::OneToOne)
                && (f.target == Some(self.user_model)
                    || f.target == Some(0)
                    || OWNER_RELATIONS.contains(&f.name.as_str()))
        })
    }
}
