//! The adapter to the Python parser (ruff's `ruff_python_parser` / `ruff_python_ast`, pinned to
//! `=0.0.10`: later versions need a newer Rust, and ruff promises no API stability). This is
//! the only module that names a ruff type: it parses a file, recovering from syntax errors, and
//! lowers the tree into [`crate::syntax`]. A parser upgrade (or a switch to tree-sitter) is a
//! change to this file alone.

use crate::syntax::{
    Call, ClassDef, CmpOp, Comparison, Expr, FunctionDef, Ident, ImportName, Keyword, Module, Span,
    Stmt,
};
use ruff_python_ast as ast;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::{Ranged, TextRange};
use std::sync::Arc;

/// A syntax error the parser recovered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parse a module. Never fails: on a syntax error the parser keeps going and the tree holds
/// what it could make of the rest, so the audit still sees every class that parsed.
pub fn parse(source: &str) -> (Module, Vec<SyntaxError>) {
    let parsed = ruff_python_parser::parse_unchecked_source(source, ast::PySourceType::Python);
    lower(parsed)
}

/// Parse a selection of a file (pieces of it, see `select`): spans are offsets in the file.
/// `pieces` holds `(offset in source, offset in the file)` of each piece, in order.
pub fn parse_pieces(source: &str, pieces: &[(u32, u32)]) -> (Module, Vec<SyntaxError>) {
    PIECES.with_borrow_mut(|p| p.extend_from_slice(pieces));
    let lowered = parse(source);
    PIECES.with_borrow_mut(Vec::clear);
    lowered
}

thread_local! {
    /// The pieces of the selection being lowered (empty: the source is the whole file). A
    /// thread-local because `span` is called from every lowering function.
    static PIECES: std::cell::RefCell<Vec<(u32, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The piece the last offset was in: the lowering goes through the tree in source order,
    /// so nearly every offset is in that piece or the next (a selection has hundreds).
    static LAST_PIECE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn in_file(offset: u32) -> u32 {
    PIECES.with_borrow(|pieces| {
        let holds = |i: usize| {
            pieces.get(i).is_some_and(|&(at, _)| at <= offset)
                && pieces.get(i + 1).is_none_or(|&(next, _)| next > offset)
        };
        let last = LAST_PIECE.get();
        let i = if holds(last) {
            last
        } else if holds(last + 1) {
            last + 1
        } else {
            match pieces.partition_point(|&(at, _)| at <= offset) {
                0 => return offset,
                i => i - 1,
            }
        };
        LAST_PIECE.set(i);
        let (at, file) = pieces[i];
        file + (offset - at)
    })
}

fn lower(parsed: ruff_python_parser::Parsed<ast::ModModule>) -> (Module, Vec<SyntaxError>) {
    let errors = parsed
        .errors()
        .iter()
        .map(|e| SyntaxError {
            span: span(e.location),
            message: e.error.to_string(),
        })
        .collect();
    let body = parsed.suite().iter().map(stmt).collect();
    (Module { body }, errors)
}

/// Longest string literal whose value is kept (see `expr`).
const MAX_STRING: usize = 256;

fn span(range: TextRange) -> Span {
    Span {
        start: in_file(range.start().to_u32()),
        end: in_file(range.end().to_u32()),
    }
}

fn stmts(body: &[ast::Stmt]) -> Vec<Stmt> {
    body.iter().map(stmt).collect()
}

fn stmt(s: &ast::Stmt) -> Stmt {
    let sp = span(s.range());
    match s {
        ast::Stmt::ClassDef(c) => Stmt::Class(Arc::new(class_def(c))),
        ast::Stmt::FunctionDef(f) => Stmt::Function(Arc::new(function_def(f))),
        ast::Stmt::Assign(a) => Stmt::Assign {
            targets: a.targets.iter().map(expr).collect(),
            value: Box::new(expr(&a.value)),
            span: sp,
        },
        ast::Stmt::AnnAssign(a) => match &a.value {
            Some(value) => Stmt::Assign {
                targets: Box::new([expr(&a.target)]),
                value: Box::new(expr(value)),
                span: sp,
            },
            None => Stmt::Other { span: sp },
        },
        ast::Stmt::AugAssign(a) => Stmt::AugAssign {
            target: Box::new(expr(&a.target)),
            value: Box::new(expr(&a.value)),
            span: sp,
        },
        ast::Stmt::Import(i) => Stmt::Import {
            names: i.names.iter().map(import_name).collect(),
            span: sp,
        },
        ast::Stmt::ImportFrom(i) => Stmt::ImportFrom {
            module: i.module.as_ref().map(|m| m.id.as_str().into()),
            level: i.level,
            names: i.names.iter().map(import_name).collect(),
            span: sp,
        },
        ast::Stmt::If(i) => if_stmt(&i.test, &i.body, &i.elif_else_clauses, sp),
        ast::Stmt::Return(r) => Stmt::Return {
            value: r.value.as_deref().map(|v| Box::new(expr(v))),
            span: sp,
        },
        ast::Stmt::Raise(r) => Stmt::Raise {
            exc: r.exc.as_deref().map(|v| Box::new(expr(v))),
            span: sp,
        },
        // A bare string is a docstring (or a comment in disguise): nothing to audit.
        ast::Stmt::Expr(e) if e.value.is_string_literal_expr() => Stmt::Other { span: sp },
        ast::Stmt::Expr(e) => Stmt::Expr {
            value: Box::new(expr(&e.value)),
            span: sp,
        },
        ast::Stmt::Pass(_)
        | ast::Stmt::Break(_)
        | ast::Stmt::Continue(_)
        | ast::Stmt::Global(_)
        | ast::Stmt::Nonlocal(_) => Stmt::Other { span: sp },
        _ => block(s, sp),
    }
}

/// `if a: … elif b: … else: …` as `If(a, …, [If(b, …, […])])`.
fn if_stmt(
    test: &ast::Expr,
    body: &[ast::Stmt],
    clauses: &[ast::ElifElseClause],
    sp: Span,
) -> Stmt {
    let orelse: Box<[Stmt]> = match clauses.split_first() {
        None => Box::default(),
        Some((first, rest)) => match &first.test {
            Some(t) => Box::new([if_stmt(t, &first.body, rest, span(first.range))]),
            None => stmts(&first.body).into(),
        },
    };
    Stmt::If {
        test: Box::new(expr(test)),
        body: stmts(body).into(),
        orelse,
        span: sp,
    }
}

/// Collects the direct children of a node the audit does not model: ruff's `walk_*` functions
/// call `visit_stmt`/`visit_expr` on each direct child, which we lower without descending.
#[derive(Default)]
struct Children {
    exprs: Vec<Expr>,
    stmts: Vec<Stmt>,
}

impl<'a> Visitor<'a> for Children {
    fn visit_stmt(&mut self, s: &'a ast::Stmt) {
        self.stmts.push(stmt(s));
    }
    fn visit_expr(&mut self, e: &'a ast::Expr) {
        self.exprs.push(expr(e));
    }
}

fn block(s: &ast::Stmt, sp: Span) -> Stmt {
    let mut children = Children::default();
    visitor::walk_stmt(&mut children, s);
    Stmt::Block {
        exprs: children.exprs.into(),
        body: children.stmts.into(),
        span: sp,
    }
}

fn class_def(c: &ast::StmtClassDef) -> ClassDef {
    let (bases, _) = c.arguments.as_deref().map(arguments).unwrap_or_default();
    ClassDef {
        name: Ident::from(c.name.id.as_str()),
        name_span: span(c.name.range),
        bases: bases.into_vec(),
        decorators: c
            .decorator_list
            .iter()
            .map(|d| expr(&d.expression))
            .collect(),
        body: stmts(&c.body),
        span: span(c.range),
    }
}

fn function_def(f: &ast::StmtFunctionDef) -> FunctionDef {
    let params = f
        .parameters
        .iter()
        .map(|p| Ident::from(p.name().id.as_str()))
        .collect();
    FunctionDef {
        name: Ident::from(f.name.id.as_str()),
        name_span: span(f.name.range),
        params,
        decorators: f
            .decorator_list
            .iter()
            .map(|d| expr(&d.expression))
            .collect(),
        body: stmts(&f.body),
        span: span(f.range),
    }
}

fn import_name(alias: &ast::Alias) -> ImportName {
    ImportName {
        name: Ident::from(alias.name.id.as_str()),
        asname: alias.asname.as_ref().map(|a| Ident::from(a.id.as_str())),
        span: span(alias.range),
    }
}

fn arguments(args: &ast::Arguments) -> (Box<[Expr]>, Box<[Keyword]>) {
    let positional = args.args.iter().map(expr).collect();
    let keywords = args
        .keywords
        .iter()
        .map(|k| Keyword {
            arg: k.arg.as_ref().map(|a| Ident::from(a.id.as_str())),
            value: expr(&k.value),
            span: span(k.range),
        })
        .collect();
    (positional, keywords)
}

fn expr(e: &ast::Expr) -> Expr {
    let sp = span(e.range());
    match e {
        ast::Expr::Name(n) => Expr::Name {
            id: Ident::from(n.id.as_str()),
            span: sp,
        },
        ast::Expr::Attribute(a) => Expr::Attr {
            value: Box::new(expr(&a.value)),
            attr: Ident::from(a.attr.id.as_str()),
            span: sp,
        },
        ast::Expr::Call(c) => {
            let (args, keywords) = arguments(&c.arguments);
            Expr::Call(Box::new(Call {
                func: expr(&c.func),
                args,
                keywords,
                span: sp,
            }))
        }
        ast::Expr::StringLiteral(s) => Expr::Str {
            // Rules compare strings with field, header and setting names, all short: a long
            // literal (a docstring, an SQL query, a template) is kept as empty rather than
            // copied, which is most of what lowering would otherwise allocate.
            value: match s.value.to_str() {
                text if text.len() <= MAX_STRING => text.into(),
                _ => Ident::default(),
            },
            span: sp,
        },
        ast::Expr::NumberLiteral(n) => Expr::Int {
            value: match &n.value {
                ast::Number::Int(i) => i.as_i64(),
                _ => None,
            },
            span: sp,
        },
        ast::Expr::BooleanLiteral(b) => Expr::Bool {
            value: b.value,
            span: sp,
        },
        ast::Expr::NoneLiteral(_) => Expr::NoneLit { span: sp },
        ast::Expr::List(l) => seq(&l.elts, sp),
        ast::Expr::Tuple(t) => seq(&t.elts, sp),
        ast::Expr::Set(s) => seq(&s.elts, sp),
        ast::Expr::Dict(d) => Expr::Dict {
            items: d
                .items
                .iter()
                .map(|item| (item.key.as_ref().map(expr), expr(&item.value)))
                .collect(),
            span: sp,
        },
        ast::Expr::Subscript(s) => Expr::Subscript {
            value: Box::new(expr(&s.value)),
            index: Box::new(expr(&s.slice)),
            span: sp,
        },
        ast::Expr::Compare(c) => Expr::Compare(Box::new(Comparison {
            left: expr(&c.left),
            ops: c.ops.iter().map(cmp_op).collect(),
            comparators: c.comparators.iter().map(expr).collect(),
            span: sp,
        })),
        ast::Expr::BoolOp(b) => Expr::BoolOp {
            is_and: b.op == ast::BoolOp::And,
            values: b.values.iter().map(expr).collect(),
            span: sp,
        },
        ast::Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => Expr::Not {
            operand: Box::new(expr(&u.operand)),
            span: sp,
        },
        _ => {
            let mut children = Children::default();
            visitor::walk_expr(&mut children, e);
            Expr::Other {
                children: children.exprs.into(),
                span: sp,
            }
        }
    }
}

fn seq(elts: &[ast::Expr], sp: Span) -> Expr {
    Expr::Seq {
        elts: elts.iter().map(expr).collect(),
        span: sp,
    }
}

fn cmp_op(op: &ast::CmpOp) -> CmpOp {
    match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::NotEq,
        ast::CmpOp::In => CmpOp::In,
        ast::CmpOp::NotIn => CmpOp::NotIn,
        ast::CmpOp::Is => CmpOp::Is,
        ast::CmpOp::IsNot => CmpOp::IsNot,
        _ => CmpOp::Order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_classes_calls_and_strings() {
        let (module, errors) = parse("class A(b.C):\n    x = f('s', k=True)\n");
        assert!(errors.is_empty());
        let Stmt::Class(class) = &module.body[0] else {
            panic!("not a class: {:?}", module.body[0]);
        };
        assert_eq!(class.name, "A");
        assert_eq!(class.bases[0].dotted().as_deref(), Some("b.C"));
        let (value, _) = class.attribute("x").unwrap();
        let call = value.as_call().unwrap();
        assert_eq!(call.args[0].as_str(), Some("s"));
        assert!(call.flag("k"));
    }

    /// Statements nested in blocks come in source order, right after the block's header, an
    /// `else` after its `if`, and nothing from inside a nested function or class.
    #[test]
    fn scope_statements_walk_blocks_in_source_order_and_stop_at_scopes() {
        let src = "a = 1\nif t:\n    b = 1\n    for x in y:\n        c = 1\nelse:\n    d = 1\n\
                   def f():\n    hidden = 1\nclass K:\n    hidden = 2\ne = 1\n";
        let (module, errors) = parse(src);
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> = crate::syntax::scope_statements(&module.body)
            .map(|stmt| match stmt {
                Stmt::Assign { targets, .. } => targets[0].as_name().unwrap_or("?").to_string(),
                Stmt::If { .. } => "if".into(),
                Stmt::Block { .. } => "for".into(),
                Stmt::Function(f) => format!("def {}", f.name),
                Stmt::Class(c) => format!("class {}", c.name),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            names,
            ["a", "if", "b", "for", "c", "d", "def f", "class K", "e"]
        );
    }

    /// Offsets map to the file through the piece that holds them, whatever order they are
    /// asked in (the last piece used is only a hint).
    #[test]
    fn spans_of_a_selection_are_the_files() {
        let src = "x = 1\ny = 2\nz = 3\n";
        let pieces = [(0, 0), (6, 50), (12, 90)];
        let (module, errors) = parse_pieces(src, &pieces);
        assert!(errors.is_empty());
        let starts: Vec<(u32, u32)> = module
            .body
            .iter()
            .map(|s| (s.span().start, s.span().end))
            .collect();
        assert_eq!(starts, [(0, 5), (50, 55), (90, 95)]);
        PIECES.with_borrow_mut(|p| p.extend_from_slice(&pieces));
        for (offset, expected) in [
            (13, 91),
            (0, 0),
            (7, 51),
            (5, 5),
            (12, 90),
            (6, 50),
            (17, 95),
        ] {
            assert_eq!(in_file(offset), expected, "{offset}");
        }
        PIECES.with_borrow_mut(Vec::clear);
        assert_eq!(in_file(13), 13);
    }

    #[test]
    fn recovers_from_a_syntax_error() {
        let (module, errors) = parse("def f(:\n    pass\n\nclass Later:\n    y = 1\n");
        assert!(!errors.is_empty());
        assert!(
            module
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Class(c) if c.name == "Later"))
        );
    }
}
