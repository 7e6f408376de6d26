//! Our own small Python syntax tree: what the rules need of a module, nothing more.
//!
//! The parser's tree (ruff's) is lowered into these types by [`crate::python`], the only module
//! that knows the parser. Everything the audit does not look into (comprehensions, lambdas,
//! f-strings, binary operators, loops, `with`, `try`) is kept as [`Expr::Other`] or
//! [`Stmt::Block`] with its children, so a walk still reaches every call and attribute inside.

use std::sync::Arc;

/// An identifier as written (`request`, `META`, `objects`). Nearly all fit in 24 bytes, which a
/// `CompactString` keeps inline: lowering a large tree then allocates once per node, not once
/// per node and once per name.
pub type Ident = compact_str::CompactString;

/// A byte range in the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// A comparison operator (only the distinctions the rules make).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    In,
    NotIn,
    Is,
    IsNot,
    Order,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Name {
        id: Ident,
        span: Span,
    },
    Attr {
        value: Box<Expr>,
        attr: Ident,
        span: Span,
    },
    Call(Box<Call>),
    Str {
        value: Ident,
        span: Span,
    },
    Int {
        value: Option<i64>,
        span: Span,
    },
    Bool {
        value: bool,
        span: Span,
    },
    NoneLit {
        span: Span,
    },
    /// A list, tuple or set display.
    Seq {
        elts: Box<[Expr]>,
        span: Span,
    },
    Dict {
        items: Box<[(Option<Expr>, Expr)]>,
        span: Span,
    },
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
        span: Span,
    },
    Compare(Box<Comparison>),
    /// `and`/`or` chains (`is_and` tells which).
    BoolOp {
        is_and: bool,
        values: Box<[Expr]>,
        span: Span,
    },
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    /// Anything else, with its direct sub-expressions.
    Other {
        children: Box<[Expr]>,
        span: Span,
    },
}

/// `left op comparator op comparator …` (boxed: most expressions are smaller).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Expr,
    pub ops: Vec<CmpOp>,
    pub comparators: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: Expr,
    pub args: Box<[Expr]>,
    pub keywords: Box<[Keyword]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keyword {
    /// `None` for `**kwargs`.
    pub arg: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportName {
    /// The dotted name imported (`rest_framework.serializers`, or `ModelSerializer`).
    pub name: Ident,
    pub asname: Option<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Class(Arc<ClassDef>),
    Function(Arc<FunctionDef>),
    /// `a = b = value`, and `a: T = value`.
    Assign {
        targets: Box<[Expr]>,
        value: Box<Expr>,
        span: Span,
    },
    AugAssign {
        target: Box<Expr>,
        value: Box<Expr>,
        span: Span,
    },
    Import {
        names: Box<[ImportName]>,
        span: Span,
    },
    ImportFrom {
        module: Option<Box<str>>,
        level: u32,
        names: Box<[ImportName]>,
        span: Span,
    },
    /// `elif` chains are lowered to nested `If`s in `orelse`.
    If {
        test: Box<Expr>,
        body: Box<[Stmt]>,
        orelse: Box<[Stmt]>,
        span: Span,
    },
    Return {
        value: Option<Box<Expr>>,
        span: Span,
    },
    Raise {
        exc: Option<Box<Expr>>,
        span: Span,
    },
    Expr {
        value: Box<Expr>,
        span: Span,
    },
    /// A compound statement the audit does not distinguish (`for`, `while`, `with`, `try`,
    /// `match`): its header expressions and every statement of every body, in source order.
    Block {
        exprs: Box<[Expr]>,
        body: Box<[Stmt]>,
        span: Span,
    },
    Other {
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub name: Ident,
    pub name_span: Span,
    pub bases: Vec<Expr>,
    pub decorators: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub name: Ident,
    pub name_span: Span,
    pub params: Vec<Ident>,
    pub decorators: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// One parsed module.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    pub body: Vec<Stmt>,
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Name { span, .. }
            | Expr::Attr { span, .. }
            | Expr::Str { span, .. }
            | Expr::Int { span, .. }
            | Expr::Bool { span, .. }
            | Expr::NoneLit { span }
            | Expr::Seq { span, .. }
            | Expr::Dict { span, .. }
            | Expr::Subscript { span, .. }
            | Expr::BoolOp { span, .. }
            | Expr::Not { span, .. }
            | Expr::Other { span, .. } => *span,
            Expr::Call(call) => call.span,
            Expr::Compare(c) => c.span,
        }
    }

    /// The string of a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Expr::Call(call) => Some(call),
            _ => None,
        }
    }

    pub fn as_name(&self) -> Option<&str> {
        match self {
            Expr::Name { id, .. } => Some(id),
            _ => None,
        }
    }

    /// `a.b.c` as `["a", "b", "c"]`, for plain names and attribute chains only.
    pub fn dotted(&self) -> Option<String> {
        match self {
            Expr::Name { id, .. } => Some(id.to_string()),
            Expr::Attr { value, attr, .. } => Some(format!("{}.{attr}", value.dotted()?)),
            _ => None,
        }
    }

    /// The direct sub-expressions, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Attr { value, .. } | Expr::Not { operand: value, .. } => vec![value],
            Expr::Call(call) => std::iter::once(&call.func)
                .chain(call.args.iter())
                .chain(call.keywords.iter().map(|k| &k.value))
                .collect(),
            Expr::Seq { elts, .. } => elts.iter().collect(),
            Expr::Dict { items, .. } => items
                .iter()
                .flat_map(|(k, v)| k.iter().chain(std::iter::once(v)))
                .collect(),
            Expr::Subscript { value, index, .. } => vec![value, index],
            Expr::Compare(c) => std::iter::once(&c.left)
                .chain(c.comparators.iter())
                .collect(),
            Expr::BoolOp { values, .. } => values.iter().collect(),
            Expr::Other { children, .. } => children.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Visit this expression and every expression inside it, depth first; `f` returns false
    /// to skip an expression's children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr) -> bool) {
        if !f(self) {
            return;
        }
        // The same order as `children`, without a vector per node: this runs over every
        // expression of the project.
        match self {
            Expr::Attr { value, .. } | Expr::Not { operand: value, .. } => value.walk(f),
            Expr::Call(call) => {
                call.func.walk(f);
                call.args.iter().for_each(|a| a.walk(f));
                call.keywords.iter().for_each(|k| k.value.walk(f));
            }
            Expr::Seq { elts: all, .. }
            | Expr::BoolOp { values: all, .. }
            | Expr::Other { children: all, .. } => all.iter().for_each(|e| e.walk(f)),
            Expr::Dict { items, .. } => {
                for (k, v) in items {
                    if let Some(k) = k {
                        k.walk(f);
                    }
                    v.walk(f);
                }
            }
            Expr::Subscript { value, index, .. } => {
                value.walk(f);
                index.walk(f);
            }
            Expr::Compare(c) => {
                c.left.walk(f);
                c.comparators.iter().for_each(|c| c.walk(f));
            }
            _ => {}
        }
    }

    /// Whether any expression inside satisfies `pred`.
    pub fn any(&self, pred: &mut impl FnMut(&Expr) -> bool) -> bool {
        let mut found = false;
        self.walk(&mut |e| {
            if !found && pred(e) {
                found = true;
            }
            !found
        });
        found
    }

    /// The elements of a list/tuple/set display.
    pub fn elements(&self) -> Option<&[Expr]> {
        match self {
            Expr::Seq { elts, .. } => Some(elts),
            _ => None,
        }
    }
}

impl Call {
    pub fn keyword(&self, name: &str) -> Option<&Expr> {
        self.keywords
            .iter()
            .find(|k| k.arg.as_deref() == Some(name))
            .map(|k| &k.value)
    }

    /// The method name when the call is `receiver.method(...)`.
    pub fn method(&self) -> Option<(&Expr, &str)> {
        match &self.func {
            Expr::Attr { value, attr, .. } => Some((value, attr)),
            _ => None,
        }
    }

    /// A keyword argument set to the literal `True`.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.keyword(name), Some(Expr::Bool { value: true, .. }))
    }
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Class(c) => c.span,
            Stmt::Function(f) => f.span,
            Stmt::Assign { span, .. }
            | Stmt::AugAssign { span, .. }
            | Stmt::Import { span, .. }
            | Stmt::ImportFrom { span, .. }
            | Stmt::If { span, .. }
            | Stmt::Return { span, .. }
            | Stmt::Raise { span, .. }
            | Stmt::Expr { span, .. }
            | Stmt::Block { span, .. }
            | Stmt::Other { span } => *span,
        }
    }

    /// The expressions directly in this statement (not in nested statements), in source
    /// order.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        // Each shape is a slice, up to two single expressions, then a slice: one iterator type
        // for every statement, with no allocation (this runs for every statement the index
        // and the rules walk).
        let (head, first, second, tail): (&[Expr], Option<&Expr>, Option<&Expr>, &[Expr]) =
            match self {
                Stmt::Assign { targets, value, .. } => (targets, Some(value), None, &[]),
                Stmt::AugAssign { target, value, .. } => (&[], Some(target), Some(value), &[]),
                Stmt::If { test, .. } => (&[], Some(test), None, &[]),
                Stmt::Return { value, .. } => (&[], value.as_deref(), None, &[]),
                Stmt::Raise { exc, .. } => (&[], exc.as_deref(), None, &[]),
                Stmt::Expr { value, .. } => (&[], Some(value), None, &[]),
                Stmt::Block { exprs, .. } => (exprs, None, None, &[]),
                Stmt::Class(c) => (&c.bases, None, None, &c.decorators),
                Stmt::Function(f) => (&f.decorators, None, None, &[]),
                _ => (&[], None, None, &[]),
            };
        head.iter().chain(first).chain(second).chain(tail)
    }

    /// The bodies nested directly in this one (of an `if` and its `else`, of a block; not class
    /// or function bodies, which are scopes of their own), in source order.
    pub fn nested_bodies(&self) -> (&[Stmt], &[Stmt]) {
        match self {
            Stmt::If { body, orelse, .. } => (body, orelse),
            Stmt::Block { body, .. } => (body, &[]),
            _ => (&[], &[]),
        }
    }
}

/// Every statement of a scope body, including those nested in `if`/`for`/`with`/`try`, but not
/// inside nested functions or classes, in source order.
pub fn scope_statements(body: &[Stmt]) -> ScopeStatements<'_> {
    ScopeStatements {
        current: body.iter(),
        resume: Vec::new(),
    }
}

/// See [`scope_statements`]. An iterator, not a list: the index and the rules walk every scope
/// of the project this way, and most bodies are flat (the resume stack then never allocates).
pub struct ScopeStatements<'a> {
    current: std::slice::Iter<'a, Stmt>,
    /// Where to go on once the body being walked ends (the `orelse` of an `if`, then the
    /// rest of the enclosing body), innermost last.
    resume: Vec<std::slice::Iter<'a, Stmt>>,
}

impl<'a> Iterator for ScopeStatements<'a> {
    type Item = &'a Stmt;

    fn next(&mut self) -> Option<&'a Stmt> {
        loop {
            if let Some(stmt) = self.current.next() {
                let (body, orelse) = stmt.nested_bodies();
                if !body.is_empty() || !orelse.is_empty() {
                    let rest = std::mem::replace(&mut self.current, body.iter());
                    self.resume.push(rest);
                    if !orelse.is_empty() {
                        self.resume.push(orelse.iter());
                    }
                }
                return Some(stmt);
            }
            self.current = self.resume.pop()?;
        }
    }
}

/// Visit every expression of a scope body (statements nested in blocks included, nested
/// functions and classes excluded).
pub fn walk_scope_exprs<'a>(body: &'a [Stmt], f: &mut impl FnMut(&'a Expr) -> bool) {
    for stmt in scope_statements(body) {
        for expr in stmt.exprs() {
            expr.walk(f);
        }
    }
}

/// Every function defined in a body, methods of nested classes and nested functions included
/// (a function before those nested in it).
pub fn all_functions(body: &[Stmt]) -> Vec<&Arc<FunctionDef>> {
    fn collect<'a>(body: &'a [Stmt], out: &mut Vec<&'a Arc<FunctionDef>>) {
        for stmt in scope_statements(body) {
            match stmt {
                Stmt::Function(f) => {
                    out.push(f);
                    collect(&f.body, out);
                }
                Stmt::Class(c) => collect(&c.body, out),
                _ => {}
            }
        }
    }
    // One list for the whole tree: this runs on every file of the project.
    let mut out = Vec::new();
    collect(body, &mut out);
    out
}

impl ClassDef {
    /// The methods defined directly in the class body.
    pub fn method(&self, name: &str) -> Option<&FunctionDef> {
        self.body.iter().find_map(|stmt| match stmt {
            Stmt::Function(f) if f.name == name => Some(&**f),
            _ => None,
        })
    }

    pub fn methods(&self) -> impl Iterator<Item = &FunctionDef> {
        self.body.iter().filter_map(|stmt| match stmt {
            Stmt::Function(f) => Some(&**f),
            _ => None,
        })
    }

    /// A class nested directly in the body (`Meta`).
    pub fn nested_class(&self, name: &str) -> Option<&Arc<ClassDef>> {
        self.body.iter().find_map(|stmt| match stmt {
            Stmt::Class(c) if c.name == name => Some(c),
            _ => None,
        })
    }

    /// `name = value` in the class body (the last one wins, as in Python).
    pub fn attribute(&self, name: &str) -> Option<(&Expr, Span)> {
        self.assignments()
            .filter(|(target, _, _)| *target == name)
            .map(|(_, value, span)| (value, span))
            .last()
    }

    /// `(name, value, statement span)` of every simple assignment in the class body.
    pub fn assignments(&self) -> impl Iterator<Item = (&str, &Expr, Span)> {
        self.body.iter().flat_map(|stmt| match stmt {
            Stmt::Assign {
                targets,
                value,
                span,
            } => targets
                .iter()
                .filter_map(|t| t.as_name())
                .map(|name| (name, &**value, *span))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of a large project is tens of millions of these: keep them small (a variant
    /// that grows one of them should be boxed).
    #[test]
    fn nodes_stay_small() {
        assert!(
            std::mem::size_of::<Expr>() <= 48,
            "{}",
            std::mem::size_of::<Expr>()
        );
        assert!(
            std::mem::size_of::<Stmt>() <= 56,
            "{}",
            std::mem::size_of::<Stmt>()
        );
    }
}
