/* lwc.h: the Ludwig compiler: sources, tokens, syntax tree, types, values and every stage. */
#ifndef LWC_H
#define LWC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"

/*
 * The driver API (driver.c) is what `lwc` and `fugue run` call; everything below it is the
 * compiler's inside. Stages run in order: lexer -> layout -> parser -> loader (imports) ->
 * resolve -> check (types) -> eval -> resources -> validate -> emit. A stage that reports an
 * error stops the pipeline after it finishes.
 */

enum lwc_output {
	LWC_OUT_NULL,   /* compile only */
	LWC_OUT_SIMPLE, /* the compiled composition as JSON */
	LWC_OUT_TREE,   /* the evaluated bindings, for debugging */
};

enum lwc_color { LWC_COLOR_AUTO, LWC_COLOR_ALWAYS, LWC_COLOR_NEVER };

struct lwc_options {
	const char *file;        /* the composition to compile */
	const char *include;     /* -i DIR1:DIR2, or NULL */
	const char *schema_path; /* -S DIR1:DIR2, or NULL */
	enum lwc_output output;
	int typecheck_only;      /* stop after type checking */
	int werror;              /* warnings are errors */
	int no_warnings;         /* do not print warnings */
	enum lwc_color color;
	FILE *diag;              /* where diagnostics go (stderr when NULL) */
};

/* driver.c */
/* Compiles o->file. On success returns 0 and, unless the output is LWC_OUT_NULL, sets *out to
 * the text to print (caller frees); on a compile error returns 1 (diagnostics already written). */
int lwc_compile(const struct lwc_options *o, char **out);
/* The same for a composition given as text (o->file names it in messages). Returns -1 when an
 * error was reported without a location (which no input should cause: the fuzzer checks). */
int lwc_compile_text(const struct lwc_options *o, const char *text, size_t len, char **out);

/* ---- inside the compiler ---- */

struct lwc;
struct module;
struct expr;
struct decl;
struct ty;
struct value;
struct rec;
struct sum;
struct restype;
struct snode;

/* arena.c: everything the compiler allocates lives until the compilation ends. */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *, size_t);
void *arena_zalloc(struct arena *, size_t);
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_printf(struct arena *, const char *, ...) FG_PRINTF(2, 3);
void arena_free(struct arena *);

/* A growable array of pointers, stored in the arena. */
struct vec {
	void **v;
	size_t n;
	size_t cap;
};
void vec_push(struct arena *, struct vec *, void *);
void vec_sort(struct vec *, int (*cmp)(const void *, const void *));

/* A map from strings to pointers (open addressing); keys are not copied. */
struct symtab {
	const char **keys;
	void **vals;
	size_t n;
	size_t cap;
};
void *symtab_get(const struct symtab *, const char *);
void symtab_put(struct symtab *, const char *, void *); /* replaces */
void symtab_free(struct symtab *);

/* A set of pointers (open addressing). Returns 1 when p was added, 0 when already present. */
struct ptrset {
	const void **v;
	size_t n;
	size_t cap;
};
int ptrset_add(struct ptrset *, const void *);
void ptrset_free(struct ptrset *);

/* diag.c: errors and warnings as file:line:col, the quoted line, a caret and a hint. */
struct source {
	char *path;     /* as shown in messages */
	char *text;     /* NUL-terminated */
	size_t len;
	size_t *lines;  /* byte offset of each line start */
	size_t nlines;
};
struct span {
	const struct source *src;
	uint32_t off;  /* byte offset */
	uint32_t len;  /* bytes */
	uint32_t line; /* 1-based */
	uint32_t col;  /* 1-based, in characters */
};
struct source *source_new(struct lwc *, const char *path, char *text, size_t len);
/* Reports an error at sp (NULL: no location); returns -1 for convenience. */
int lwc_error(struct lwc *, const struct span *, const char *, ...) FG_PRINTF(3, 4);
void lwc_warn(struct lwc *, const struct span *, const char *, ...) FG_PRINTF(3, 4);
/* Adds a hint line to the diagnostic just reported. */
void lwc_hint(struct lwc *, const char *, ...) FG_PRINTF(2, 3);
/* The candidate closest to name (edit distance small for its length), or NULL. */
const char *lwc_suggest(const char *name, const char *const *cands, size_t n);
struct span span_join(const struct span *, const struct span *);

/* lexer.c */
enum tok {
	T_EOF,
	T_NEWLINE,
	T_INDENT,
	T_DEDENT,
	T_LOWER,  /* name starting lower case or '_' */
	T_UPPER,  /* name starting upper case */
	T_INT,
	T_FLOAT,
	T_STRING,
	/* keywords */
	T_AS,
	T_CASE,
	T_COMPOSITION,
	T_ELSE,
	T_FALSE,
	T_FUN,
	T_IF,
	T_IMPORT,
	T_LET,
	T_NONE,
	T_OF,
	T_THEN,
	T_TRUE,
	T_TYPE,
	T_VALIDATE,
	T_WITH,
	/* punctuation */
	T_LPAREN,
	T_RPAREN,
	T_LBRACKET,
	T_RBRACKET,
	T_LBRACE,
	T_RBRACE,
	T_COMMA,
	T_COLON,
	T_DOT,
	T_BAR,
	T_ARROW,
	T_PLUSPLUS,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_PERCENT,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_AND,
	T_OR,
	T_NOT,
	T_DEFAULT, /* ?| */
};
struct token {
	enum tok kind;
	int bol;          /* first token on its line */
	struct span sp;
	const char *text; /* names: the name; strings: the decoded value */
	size_t len;       /* decoded length of a string */
	int64_t ival;
	double fval;
};
struct tokens {
	struct token *v;
	size_t n;
	size_t cap;
};
const char *tok_name(enum tok);
/* Splits src into tokens (no layout yet); returns -1 after reporting an error. */
int lex(struct lwc *, const struct source *, struct tokens *);

/* layout.c: turns indentation into NEWLINE, INDENT and DEDENT tokens outside brackets. */
int layout(struct lwc *, const struct tokens *in, struct tokens *out);

/* The syntax tree (made by parser.c and parse_expr.c, with ast.c). Every node keeps its source
 * span; resolve.c and the checker fill in what names refer to and the types. */
enum ex_kind {
	E_INT,
	E_FLOAT,
	E_STRING,
	E_BOOL,
	E_NONE,
	E_PATH,   /* a.b.C.d: resolved into a name and field accesses */
	E_FIELD,  /* e.name */
	E_INDEX,  /* e.0 (tuples and lists) */
	E_LIST,
	E_TUPLE,
	E_RECORD,
	E_CALL,   /* f(a, b) */
	E_NAMED,  /* f {k: v} or an indented block: named arguments */
	E_WITH,   /* r with {f: v} / r with a.b: v */
	E_IF,
	E_CASE,
	E_BLOCK,  /* let lines and a result */
	E_BINOP,
	E_UNOP,
	E_LAMBDA, /* fun(x: T) -> e */
};

enum ref_kind {
	REF_NONE,
	REF_LOCAL,   /* a parameter or let: frame depth and slot */
	REF_GLOBAL,  /* a top-level binding or function */
	REF_CTOR,    /* a constructor */
	REF_BUILTIN, /* a prelude or Fugue.Core function */
	REF_TYPE,    /* a record type applied to a record: Tier {name: "web"} */
};

struct field_init {
	const char *name; /* may be dotted in `with` paths */
	struct span sp;   /* of the name */
	struct expr *value;
};

struct pattern {
	enum { P_WILD, P_CTOR, P_NONE, P_SOME, P_BOOL, P_INT, P_STRING, P_BIND } kind;
	struct span sp;
	const char *name;      /* constructor path (P_CTOR) or bound name (P_BIND) */
	const char *binder;    /* name bound to the payload, or NULL */
	struct span binder_sp;
	int slot;              /* of the binder */
	int64_t ival;
	const char *sval;
	size_t slen;
	struct ctor *ctor;     /* resolved */
	int used;              /* binder referenced */
};

struct alt {
	struct pattern pat;
	struct expr *body;
};

struct let {
	const char *name;
	struct span sp;
	struct texpr *annot;
	struct expr *value;
	int slot;
	int used;
};

struct param {
	const char *name;
	struct span sp;
	struct texpr *type;
	struct ty *ty;
	int slot;
};

struct expr {
	enum ex_kind kind;
	struct span sp;
	struct ty *ty; /* set by the checker */
	union {
		int64_t ival;
		double fval;
		int bval;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			const char **segs;
			struct span *segsp;
			size_t n;
			/* set by resolve */
			enum ref_kind ref;
			int depth, slot;
			struct let *let;         /* REF_LOCAL from a let, for unused warnings */
			struct decl *decl;       /* REF_GLOBAL, REF_TYPE */
			struct ctor *ctor;       /* REF_CTOR */
			const struct builtin *bi; /* REF_BUILTIN */
		} path;
		struct {
			struct expr *obj;
			const char *name;
			struct span namesp;
			/* inline cache for records */
			const struct rec *cache_rec;
			size_t cache_idx;
			int attr; /* a read-only attribute of a resource (index into attrs), or -1 */
		} field;
		struct {
			struct expr *obj;
			size_t index;
		} index;
		struct {
			struct expr **items;
			size_t n;
		} list; /* E_LIST, E_TUPLE */
		struct {
			struct field_init *fields;
			size_t n;
			struct rec *rec; /* set by the checker */
		} record;
		struct {
			struct expr *fn;
			struct expr **args;
			size_t n;
			struct expr *record; /* E_NAMED: an E_RECORD */
			/* set by the checker for E_NAMED: args in parameter order (NULL = None) */
			struct expr **ordered;
		} call;
		struct {
			struct expr *obj;
			struct field_init *fields;
			size_t n;
		} with;
		struct {
			struct expr *cond, *then, *els;
		} cond;
		struct {
			struct expr *subject;
			struct alt *alts;
			size_t n;
		} kase;
		struct {
			struct let *lets;
			size_t n;
			struct expr *result;
		} block;
		struct {
			enum tok op;
			struct expr *l, *r;
		} bin;
		struct {
			enum tok op;
			struct expr *e;
		} un;
		struct {
			struct param *params;
			size_t n;
			struct texpr *ret;
			struct expr *body;
			int nslots;
		} lambda;
	} u;
};

/* Type expressions as written. */
struct texpr {
	enum { TE_NAME, TE_APP, TE_TUPLE, TE_FUN, TE_RECORD } kind;
	struct span sp;
	const char *name;        /* TE_NAME, TE_APP: dotted */
	struct texpr **args;     /* TE_APP args, TE_TUPLE items, TE_FUN params */
	size_t n;
	struct texpr *ret;       /* TE_FUN */
	struct field_decl *fields; /* TE_RECORD */
	size_t nfields;
};

struct field_decl {
	const char *name;
	struct span sp;
	struct texpr *type;
};

struct ctor_decl {
	const char *name;
	struct span sp;
	struct texpr *payload; /* or NULL */
};

enum decl_kind {
	D_BINDING,
	D_FUN,
	D_RECORD,
	D_SUM,
	D_VALIDATE,
	D_IMPORT,
	D_RESOURCE, /* a resource type from a plugin schema */
};

struct decl {
	enum decl_kind kind;
	const char *name;   /* dotted within its module; import: the alias */
	struct span sp;     /* of the name */
	struct module *mod;
	union {
		struct {
			struct texpr *annot;
			struct expr *value;
			int nslots;
		} bind;
		struct {
			struct param *params;
			size_t n;
			struct texpr *ret;
			struct expr *body;
			int nslots;
		} fun;
		struct {
			struct field_decl *fields;
			size_t n;
		} rec;
		struct {
			struct ctor_decl *ctors;
			size_t n;
		} sum;
		struct {
			struct expr *fn; /* an E_PATH */
		} validate;
		struct {
			const char *path; /* Fugue.AWS.EC2 */
			struct module *target;
			int used;
		} import;
		struct {
			struct restype *rt;
		} res;
	} u;
	/* resolve */
	struct vec deps;   /* struct decl * this one refers to */
	struct vec depsp;  /* struct span * of each reference */
	int mark;          /* cycle search */
	/* check: the type (validate: of the values it checks) */
	struct ty *ty;
	/* eval: the value (functions: as a closure) */
	struct value *val;
};

struct module {
	const char *name;     /* Fugue.AWS.EC2; "" for the file being compiled */
	struct source *src;
	int composition;      /* declared `composition` */
	int library;          /* a Fugue.* module: values created inside carry the caller's location */
	int builtin;          /* Fugue.Core: no source */
	struct vec decls;     /* in source order */
	struct symtab names;  /* dotted name -> struct decl * (values, functions, types) */
	struct symtab ctors;  /* dotted name -> struct ctor * */
	int mark;             /* import cycle search */
};

/* ast.c: making nodes, modules and declarations; dotted names. */
struct expr *expr_new(struct lwc *, enum ex_kind, const struct span *);
struct texpr *texpr_new(struct lwc *, int kind, const struct span *);
struct decl *decl_new(struct lwc *, enum decl_kind, const char *name, const struct span *,
    struct module *);
struct module *module_new(struct lwc *, const char *name);
void *vec_flatten(struct lwc *, const struct vec *, size_t elem_size);
const char *path_join(struct lwc *, const char *const *segs, size_t from, size_t to);
const char *last_segment(const char *);
int is_upper_name(const char *);

/* parser.c */
/* Parses the laid-out tokens of one file into m->decls; returns -1 after reporting an error. */
int parse(struct lwc *, const struct tokens *, struct module *m);
/* The state of a parse, and the token helpers parse_expr.c shares. */
struct parser {
	struct lwc *c;
	const struct tokens *t;
	size_t pos;
	struct module *m;
	int depth; /* of recursion, bounded against deeply nested input */
};
const struct token *ps_peek_at(struct parser *, size_t k);
const struct token *ps_peek(struct parser *);
enum tok ps_kind(struct parser *, size_t k);
const struct token *ps_next(struct parser *);
const struct token *ps_prev(struct parser *);
int ps_accept(struct parser *, enum tok);
void *ps_expected(struct parser *, const char *what);
const struct token *ps_expect(struct parser *, enum tok, const char *what);
int ps_end_line(struct parser *);
int ps_block_follows(struct parser *);
int ps_enter(struct parser *);
const char *ps_dotted(struct parser *, struct span *sp, int upper_only);
struct texpr *ps_type(struct parser *);
int ps_params(struct parser *, struct param **out, size_t *n, int untyped_ok);

/* parse_expr.c */
struct expr *ps_expr(struct parser *);
struct expr *ps_body(struct parser *);
struct expr *ps_path(struct parser *);
/* Parses a type signature of a builtin ("(f: (a) -> b, xs: List<a>) -> List<b>"). */
int parse_signature(struct lwc *, const char *text, struct param **params, size_t *n,
    struct texpr **ret);

/* loader.c */
/* Loads the root file and, transitively, its imports. */
struct module *load_root(struct lwc *, const char *path);
struct module *load_root_text(struct lwc *, const char *name, const char *text, size_t len);

/* types.c */
enum ty_kind {
	TY_ERROR, /* after an error: compatible with everything, reported once */
	TY_NEVER, /* the item type of [] and the type of None: assignable to anything */
	TY_INT,
	TY_FLOAT,
	TY_BOOL,
	TY_STRING,
	TY_LIST,
	TY_OPTIONAL,
	TY_TUPLE,
	TY_RECORD,
	TY_SUM,
	TY_RESOURCE,
	TY_FUN,
	TY_REF, /* a string, or a resource of type rt whose attribute gives the string */
	TY_VAR, /* a type variable in a builtin signature */
};

struct ty {
	enum ty_kind kind;
	struct ty *elem;    /* list, optional */
	struct ty **items;  /* tuple items, function parameters */
	const char **pnames; /* function parameter names (for named calls), or NULL */
	size_t n;
	struct ty *ret;     /* function */
	struct rec *rec;
	struct sum *sum;
	struct restype *rt;
	int var;
};

struct field {
	const char *name;   /* Ludwig name */
	const char *api;    /* the name in the plugin schema (and the JSON output), or NULL */
	struct ty *ty;      /* Optional<T> when the field may be omitted */
	struct span sp;     /* declared at (records from source) */
	struct snode *schema;
	int deprecated;
};

struct rec {
	const char *name;   /* for messages */
	int structural;     /* anonymous: any record with fitting fields is accepted */
	struct field *fields;
	size_t n;
	struct decl *decl;  /* nominal records */
	struct restype *rt; /* the properties of a resource type */
	int oneof;          /* exactly one field of each oneOf group (schema objects) */
	size_t *by_api;     /* field indexes sorted by API name (emit.c, made on first use) */
};

struct ctor {
	const char *name;   /* as declared */
	struct span sp;
	struct ty *payload; /* or NULL */
	struct sum *sum;
	size_t index;
	struct decl *decl;
};

struct sum {
	const char *name;
	struct ctor **ctors;
	size_t n;
	struct decl *decl;
};

extern struct ty ty_error, ty_never, ty_int, ty_float, ty_bool, ty_string;
struct ty *ty_new(struct lwc *, enum ty_kind);
struct ty *ty_list(struct lwc *, struct ty *);
struct ty *ty_optional(struct lwc *, struct ty *);
/* Writes t as the user would spell it. */
void ty_print(struct fg_buf *, const struct ty *);
const char *ty_str(struct lwc *, const struct ty *);
int ty_equal(const struct ty *, const struct ty *);
/* 1 when a value of type a may be used where b is expected (lifting to Optional, structural
 * records, [] and None). */
int ty_assignable(const struct ty *a, const struct ty *b);
/* The field called name in r, or NULL. */
struct field *rec_field(const struct rec *, const char *name);
/* The smallest type both fit (if and case branches, list items), or NULL. */
struct ty *ty_join(struct lwc *, struct ty *, struct ty *);

/* builtins.c: the prelude (Int, Float, String, List, Validation) and Fugue.Core. */
struct evalctx;
struct builtin {
	const char *name; /* "List.map" */
	const char *sig;
	struct value *(*fn)(struct evalctx *, struct value **args, const struct span *call);
	int core;         /* member of Fugue.Core */
	struct ty *ty;    /* parsed signature (with TY_VAR) */
	int nvars;
};
enum builtin_special { BI_PLAIN, BI_RESOURCE, BI_EXTERNAL };
const struct builtin *builtin_find(const char *name, int core);
void format_float(double, char *buf, size_t len);
size_t builtin_names(const char **out, size_t max, const char *prefix, int core);
int builtins_init(struct lwc *);
enum builtin_special builtin_special(const struct builtin *);
extern struct sum validation_sum;
extern struct ty ty_validation;

/* resolve.c */
int resolve(struct lwc *);
void warn_unused_imports(struct lwc *);
/* The type declaration a written type name denotes in m, or NULL after reporting. */
struct decl *lookup_type(struct lwc *, struct module *, const char *name, const struct span *);

/* check.c */
int check(struct lwc *);
/* A written type in module m (NULL: a builtin signature, whose lower-case names are type
 * variables collected in vars); TY_ERROR after reporting. */
struct ty *ty_from_texpr(struct lwc *, struct module *, struct texpr *, struct vec *vars);

/* check_expr.c */
#define MAX_FRAMES 256
/* The state of checking one declaration. */
struct cctx {
	struct lwc *c;
	struct module *m;
	struct ty **frames[MAX_FRAMES]; /* slot types of each open frame */
	int nframes;
};
void check_decl(struct lwc *, struct decl *);
/* The type of e (hint: the type expected there, or NULL); records it on the node. */
struct ty *ck_infer(struct cctx *, struct expr *, struct ty *hint);
/* Infers e and reports when it does not fit want (ctx names the place, or NULL). */
struct ty *ck_expect(struct cctx *, struct expr *, struct ty *want, const char *ctx);
const char *ck_callee(struct lwc *, const struct expr *fn);
struct ty *ck_record(struct cctx *, struct expr *, struct ty *hint);

/* check_call.c */
struct ty *ck_call(struct cctx *, struct expr *);

/* schema.c: plugin JSON Schemas as resource types. */
struct snode {
	enum { S_STRING, S_INT, S_NUMBER, S_BOOL, S_ARRAY, S_OBJECT, S_DOCUMENT } kind;
	const char **enums;
	size_t nenums;
	const char *pattern;
	void *re;           /* compiled regex_t, or NULL */
	int cidr;           /* must be an IPv4 CIDR block */
	int has_min, has_max;
	double min, max;
	int64_t minlen, maxlen;   /* -1 when absent */
	int64_t minitems, maxitems;
	struct snode *items;
	struct rec *rec;    /* objects */
	struct restype *ref;  /* x-fugue-ref: a resource of this type */
	const char *ref_name; /* its type name until resolved */
	const char *ref_attr;
	int unique;         /* uniqueItems */
	int json_doc;       /* contentMediaType application/json */
	int oneof_group;    /* member of the parent's oneOf (1-based), or 0 */
	const char *desc;
	struct ty *ty;
};

struct attr {
	const char *name; /* Ludwig */
	const char *api;
	struct ty *ty;
};

struct restype {
	const char *name;    /* AWS.EC2.Vpc */
	const char *file;
	int tags;            /* x-fugue-tags: Fugue tags it (fugue:* keys are reserved) */
	struct rec *props;
	struct attr *attrs;  /* read-only attributes */
	size_t nattrs;
	struct ty *ty;       /* the resource type */
	struct ty *props_ty; /* the record type of its properties */
	struct decl *decl;
};

/* Loads every schema on the schema path (once); -1 after reporting errors. */
int schemas_load(struct lwc *);
struct restype *schema_find(struct lwc *, const char *name);
const struct attr *restype_attr(const struct restype *, const char *name);
const char *lower_camel(struct lwc *, const char *api);
void schemas_free(struct lwc *);
/* The resource types whose name is prefix.Name (for module Fugue.prefix). */
size_t schema_types_in(struct lwc *, const char *prefix, struct restype **out, size_t max);

/* eval.c */
enum val_kind {
	V_INT,
	V_FLOAT,
	V_BOOL,
	V_STRING,
	V_NONE,
	V_LIST,
	V_TUPLE,
	V_RECORD,
	V_CTOR,
	V_FUN,
	V_RESOURCE,
	V_REF, /* a read-only attribute of a resource: known when the resource exists */
};

struct frame {
	struct frame *up;
	struct value **slots;
};

struct resource {
	struct restype *rt;
	struct value *props; /* V_RECORD over rt->props; NULL for externals */
	const char *physical; /* externals */
	const char *region;   /* externals */
	const char *id;      /* logical id, set by extraction */
	const struct span *sp; /* where the user's code made it */
	struct vec deps;     /* struct resource * it references */
};

struct value {
	enum val_kind kind;
	uint32_t depth;        /* of nesting, bounded so that walking values cannot overflow */
	const struct span *sp; /* where it was made (in the user's code) */
	union {
		int64_t i;
		double f;
		int b;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct value **items;
			size_t n;
		} list; /* V_LIST, V_TUPLE */
		struct {
			const struct rec *rec;
			struct value **vals; /* NULL: a missing optional field */
		} rec;
		struct {
			const struct ctor *ctor;
			struct value *payload;
		} ctor;
		struct {
			struct decl *decl;
			struct expr *lambda;
			struct frame *env;
			struct module *mod; /* of the lambda */
			const struct builtin *bi;
			const struct ctor *ctor;
		} fun;
		struct resource *res;
		struct {
			struct value *res;
			const char *attr; /* api name */
		} ref;
	} u;
};

struct evalctx {
	struct lwc *c;
	const struct span *site; /* the user's call in progress while library code runs */
	int lib;                 /* running code of a Fugue.* module */
	int depth;
	struct module *cur;      /* whose code is running */
};
/* Evaluates every binding of the root module; -1 after reporting an error. */
int eval_all(struct lwc *);
struct value *val_new(struct evalctx *, enum val_kind, const struct span *);
struct value *val_string(struct evalctx *, const char *, size_t, const struct span *);
struct value *call_value(struct evalctx *, struct value *fn, struct value **args, size_t n,
    const struct span *sp);
int val_equal(struct evalctx *, const struct value *, const struct value *, const struct span *);
extern struct value val_none;
/* Records that parent holds child; -1 after an error when values nest too deeply. */
int val_nest(struct evalctx *, struct value *parent, const struct value *child);
struct value *eval_error(struct evalctx *, const struct span *, const char *, ...) FG_PRINTF(3, 4);

/* resources.c: logical ids, references and dependencies. */
int resources_extract(struct lwc *);

/* validate.c: schema constraints and `validate` declarations. */
int validate_all(struct lwc *);
/* 1 when s is an IPv4 CIDR block in canonical form; otherwise 0 with the reason in why. */
int cidr_check(const char *s, char *why, size_t whylen);

/* emit.c */
char *emit_composition(struct lwc *);
char *emit_tree(struct lwc *);

/* The state of one compilation. */
struct lwc {
	struct arena arena;
	const struct lwc_options *opt;
	FILE *diag;
	int color;
	int errors;
	int suppressed;       /* the last diagnostic was not printed (its hints neither) */
	int unlocated;        /* errors reported without a source location */
	struct vec incdirs;   /* include path, in order */
	struct vec schemadirs;
	struct vec sources;   /* struct source * */
	struct vec modules;   /* struct module *, root first */
	struct symtab modtab; /* name -> struct module * */
	struct vec loading;   /* modules whose imports are being loaded (cycle reports) */
	struct module *root;
	struct module *core;  /* Fugue.Core */
	struct symtab schemas; /* type name -> struct restype * */
	struct vec restypes;  /* sorted by name */
	struct vec regexes;   /* compiled schema patterns (regex_t *) */
	int schemas_loaded;
	struct vec order;     /* declarations in dependency order (from resolve) */
	struct vec resources; /* struct resource *, sorted by id (from extraction) */
	struct vec externals;
};

#endif
