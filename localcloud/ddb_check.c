/* ddb_check.c: the meaning of parsed DynamoDB expressions: #names and :values resolved from
 * the request, functions and operators checked, errors worded and ordered as DynamoDB does. */
#include <stdlib.h>
#include <string.h>

#include "ddb.h"

struct ctx_name {
	char *key;
	char *val;
	int used;
};
struct ctx_value {
	char *key;
	struct ddb_av av;
	int used;
};
struct ddb_ctx {
	struct ctx_name *names;
	size_t nnames;
	struct ctx_value *values;
	size_t nvalues;
};

/* Kinds of semantic error; each expression kind reports the first in its own order. */
enum sem {
	E_PARENS, E_UNKNOWN_FN, E_MISUSED_FN, E_RESERVED, E_SECTION, E_NAME, E_VALUE, E_OVERLAP,
	E_CONFLICT, E_OPERAND, E_COUNT, E_DISTINCT, E_FUNCTION, E_COUNT_OF_KINDS,
};

struct check {
	struct ddb_ctx *ctx;
	int update;                    /* the functions of update expressions */
	char *e[E_COUNT_OF_KINDS];
	struct ddb_path **paths;       /* for overlap checks */
	size_t npaths;
};

/* Tells whether key is a valid placeholder: the lead character then [0-9a-zA-Z_]+. */
static int
valid_key(const char *key, char lead)
{
	if (key[0] != lead || key[1] == 0)
		return 0;
	for (const char *s = key + 1; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    *s == '_'))
			return 0;
	return 1;
}

/* Builds the context of one request's ExpressionAttributeNames and ExpressionAttributeValues. */
struct ddb_ctx *
ddb_ctx_new(fg_json names, fg_json values, int *serial, char **err)
{
	struct ddb_ctx *ctx = fg_calloc(1, sizeof(*ctx));

	*serial = 0;
	if (names != NULL) {
		if (!YAJL_IS_OBJECT(names)) {
			*serial = 1;
			*err = fg_printf("Unexpected value type in payload: %s where a map was expected "
			    "for ExpressionAttributeNames", fg_json_type_name(names));
			goto fail;
		}
		if (fg_json_len(names) == 0) {
			*err = fg_strdup("ExpressionAttributeNames must not be empty");
			goto fail;
		}
		ctx->names = fg_calloc(fg_json_len(names), sizeof(*ctx->names));
		for (size_t i = 0; i < fg_json_len(names); i++) {
			const char *k = fg_json_key(names, i), *v = fg_json_str(fg_json_at(names, i));

			if (!valid_key(k, '#')) {
				*err = fg_printf("ExpressionAttributeNames contains invalid key: Syntax error; "
				    "key: \"%s\"", k);
				goto fail;
			}
			if (v == NULL) {
				*serial = 1;
				*err = fg_printf("Unexpected value type in payload: ExpressionAttributeNames "
				    "value for %s is not a string", k);
				goto fail;
			}
			ctx->names[ctx->nnames].key = fg_strdup(k);
			ctx->names[ctx->nnames++].val = fg_strdup(v);
		}
	}
	if (values != NULL) {
		if (!YAJL_IS_OBJECT(values)) {
			*serial = 1;
			*err = fg_printf("Unexpected value type in payload: %s where a map was expected "
			    "for ExpressionAttributeValues", fg_json_type_name(values));
			goto fail;
		}
		if (fg_json_len(values) == 0) {
			*err = fg_strdup("ExpressionAttributeValues must not be empty");
			goto fail;
		}
		ctx->values = fg_calloc(fg_json_len(values), sizeof(*ctx->values));
		for (size_t i = 0; i < fg_json_len(values); i++) {
			const char *k = fg_json_key(values, i);
			char *msg;

			if (!valid_key(k, ':')) {
				*err = fg_printf("ExpressionAttributeValues contains invalid key: Syntax error; "
				    "key: \"%s\"", k);
				goto fail;
			}
			if (ddb_av_from_json(fg_json_at(values, i), &ctx->values[ctx->nvalues].av, serial,
			    &msg) < 0) {
				*err = *serial ? msg : fg_printf("ExpressionAttributeValues contains invalid "
				    "value: %s for key %s", msg, k);
				if (!*serial)
					free(msg);
				goto fail;
			}
			ctx->values[ctx->nvalues++].key = fg_strdup(k);
		}
	}
	return ctx;
fail:
	ddb_ctx_free(ctx);
	return NULL;
}

/* Frees a context (and with it the values expressions point to). */
void
ddb_ctx_free(struct ddb_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (size_t i = 0; i < ctx->nnames; i++) {
		free(ctx->names[i].key);
		free(ctx->names[i].val);
	}
	for (size_t i = 0; i < ctx->nvalues; i++) {
		free(ctx->values[i].key);
		ddb_av_free(&ctx->values[i].av);
	}
	free(ctx->names);
	free(ctx->values);
	free(ctx);
}

/* Names or values supplied but used by no expression are an error. */
int
ddb_ctx_check_unused(struct ddb_ctx *ctx, char **err)
{
	struct fg_buf b;
	int any = 0;

	fg_buf_init(&b);
	for (size_t i = 0; i < ctx->nnames; i++)
		if (!ctx->names[i].used)
			fg_buf_addf(&b, "%s%s", any++ ? ", " : "", ctx->names[i].key);
	if (any) {
		*err = fg_printf("Value provided in ExpressionAttributeNames unused in expressions: "
		    "keys: {%s}", b.data);
		fg_buf_free(&b);
		return -1;
	}
	for (size_t i = 0; i < ctx->nvalues; i++)
		if (!ctx->values[i].used)
			fg_buf_addf(&b, "%s%s", any++ ? ", " : "", ctx->values[i].key);
	if (any) {
		*err = fg_printf("Value provided in ExpressionAttributeValues unused in expressions: "
		    "keys: {%s}", b.data);
		fg_buf_free(&b);
		return -1;
	}
	fg_buf_free(&b);
	return 0;
}

/* Records the first error of a kind (takes msg). */
static void
sem(struct check *c, enum sem k, char *msg)
{
	if (c->e[k] == NULL)
		c->e[k] = msg;
	else
		free(msg);
}

/* Reports the first recorded error in the order given; frees them all. */
static int
finish(struct check *c, const char *what, const enum sem *order, size_t n, char **err)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		if (c->e[order[i]] != NULL) {
			*err = fg_printf("Invalid %s: %s", what, c->e[order[i]]);
			rc = -1;
		}
	for (size_t i = 0; i < E_COUNT_OF_KINDS; i++)
		free(c->e[i]);
	free(c->paths);
	return rc;
}

/* Resolves #names in a path and flags reserved words used as names. */
static void
resolve_path(struct check *c, struct ddb_path *path)
{
	for (size_t i = 0; i < path->n; i++) {
		char *name = path->e[i].name;
		size_t j;

		if (name == NULL)
			continue;
		if (name[0] != '#') {
			if (ddb_reserved(name, strlen(name)))
				sem(c, E_RESERVED, fg_printf("Attribute name is a reserved keyword; "
				    "reserved keyword: %s", name));
			continue;
		}
		for (j = 0; j < c->ctx->nnames && strcmp(c->ctx->names[j].key, name) != 0; j++)
			;
		if (j == c->ctx->nnames) {
			sem(c, E_NAME, fg_printf("An expression attribute name used in the document path "
			    "is not defined; attribute name: %s", name));
			continue;
		}
		c->ctx->names[j].used = 1;
		free(name);
		path->e[i].name = fg_strdup(c->ctx->names[j].val);
	}
}

/* Resolves a :value node. */
static void
resolve_value(struct check *c, struct ddb_node *n)
{
	for (size_t j = 0; j < c->ctx->nvalues; j++)
		if (strcmp(c->ctx->values[j].key, n->name) == 0) {
			c->ctx->values[j].used = 1;
			n->value = &c->ctx->values[j].av;
			return;
		}
	sem(c, E_VALUE, fg_printf("An expression attribute value used in expression is not "
	    "defined; attribute value: %s", n->name));
}

/* The type an operand is known to have before evaluation, or -1. */
static int
known_type(const struct ddb_node *n)
{
	switch (n->op) {
	case DDB_OP_VALUE:
		return n->value ? (int)n->value->type : -1;
	case DDB_OP_SIZE:
	case DDB_OP_PLUS:
	case DDB_OP_MINUS:
		return DDB_N;
	case DDB_OP_LIST_APPEND:
		return DDB_L;
	case DDB_OP_IF_NOT_EXISTS:
		return known_type(n->args[1]);
	default:
		return -1;
	}
}

/* The type of a literal :value operand, or -1. */
static int
value_type(const struct ddb_node *n)
{
	return n->op == DDB_OP_VALUE && n->value ? (int)n->value->type : -1;
}

/* Tells whether two nodes are the same document path. */
static int
same_path(const struct ddb_node *a, const struct ddb_node *b)
{
	if (a->op != DDB_OP_PATH || b->op != DDB_OP_PATH || a->path.n != b->path.n)
		return 0;
	for (size_t i = 0; i < a->path.n; i++) {
		const struct ddb_path_elem *x = &a->path.e[i], *y = &b->path.e[i];

		if ((x->name == NULL) != (y->name == NULL))
			return 0;
		if (x->name ? strcmp(x->name, y->name) != 0 : x->index != y->index)
			return 0;
	}
	return 1;
}

/* Flags the same path on both sides of a two-operand operator or function. */
static void
check_distinct(struct check *c, const char *op, const struct ddb_node *n)
{
	char *p;

	if (n->nargs != 2 || !same_path(n->args[0], n->args[1]))
		return;
	p = ddb_path_str(&n->args[0]->path);
	sem(c, E_DISTINCT, fg_printf("The first operand must be distinct from the remaining operands "
	    "for this operator or function; operator: %s, first operand: %s", op, p));
	free(p);
}

/* Flags an operand type a function does not take. */
static void
bad_type(struct check *c, const char *fn, int type)
{
	sem(c, E_FUNCTION, fg_printf("Incorrect operand type for operator or function; operator or "
	    "function: %s, operand type: %s", fn, ddb_type_name((enum ddb_type)type)));
}

struct fn {
	const char *name;
	enum ddb_op op;
	size_t nargs;
	int update;       /* an update-expression function */
};
static const struct fn functions[] = {
	{ "attribute_exists", DDB_OP_EXISTS, 1, 0 },
	{ "attribute_not_exists", DDB_OP_NOT_EXISTS, 1, 0 },
	{ "attribute_type", DDB_OP_TYPE, 2, 0 },
	{ "begins_with", DDB_OP_BEGINS, 2, 0 },
	{ "contains", DDB_OP_CONTAINS, 2, 0 },
	{ "size", DDB_OP_SIZE, 1, 0 },
	{ "if_not_exists", DDB_OP_IF_NOT_EXISTS, 2, 1 },
	{ "list_append", DDB_OP_LIST_APPEND, 2, 1 },
};

static void check_operand(struct check *, struct ddb_node *);

/* Checks the argument types of a known function. */
static void
check_fn_types(struct check *c, const struct fn *f, struct ddb_node *n)
{
	int t;

	switch (f->op) {
	case DDB_OP_EXISTS:
	case DDB_OP_NOT_EXISTS:
	case DDB_OP_IF_NOT_EXISTS:
		if (n->args[0]->op != DDB_OP_PATH)
			sem(c, E_FUNCTION, fg_printf("Operator or function requires a document path; "
			    "operator or function: %s", f->name));
		break;
	case DDB_OP_BEGINS:
		for (size_t i = 0; i < n->nargs; i++)
			if ((t = known_type(n->args[i])) >= 0 && t != DDB_S && t != DDB_B)
				bad_type(c, f->name, t);
		break;
	case DDB_OP_TYPE:
		t = known_type(n->args[1]);
		if (t != DDB_S)
			sem(c, E_FUNCTION, fg_printf("Incorrect operand type for operator or function; "
			    "operator or function: %s, operand type: %s", f->name,
			    t < 0 ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : ddb_type_name((enum ddb_type)t)));
		else if (n->args[1]->op == DDB_OP_VALUE &&
		    (ddb_type_from_name(n->args[1]->value->str) < 0 || strlen(n->args[1]->value->str) !=
		    n->args[1]->value->len))
			sem(c, E_FUNCTION, fg_printf("Invalid attribute type name found; type: %s, valid "
			    "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", n->args[1]->value->str));
		break;
	case DDB_OP_SIZE:
		t = known_type(n->args[0]);
		if (t == DDB_N || t == DDB_BOOL || t == DDB_NULL)
			bad_type(c, f->name, t);
		break;
	case DDB_OP_LIST_APPEND:
		for (size_t i = 0; i < n->nargs; i++)
			if ((t = value_type(n->args[i])) >= 0 && t != DDB_L)
				bad_type(c, f->name, t);
		break;
	default:
		break;
	}
}

/* Checks a function call and gives it its operator; returns the table entry or NULL. */
static const struct fn *
check_call(struct check *c, struct ddb_node *n)
{
	const struct fn *f = NULL;

	for (size_t i = 0; i < n->nargs; i++) {
		check_operand(c, n->args[i]);
		if (!c->update && n->args[i]->op == DDB_OP_CALL)
			sem(c, E_MISUSED_FN, fg_printf("The function is not allowed to be used this way "
			    "in an expression; function: %s", n->args[i]->name));
	}
	for (size_t i = 0; i < FG_ARRAY_LEN(functions); i++)
		if (strcmp(functions[i].name, n->name) == 0 && functions[i].update == c->update)
			f = &functions[i];
	if (f == NULL) {
		sem(c, E_UNKNOWN_FN, fg_printf("Invalid function name; function: %s", n->name));
		return NULL;
	}
	if (n->nargs != f->nargs) {
		sem(c, E_COUNT, fg_printf("Incorrect number of operands for operator or function; "
		    "operator or function: %s, number of operands: %zu", f->name, n->nargs));
		return f;
	}
	check_distinct(c, f->name, n);
	check_fn_types(c, f, n);
	return f;
}

/* Checks an operand: a path, a :value or a function (size in conditions). */
static void
check_operand(struct check *c, struct ddb_node *n)
{
	const struct fn *f;

	if (n->parens > 1)
		sem(c, E_PARENS, fg_strdup("The expression has redundant parentheses;"));
	switch (n->op) {
	case DDB_OP_PATH:
		resolve_path(c, &n->path);
		break;
	case DDB_OP_VALUE:
		resolve_value(c, n);
		break;
	case DDB_OP_CALL:
		f = check_call(c, n);
		/* In a condition only size() is an operand; the caller flags the others. */
		if (f != NULL && (c->update || f->op == DDB_OP_SIZE))
			n->op = f->op;
		break;
	default:
		break;
	}
}

/* Flags a condition function used as an operand. */
static void
check_operand_use(struct check *c, const struct ddb_node *n)
{
	if (n->op == DDB_OP_CALL)
		sem(c, E_MISUSED_FN, fg_printf("The function is not allowed to be used this way in an "
		    "expression; function: %s", n->name));
}

/* "{N:5}" for BETWEEN messages. */
static char *
av_brief(const struct ddb_av *av)
{
	if (av->type == DDB_S || av->type == DDB_N)
		return fg_printf("AttributeValue: {%s:%s}", ddb_type_name(av->type), av->str);
	return fg_printf("AttributeValue: {%s}", ddb_type_name(av->type));
}

/* BETWEEN bounds given as values must have one type and be in order. */
static void
check_between(struct check *c, const struct ddb_node *lo, const struct ddb_node *hi)
{
	const char *what = NULL;
	char *a, *b;

	if (lo->op != DDB_OP_VALUE || hi->op != DDB_OP_VALUE || !lo->value || !hi->value)
		return;
	if (lo->value->type != hi->value->type)
		what = "The BETWEEN operator requires same data type for lower and upper bounds";
	else if ((lo->value->type == DDB_S || lo->value->type == DDB_N || lo->value->type == DDB_B) &&
	    ddb_av_cmp(lo->value, hi->value) > 0)
		what = "The BETWEEN operator requires upper bound to be greater than or equal to lower "
		    "bound";
	if (what == NULL)
		return;
	a = av_brief(lo->value);
	b = av_brief(hi->value);
	sem(c, E_FUNCTION, fg_printf("%s; lower bound operand: %s, upper bound operand: %s", what, a,
	    b));
	free(a);
	free(b);
}

static const char *const cmp_names[] = {
	[DDB_OP_EQ] = "=", [DDB_OP_NE] = "<>", [DDB_OP_LT] = "<", [DDB_OP_LE] = "<=",
	[DDB_OP_GT] = ">", [DDB_OP_GE] = ">=",
};

/* Checks a condition tree. */
static void
check_cond(struct check *c, struct ddb_node *n)
{
	const struct fn *f;

	if (n->parens > 1)
		sem(c, E_PARENS, fg_strdup("The expression has redundant parentheses;"));
	switch (n->op) {
	case DDB_OP_AND:
	case DDB_OP_OR:
	case DDB_OP_NOT:
		for (size_t i = 0; i < n->nargs; i++)
			check_cond(c, n->args[i]);
		break;
	case DDB_OP_CALL:
		f = check_call(c, n);
		if (f != NULL && f->op == DDB_OP_SIZE)
			sem(c, E_MISUSED_FN, fg_strdup("The function is not allowed to be used this way "
			    "in an expression; function: size"));
		else if (f != NULL)
			n->op = f->op;
		break;
	default: /* comparisons, BETWEEN, IN */
		for (size_t i = 0; i < n->nargs; i++) {
			check_operand(c, n->args[i]);
			check_operand_use(c, n->args[i]);
		}
		if (n->op <= DDB_OP_GE)
			check_distinct(c, cmp_names[n->op], n);
		if (n->op == DDB_OP_BETWEEN)
			check_between(c, n->args[1], n->args[2]);
		break;
	}
}

/* Checks a condition, filter or key condition expression. */
int
ddb_check_condition(struct ddb_ctx *ctx, const char *what, struct ddb_node *n, char **err)
{
	static const enum sem order[] = { E_PARENS, E_UNKNOWN_FN, E_MISUSED_FN, E_RESERVED, E_NAME,
		E_VALUE, E_COUNT, E_DISTINCT, E_FUNCTION };
	struct check c = { .ctx = ctx };

	check_cond(&c, n);
	return finish(&c, what, order, FG_ARRAY_LEN(order), err);
}

/* Flags a path that overlaps or conflicts with one seen before in the same expression. */
static void
check_overlap(struct check *c, struct ddb_path *path)
{
	for (size_t k = 0; k < c->npaths; k++) {
		const struct ddb_path *o = c->paths[k];
		size_t i, n = o->n < path->n ? o->n : path->n;
		enum sem kind = E_OVERLAP;
		char *a, *b;

		for (i = 0; i < n; i++) {
			const struct ddb_path_elem *x = &o->e[i], *y = &path->e[i];

			if ((x->name == NULL) != (y->name == NULL)) {
				kind = E_CONFLICT;
				break;
			}
			if (x->name ? strcmp(x->name, y->name) != 0 : x->index != y->index)
				break;
		}
		if (i < n && kind != E_CONFLICT)
			continue;
		a = ddb_path_str(o);
		b = ddb_path_str(path);
		sem(c, kind, fg_printf("Two document paths %s with each other; must remove or rewrite "
		    "one of these paths; path one: %s, path two: %s",
		    kind == E_CONFLICT ? "conflict" : "overlap", a, b));
		free(a);
		free(b);
		return;
	}
	c->paths = fg_realloc(c->paths, (c->npaths + 1) * sizeof(*c->paths));
	c->paths[c->npaths++] = path;
}

/* The operand type word of ADD and DELETE messages. */
static const char *
operand_word(int t)
{
	static const char *const words[] = { [DDB_S] = "STRING", [DDB_N] = "NUMBER",
		[DDB_B] = "BINARY", [DDB_BOOL] = "BOOLEAN", [DDB_NULL] = "NULL", [DDB_M] = "MAP",
		[DDB_L] = "LIST" };

	return t >= 0 && t <= DDB_L ? words[t] : NULL;
}

/* Checks the value of a SET action: an operand, or operand + or - operand. */
static void
check_set_value(struct check *c, struct ddb_node *n)
{
	int t;

	if (n->op != DDB_OP_PLUS && n->op != DDB_OP_MINUS) {
		check_operand(c, n);
		return;
	}
	for (size_t i = 0; i < n->nargs; i++) {
		check_operand(c, n->args[i]);
		if ((t = value_type(n->args[i])) >= 0 && t != DDB_N)
			bad_type(c, n->op == DDB_OP_PLUS ? "+" : "-", t);
	}
}

/* Checks an update expression. */
int
ddb_check_update(struct ddb_ctx *ctx, struct ddb_update *u, char **err)
{
	static const enum sem order[] = { E_RESERVED, E_UNKNOWN_FN, E_SECTION, E_NAME, E_VALUE,
		E_OVERLAP, E_CONFLICT, E_OPERAND, E_COUNT, E_FUNCTION };
	struct check c = { .ctx = ctx, .update = 1 };

	if (u->dup_section)
		sem(&c, E_SECTION, fg_printf("The \"%s\" section can only be used once in an update "
		    "expression;", u->dup_section));
	for (size_t i = 0; i < u->n; i++) {
		struct ddb_action *a = &u->a[i];
		const char *word;
		int t;

		resolve_path(&c, &a->path);
		check_overlap(&c, &a->path);
		if (a->kind == DDB_SET) {
			check_set_value(&c, a->value);
		} else if (a->kind != DDB_REMOVE) {
			resolve_value(&c, a->value);
			t = value_type(a->value);
			word = operand_word(t);
			if (word != NULL && !(a->kind == DDB_ADD && t == DDB_N))
				sem(&c, E_OPERAND, fg_printf("Incorrect operand type for operator or function; "
				    "operator: %s, operand type: %s", a->kind == DDB_ADD ? "ADD" : "DELETE",
				    word));
		}
	}
	return finish(&c, "UpdateExpression", order, FG_ARRAY_LEN(order), err);
}

/* Checks a projection expression. */
int
ddb_check_projection(struct ddb_ctx *ctx, struct ddb_proj *pr, char **err)
{
	static const enum sem order[] = { E_RESERVED, E_NAME, E_OVERLAP, E_CONFLICT };
	struct check c = { .ctx = ctx };

	for (size_t i = 0; i < pr->n; i++) {
		resolve_path(&c, &pr->p[i]);
		check_overlap(&c, &pr->p[i]);
	}
	return finish(&c, "ProjectionExpression", order, FG_ARRAY_LEN(order), err);
}
