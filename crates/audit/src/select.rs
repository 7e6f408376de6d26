//! What to parse: the statements an audit rule can read, chosen before parsing.
//!
//! Most of a large code base is function bodies no rule looks into (tests, ORM internals,
//! template tags). Parsing them was most of an audit's time, so each file is first outlined
//! (`outline`: statement boundaries, no parse), and the parser then reads the file with the
//! statements no rule needs cut out. [`Selection::pieces`] says where each piece of what is
//! parsed comes from, and the lowering maps every span back (`python::parse_pieces`): spans,
//! lines and snippets point into the real file.
//!
//! Kept:
//! - imports (those at module level are read without the parser, by `imports`, and cut out of
//!   the parsed text; the parser gets any the reader does not follow), class headers, and
//!   every class-level statement (fields, `Meta` options, view attributes);
//! - at module level, one-line statements that can alias a name (`User = get_user_model()`,
//!   `Base = serializers.ModelSerializer`), and any statement that mentions an import, a route
//!   (`urlpatterns`, `path(`, `register(`, …) or a setting a rule reads;
//! - the methods the project index reads by name, in any class ([`READ_METHODS`]), and the
//!   header of a method with an `@action` decorator;
//! - functions whose text mentions what a rule reads in a body: `.values()` (with a queryset
//!   word: `objects`, `queryset`, `_default_manager`), `.values_list(`,
//!   `model_to_dict`, `serialize(`, `@api_view`, `permission_classes`, the words
//!   `verify`/`VERIFY`, or a request container (`META`, `headers`, `environ`) together with a
//!   client-certificate word (`ssl`, `tls`, `cert`, `client_`, `amzn`);
//! - all of `urls.py` and settings modules.
//!
//! Every other module-level function stays as `def name(): 0` with its name where it is in the
//! file (the scopes still find it), and so does a method whose existence the index reads
//! (`create` in a viewset, `post` in an `APIView`: `views::is_read_by_existence`); other methods
//! are cut out (most of a large project's functions are tests' and helpers' methods, which no
//! rule reads in any way). A class body left with nothing is given a `0`. When the outline cannot
//! follow a file, or the selection does not parse cleanly, the file is parsed whole: a
//! selection can cost time but never report a syntax error that is not in the file.
//! `AuditOptions::full_parse` turns the selection off; `tests/selection.rs` and the benchmark
//! check that both give the same findings.

use crate::imports;
use crate::outline::{self, Kind, Statement};
use crate::syntax::Stmt;
use crate::words::Words;
use aho_corasick::AhoCorasick;
use std::cell::RefCell;
use std::path::Path;
use std::sync::LazyLock;

/// What the walk learned about a file before anything is parsed.
#[derive(Debug)]
pub struct Scanned<'t> {
    pub text: &'t str,
    /// `None`: parse the file whole.
    outline: Option<Vec<Statement>>,
}

/// Words that make a function worth parsing on their own.
/// (Methods the index reads by name, `authenticate` or `has_permission`, are kept by name; see
/// `READ_METHODS`.)
const STRONG_WORDS: &[&str] = &[
    "values(",
    "values_list(",
    "model_to_dict",
    "serialize(",
    "api_view",
    "permission_classes",
    "authentication_classes",
    "verif",
    "VERIF",
];
/// Decorators the index reads on methods (`@action` routes).
const DECORATOR_WORDS: &[&str] = &["action"];
/// Where client-certificate values come from.
const CONTAINER_WORDS: &[&str] = &["META", "headers", "environ"];
/// Words in client-certificate header names (matched ignoring case).
const CERTIFICATE_WORDS: &[&str] = &["ssl", "tls", "cert", "client_", "client-", "amzn"];
/// What a function that makes a queryset says (see `ovs607_values_without_fields`: a receiver
/// is a queryset when it goes through `objects`, `_default_manager`, a `queryset` attribute or
/// `get_queryset()`, or is a local name bound to one of those).
const QUERYSET_WORDS: &[&str] = &["objects", "_default_manager", "queryset"];
/// Words that make a module-level statement worth parsing.
const MODULE_WORDS: &[&str] = &[
    "import",
    "urlpatterns",
    "path(",
    "url(",
    "include(",
    "register(",
    "router",
    "DEBUG",
    "ALLOWED_HOSTS",
    "AUTH_USER_MODEL",
    "MIDDLEWARE",
    "REST_FRAMEWORK",
    "ROOT_URLCONF",
    "INSTALLED_APPS",
    "SECRET_KEY",
    "queryset",
    "serializer_class",
    "Serializer",
    "fields",
    "Router",
];

/// The strong words, then the container words: found in one pass over each file (see
/// `Anchor`).
static ANCHORS: LazyLock<Words> =
    LazyLock::new(|| Words::new(&[STRONG_WORDS, CONTAINER_WORDS].concat()));
static MODULE: LazyLock<Words> = LazyLock::new(|| Words::new(MODULE_WORDS));
static DECORATOR: LazyLock<Words> = LazyLock::new(|| Words::new(DECORATOR_WORDS));
static QUERYSET: LazyLock<Words> = LazyLock::new(|| Words::new(QUERYSET_WORDS));
/// Ignoring ASCII case (`SSL_CLIENT_S_DN`, `x-ssl-client-cert`), which the vectorized searcher
/// does not do.
static CERTIFICATE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(CERTIFICATE_WORDS)
        .expect("valid words")
});

/// Methods whose bodies the project index reads (views' scoping and serializer choice,
/// permission and authentication hooks, middleware entry points): kept in every class.
const READ_METHODS: &[&str] = &[
    "get_queryset",
    "get_object",
    "list",
    "retrieve",
    "get_serializer_class",
    "has_permission",
    "has_object_permission",
    "authenticate",
    "__call__",
    "process_request",
    "process_view",
];

impl<'t> Scanned<'t> {
    /// Outline a file's text. `path` says whether the file is read whole anyway (`urls.py`,
    /// settings).
    pub fn new(path: &Path, text: &'t str, full_parse: bool) -> Scanned<'t> {
        if full_parse || is_read_whole(path) {
            return Scanned {
                text,
                outline: None,
            };
        }
        let outline = outline::outline(text);
        Scanned { text, outline }
    }

    /// The text to parse: `None` for the file as it is, else the file with what no rule
    /// reads cut out.
    pub fn selection(&self) -> Option<Selection> {
        let block = self.outline.as_ref()?;
        let text = self.text.as_bytes();
        let selector = Selector {
            file: self.text,
            text,
            anchors: ANCHORS
                .find_iter(text)
                .map(|m| Anchor {
                    start: m.start as u32,
                    end: m.end as u32,
                    strong: m.word < STRONG_WORDS.len(),
                })
                .collect(),
            imports: RefCell::default(),
        };
        let mut cuts = Vec::new();
        selector.block(block, false, &mut cuts);
        (!cuts.is_empty()).then(|| Selection::new(self.text, &cuts, selector.imports.into_inner()))
    }
}

/// A file with blocks cut out, and where each of its pieces is in the file.
#[derive(Debug)]
pub struct Selection {
    pub text: String,
    /// `(offset in text, offset in the file)` of each piece, in order.
    pub pieces: Vec<(u32, u32)>,
    /// The module-level imports, read without the parser (see `imports`) and cut out of
    /// `text`, in order.
    pub imports: Vec<Stmt>,
}

/// A block cut out of a file, and what stands in for it.
struct Cut {
    start: u32,
    end: u32,
    stand_in: StandIn,
}

impl Cut {
    /// The whole statement, with what stands in for it.
    fn whole(s: &Statement, stand_in: StandIn) -> Cut {
        Cut {
            start: s.start,
            end: s.end,
            stand_in,
        }
    }
}

enum StandIn {
    Nothing,
    /// A `0` (indented like the file's range) standing for a function's body.
    Body {
        indent: (u32, u32),
    },
    /// `def <name>(): 0` at the definition's indentation, with the name where it is in the
    /// file: the function still exists for the index (a route's view, `project.method`).
    Stub {
        indent: (u32, u32),
        name: (u32, u32),
    },
}

impl Selection {
    fn new(file: &str, cuts: &[Cut], imports: Vec<Stmt>) -> Selection {
        // Sized exactly: the text is kept for the whole audit, for every file.
        let (mut len, mut count) = (file.len(), 1);
        for cut in cuts {
            len -= (cut.end - cut.start) as usize;
            len += cut.stand_in.len();
            count += 1 + cut.stand_in.pieces();
        }
        let mut text = String::with_capacity(len);
        let mut pieces = Vec::with_capacity(count);
        let mut pos = 0;
        for cut in cuts {
            pieces.push((text.len() as u32, pos as u32));
            text.push_str(&file[pos..cut.start as usize]);
            let range = |(from, to): (u32, u32)| &file[from as usize..to as usize];
            match cut.stand_in {
                StandIn::Nothing => {}
                StandIn::Body { indent } => {
                    pieces.push((text.len() as u32, cut.start));
                    text.push_str(range(indent));
                    text.push_str(BODY);
                }
                StandIn::Stub { indent, name } => {
                    pieces.push((text.len() as u32, cut.start));
                    text.push_str(range(indent));
                    text.push_str(DEF);
                    pieces.push((text.len() as u32, name.0));
                    text.push_str(range(name));
                    pieces.push((text.len() as u32, name.1));
                    text.push_str(STUB_END);
                }
            }
            pos = cut.end as usize;
        }
        pieces.push((text.len() as u32, pos as u32));
        text.push_str(&file[pos..]);
        debug_assert_eq!((text.len(), pieces.len()), (len, count));
        Selection {
            text,
            pieces,
            imports,
        }
    }
}

/// What stands in for a cut-out body, and the parts of a stub around the name.
const BODY: &str = "0\n";
const DEF: &str = "def ";
const STUB_END: &str = "(): 0\n";

impl StandIn {
    /// Pieces it adds to the selection.
    fn pieces(&self) -> usize {
        match self {
            StandIn::Nothing => 0,
            StandIn::Body { .. } => 1,
            StandIn::Stub { .. } => 3,
        }
    }

    /// Bytes it adds to the selection.
    fn len(&self) -> usize {
        let width = |(from, to): (u32, u32)| (to - from) as usize;
        match *self {
            StandIn::Nothing => 0,
            StandIn::Body { indent } => width(indent) + BODY.len(),
            StandIn::Stub { indent, name } => {
                width(indent) + DEF.len() + width(name) + STUB_END.len()
            }
        }
    }
}

fn is_read_whole(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let settings_like =
        |p: &str| p == "settings" || p.starts_with("settings_") || p.ends_with("_settings");
    stem == "urls"
        || settings_like(stem)
        || path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .is_some_and(settings_like)
}

struct Selector<'a> {
    file: &'a str,
    text: &'a [u8],
    /// Where the file mentions a strong or a container word, in order: one search of the file
    /// instead of one per function and per word list.
    anchors: Vec<Anchor>,
    /// Module-level imports read without the parser, in order.
    imports: RefCell<Vec<Stmt>>,
}

/// A strong word (`strong`) or a container word, at `start..end` in the file.
struct Anchor {
    start: u32,
    end: u32,
    strong: bool,
}

impl Selector<'_> {
    /// A statement's text: the only bytes its anchors are looked for in (statements that are
    /// kept anyway are never searched).
    fn text(&self, s: &Statement) -> &[u8] {
        &self.text[s.start as usize..s.end as usize]
    }

    /// A function is parsed when it mentions what a rule reads in function bodies.
    fn function_needed(&self, s: &Statement) -> bool {
        let text = self.text(s);
        let first = self.anchors.partition_point(|a| a.start < s.start);
        let mut container = false;
        for a in self.anchors[first..].iter().take_while(|a| a.end <= s.end) {
            let (start, end) = ((a.start - s.start) as usize, (a.end - s.start) as usize);
            if a.strong && is_anchor(text, start, end) {
                return true;
            }
            container |= !a.strong;
        }
        container && CERTIFICATE.is_match(text)
    }

    /// Another statement is parsed for the same reasons, or for a module-level word.
    fn statement_needed(&self, s: &Statement) -> bool {
        MODULE.is_match(self.text(s)) || self.function_needed(s)
    }

    /// The statement is one plain string literal (`"""Docstring."""`, `r'…'`), maybe
    /// followed by a comment: the lowering makes nothing of it. F-strings, bytes and implicit
    /// concatenations are not (they are lowered as expressions).
    fn is_bare_string(&self, s: &Statement) -> bool {
        let text = &self.text[..s.end as usize];
        let mut quote = s.first as usize;
        while quote < text.len() && matches!(text[quote], b'r' | b'R' | b'u' | b'U') {
            quote += 1;
        }
        if quote - s.first as usize > 1 || !matches!(text.get(quote), Some(b'"' | b'\'')) {
            return false;
        }
        outline::string_end(text, quote).is_some_and(|end| {
            let rest = text[end..].trim_ascii_start();
            rest.is_empty() || rest.starts_with(b"#")
        })
    }

    /// Cut what no rule reads out of a block (the module, or a class body: `in_class`). A
    /// class body never ends up empty: when every member is cut, the last one leaves a `0`.
    fn block(&self, block: &[Statement], in_class: bool, cuts: &mut Vec<Cut>) {
        let mut kept = false;
        for s in block {
            kept |= self.statement(s, in_class, cuts);
        }
        if in_class
            && !kept
            && let (Some(last), Some(cut)) = (block.last(), cuts.last_mut())
        {
            // The last member was cut last (nothing of it was kept).
            cut.stand_in = StandIn::Body {
                indent: (last.start, last.first),
            };
        }
    }

    /// Decide one statement; `false` when nothing of it is left.
    fn statement(&self, s: &Statement, in_class: bool, cuts: &mut Vec<Cut>) -> bool {
        match &s.kind {
            // Read here and cut out, unless the reader cannot follow it (see `imports`).
            Kind::Import if !in_class => {
                let Some(import) = imports::read(self.file, s.first as usize, s.end as usize)
                else {
                    return true;
                };
                self.imports.borrow_mut().push(import);
                cuts.push(Cut::whole(s, StandIn::Nothing));
                false
            }
            Kind::Import => true,
            Kind::Class(members) => {
                self.block(members, true, cuts);
                true
            }
            &Kind::Def(name_start, name_end) => {
                self.function(s, (name_start, name_end), in_class, cuts)
            }
            // A class's docstring (or any bare string in it) is never read.
            Kind::Other if in_class && self.is_bare_string(s) => {
                cuts.push(Cut::whole(s, StandIn::Nothing));
                false
            }
            // Everything else in a class stays (fields, `Meta` options, view attributes).
            Kind::Other if in_class => true,
            // At module level, a line that can alias a name (`User = get_user_model()`,
            // `Base = serializers.ModelSerializer`) stays, and any statement that mentions an
            // import, a route or a setting.
            Kind::Other if s.is_one_line() && is_alias(self.text(s)) => true,
            Kind::Other if !self.statement_needed(s) => {
                cuts.push(Cut::whole(s, StandIn::Nothing));
                false
            }
            Kind::Other => true,
        }
    }

    /// A function stays when a rule reads its body; else it becomes a stub (or, when its
    /// decorators are read, its header over a `0`), or, for a method no rule reads in any way,
    /// nothing. `false` when nothing of it is left.
    fn function(
        &self,
        s: &Statement,
        name: (u32, u32),
        in_class: bool,
        cuts: &mut Vec<Cut>,
    ) -> bool {
        let name_text = &self.file[name.0 as usize..name.1 as usize];
        if s.is_one_line() || READ_METHODS.contains(&name_text) || self.function_needed(s) {
            return true;
        }
        let Some(body) = s.body else {
            return true;
        };
        let head = &self.text[s.first as usize..s.head_end as usize];
        let stand_in = if head.starts_with(b"@") && DECORATOR.is_match(head) {
            let line =
                memchr::memrchr(b'\n', &self.text[..body as usize]).map_or(0, |p| p as u32 + 1);
            cuts.push(Cut {
                start: s.head_end,
                end: s.end,
                stand_in: StandIn::Body {
                    indent: (line, body),
                },
            });
            return true;
        } else if !in_class || crate::project::views::is_read_by_existence(name_text) {
            StandIn::Stub {
                indent: (s.start, s.first),
                name,
            }
        } else {
            StandIn::Nothing
        };
        let kept = !matches!(stand_in, StandIn::Nothing);
        cuts.push(Cut::whole(s, stand_in));
        kept
    }
}

/// `name = dotted.name` or `name = get_user_model()`: an assignment the index resolves names
/// through.
fn is_alias(statement: &[u8]) -> bool {
    let Some(eq) = memchr::memchr(b'=', statement) else {
        return false;
    };
    let value = statement[eq + 1..].trim_ascii();
    let value = value
        .iter()
        .position(|&b| b == b'#')
        .map_or(value, |p| value[..p].trim_ascii_end());
    let dotted = !value.is_empty()
        && value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80);
    dotted || value.ends_with(b"get_user_model()")
}

/// Whether a word found at `start..end` is what a rule reads, not a near miss:
/// - `.values(` only as `.values()`, and in a function that names a queryset: with a field
///   list (or named expressions) it is what the rule asks for, and `dict.values()` is not the
///   rule's;
/// - `.values_list(` only without fields (`values_list()`, `values_list(flat=True)`);
/// - `serialize(` only as a function (`serialize(…)`, `serializers.serialize(…)`), not as the
///   method of some other object.
fn is_anchor(text: &[u8], start: usize, end: usize) -> bool {
    let word = &text[start..end];
    let args = text[end..].trim_ascii_start();
    if word == b"values(" {
        // `dict.values()` is everywhere; OVS607 reads `.values()` only on a queryset, which
        // the function names (`Model.objects`, `self.queryset`, `get_queryset()`, a manager).
        args.starts_with(b")") && QUERYSET.is_match(text)
    } else if word == b"values_list(" {
        args.starts_with(b")") || args.starts_with(b"flat=") || args.starts_with(b"named=")
    } else if word == b"serialize(" {
        start == 0 || text[start - 1] != b'.' || text[..start].ends_with(b"serializers.")
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(src: &str) -> String {
        Scanned::new(Path::new("app/views.py"), src, false)
            .selection()
            .map_or_else(|| src.to_string(), |s| s.text)
    }

    #[test]
    fn class_docstrings_go_and_other_class_strings_stay() {
        let src = "class A(Base):\n    \"\"\"Docs.\n\n    More.\n    \"\"\"\n    x = 1\n    r'raw'  # note\n    f'{x}'\n    b'bytes'\n    'a' 'b'\n";
        assert_eq!(
            select(src),
            "class A(Base):\n    x = 1\n    f'{x}'\n    b'bytes'\n    'a' 'b'\n"
        );
        // A class with only a docstring keeps a body.
        let src = "class A:\n    '''Docs.'''\n";
        assert_eq!(select(src), "class A:\n    0\n");
    }

    #[test]
    fn unread_functions_become_stubs_and_read_ones_stay() {
        let src = "import os\n\n@decorator(\n    x=1,\n)\ndef helper(x):\n    y = x * 2\n    return y\n\ndef dump():\n    return User.objects.values( )\n";
        let out = select(src);
        assert_eq!(
            out,
            "\ndef helper(): 0\n\ndef dump():\n    return User.objects.values( )\n"
        );
    }

    #[test]
    fn module_imports_are_read_and_cut_and_those_the_reader_cannot_follow_stay() {
        let src =
            "import os\nfrom . import (a,\n    b as c)\nimport x; y = 1\nclass K:\n    import z\n";
        let selection = Scanned::new(Path::new("app/views.py"), src, false)
            .selection()
            .expect("something cut");
        assert_eq!(selection.text, "import x; y = 1\nclass K:\n    import z\n");
        let read: Vec<Vec<(&str, Option<&str>)>> = selection
            .imports
            .iter()
            .map(|stmt| match stmt {
                Stmt::Import { names, .. } | Stmt::ImportFrom { names, .. } => names
                    .iter()
                    .map(|n| (n.name.as_str(), n.asname.as_deref()))
                    .collect(),
                other => panic!("not an import: {other:?}"),
            })
            .collect();
        assert_eq!(
            read,
            [vec![("os", None)], vec![("a", None), ("b", Some("c"))]]
        );
    }

    #[test]
    fn classes_keep_attributes_read_methods_and_action_headers() {
        let src = "class V(ModelViewSet):\n    queryset = Order.objects.filter(\n        open=True,\n    )\n\n    def get_queryset(self):\n        return 1\n\n    @action(detail=True)\n    def close(self, request, pk):\n        return 2\n\n    def other(self):\n        return 3\n\n    def create(self, request):\n        return 4\n";
        let out = select(src);
        assert!(out.contains("open=True"), "{out}");
        assert!(out.contains("return 1"), "{out}");
        assert!(
            out.contains(
                "    @action(detail=True)\n    def close(self, request, pk):\n        0\n"
            ),
            "{out:?}"
        );
        // Read by its existence only: a stub. Not read at all: gone.
        assert!(out.contains("    def create(): 0\n"), "{out:?}");
        assert!(!out.contains("other"), "{out:?}");
        assert!(
            !out.contains("return 2") && !out.contains("return 3") && !out.contains("return 4"),
            "{out}"
        );
    }

    #[test]
    fn module_blocks_without_anchors_go_and_class_bodies_keep_a_statement() {
        let src = "if True:\n    class A:\n        X = {\n            1: 2,\n        }\n";
        assert_eq!(select(src), "");
        let src = "class A:\n    def f(self):\n        return 1\n";
        assert_eq!(select(src), "class A:\n    0\n");
        let src = "class A:\n    x = 1\n    @property\n    def f(self):\n        return 1\n";
        assert_eq!(select(src), "class A:\n    x = 1\n");
        let src = "def f():\n    class A:\n        pass\nclass B:\n    @property\n    def f(self):\n        return 1\n    def g(self):\n        return 2\n";
        assert_eq!(select(src), "def f(): 0\nclass B:\n    0\n");
    }

    #[test]
    fn module_one_liners_stay_when_they_can_alias_route_or_configure() {
        let src = "User = get_user_model()\nBase = serializers.ModelSerializer  # the base\nDEBUG = True\nrouter.register('x', XViewSet)\nlogger = logging.getLogger(__name__)\nCOLOURS = ['red']\nclass A:\n    colour = 'red'\n";
        assert_eq!(
            select(src),
            "User = get_user_model()\nBase = serializers.ModelSerializer  # the base\nDEBUG = True\nrouter.register('x', XViewSet)\nclass A:\n    colour = 'red'\n"
        );
    }

    #[test]
    fn certificate_reads_need_a_container_and_a_certificate_word() {
        let src = "def a(request):\n    return request.META['HTTP_X_SSL_CLIENT_S_DN']\n\ndef b(request):\n    return request.META['REMOTE_ADDR']\n";
        let out = select(src);
        assert!(out.contains("HTTP_X_SSL_CLIENT_S_DN"));
        assert!(!out.contains("REMOTE_ADDR"));
    }

    #[test]
    fn near_misses_of_the_anchors_are_not_anchors() {
        for (src, kept) in [
            ("def f():\n    return User.objects.values()\n", true),
            (
                "def f(self):\n    return self.get_queryset().values()\n",
                true,
            ),
            ("def f():\n    return User.objects.values('id')\n", false),
            // A dict's values, or a parameter's: not a queryset the rule can see.
            ("def f(d):\n    return d.values()\n", false),
            ("def f(qs):\n    return qs.values_list(flat=True)\n", true),
            (
                "def f(qs):\n    return qs.values_list('id', flat=True)\n",
                false,
            ),
            (
                "def f(qs):\n    return serializers.serialize('json', qs)\n",
                true,
            ),
            ("def f(qs):\n    return serialize('json', qs)\n", true),
            ("def f(s):\n    return s.serialize(1)\n", false),
        ] {
            assert_eq!(select(src) == src, kept, "{src}");
        }
    }

    #[test]
    fn urls_and_settings_are_read_whole() {
        for path in ["proj/urls.py", "proj/settings.py", "proj/settings/prod.py"] {
            let src = "def f():\n    return 1\n";
            let scanned = Scanned::new(Path::new(path), src, false);
            assert!(scanned.selection().is_none(), "{path}");
        }
        let scanned = Scanned::new(
            Path::new("proj/views.py"),
            "def f():\n    return 1\n",
            false,
        );
        assert!(scanned.selection().is_some());
    }
}
